"""What the Enrich page and `enrich --list` show: providers with status and coverage, and user settings."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib.config import Settings
from lib.enrich.musicbrainz import CONTACT_SETTING
from lib.enrich.reccobeats import OPT_IN_SETTING
from lib.enrich.registry import FEATURE_PROVIDERS
from lib.store import enrichment_store, list_jobs
from lib.store.db import Library


@dataclass
class ProviderRow:
    id: str
    label: str
    type: str
    version: str
    origin: str
    description: str
    runnable: bool
    third_party: bool
    pending: int | None           # tracks a run would look up (None: not a job)
    ok: int
    no_data: int
    errors: int
    last_job: object | None


def provider_rows(library: Library) -> list[ProviderRow]:
    counts = enrichment_store.status_counts(library)
    runnable = [s for s in FEATURE_PROVIDERS.values() if s.runnable]
    pending = enrichment_store.pending_counts(library, [(s.id, s.version, s.require) for s in runnable])
    jobs: dict[str, object] = {}
    for job in list_jobs(library, kind="enrich", limit=200):       # newest first
        jobs.setdefault(job.target, job)
    rows = []
    for spec in FEATURE_PROVIDERS.values():
        mine = counts[counts["provider"] == spec.id].set_index("status")["tracks"].to_dict()
        rows.append(ProviderRow(spec.id, spec.label, spec.type, spec.version, spec.origin, spec.description,
                                spec.runnable, spec.third_party, pending.get(spec.id) if spec.runnable else None,
                                int(mine.get("ok", 0)), int(mine.get("no_data", 0)), int(mine.get("error", 0)),
                                jobs.get(spec.id)))
    return rows


def coverage_table(library: Library) -> pd.DataFrame:
    """Per field and provider coverage, with the share of tracks where that provider's value is shown."""
    frame = enrichment_store.coverage(library)
    frame["share_shown"] = (frame["shown"] / frame["total"].where(frame["total"] > 0)).fillna(0.0)
    return frame


def value_provenance(library: Library, track_id: str) -> pd.DataFrame:
    """Where each of a track's values came from, and which one is shown (precedence)."""
    return enrichment_store.value_provenance(library, track_id)


def class_coverage_table(library: Library) -> pd.DataFrame:
    return enrichment_store.class_coverage(library)


def get_contact(library: Library, settings: Settings) -> str:
    """The MusicBrainz contact, as documented: MUSICBRAINZ_CONTACT, else secrets.toml's (both in `settings`),
    else the one saved in the app."""
    return settings.musicbrainz_contact or enrichment_store.get_setting(library, CONTACT_SETTING) or ""


def set_contact(library: Library, contact: str) -> None:
    contact = contact.strip()
    if contact and len(contact) > 200:
        raise ValueError("the contact should be an e-mail address or URL (at most 200 characters)")
    with library.transaction() as cur:
        enrichment_store.set_setting(cur, CONTACT_SETTING, contact or None)


def reccobeats_opted_in(library: Library) -> bool:
    return bool(enrichment_store.get_setting(library, OPT_IN_SETTING, False))


def set_reccobeats_opt_in(library: Library, opted_in: bool) -> None:
    with library.transaction() as cur:
        enrichment_store.set_setting(cur, OPT_IN_SETTING, bool(opted_in))
