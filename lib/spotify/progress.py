"""What a sync reports: per-page progress events, per-source results and the overall summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class SyncProgress:
    source_id: str
    source_name: str
    source_index: int         # 1-based
    source_count: int
    page: int
    tracks: int               # items read so far for this source
    total: int | None
    requests: int             # requests made by the whole sync so far


@dataclass
class SourceResult:
    source_id: str
    name: str
    status: str               # synced | unchanged | unreadable | missing | removed
    tracks: int = 0
    local: int = 0
    episodes: int = 0
    nulls: int = 0
    pages: int = 0
    resumed_pages: int = 0
    requests: int = 0
    message: str = ""


@dataclass
class SyncSummary:
    status: str = "running"   # done | paused | failed
    job_id: int | None = None
    requests: int = 0
    sources: list[SourceResult] = field(default_factory=list)
    message: str = ""
    paused_until: datetime | None = None
    reconnect: bool = False

    @property
    def tracks(self) -> int:
        return sum(s.tracks for s in self.sources)
