"""Records passed between providers and the job runner: one track's result and a batch's result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field

from lib.clock import stored_now
from lib.store.catalog import EnrichmentValue

Status = Literal["ok", "no_data", "error"]


class TrackEnrichment(BaseModel):
    """What one provider found for one track: values by field, or why there are none."""

    track_id: str
    provider: str
    provider_version: str
    status: Status = "ok"
    values: dict[str, float | int | str | list[str] | None] = Field(default_factory=dict)
    detail: str | None = None

    def to_values(self, origin: str) -> list[EnrichmentValue]:
        """Enrichment values for the store (empty unless status is 'ok')."""
        if self.status != "ok":
            return []
        out, now = [], stored_now()
        for name, value in self.values.items():
            if value is None or value == []:
                continue
            common = {"track_id": self.track_id, "field": name, "provider": self.provider, "origin": origin,
                      "provider_version": self.provider_version, "fetched_at": now}
            if isinstance(value, list):
                out.append(EnrichmentValue(**common, list_value=[str(v) for v in value]))
            elif isinstance(value, bool | int | float):
                out.append(EnrichmentValue(**common, num_value=float(value)))
            else:
                out.append(EnrichmentValue(**common, text_value=str(value)))
        return out


@dataclass
class BatchResult:
    """A provider's answer for a batch: per-track results, cache entries and extra writes."""

    tracks: list[TrackEnrichment] = field(default_factory=list)
    cache: list[tuple[str, str, Any]] = field(default_factory=list)      # (lookup key, status, payload)
    writes: list[Callable[[Any], None]] = field(default_factory=list)    # run with the transaction's cursor
    requests: int = 0

    def extend(self, other: BatchResult) -> None:
        self.tracks += other.tracks
        self.cache += other.cache
        self.writes += other.writes
        self.requests += other.requests
