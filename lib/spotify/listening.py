"""Read listening history: recently played since the newest stored play, and the top tracks of each term."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from lib.clock import as_stored, stored_now
from lib.spotify.auth import LISTENING_SCOPES
from lib.spotify.client import SpotifyClient
from lib.spotify.errors import QuotaExceeded, SpotifyApiError, SpotifyError
from lib.spotify.items import parse_time, track_record
from lib.store import create_job, set_job_status, update_job
from lib.store.db import Library
from lib.store.listening_store import TERMS, Play, last_played_at, listening_summary, replace_top, store_plays

HISTORY_SCOPE, TOP_SCOPE = "user-read-recently-played", "user-top-read"
MAX_HISTORY_PAGES = 20         # Spotify keeps about the last 50 plays; this bounds a misbehaving `next`
TOP_EVERY = timedelta(hours=20)  # top lists move slowly: read them about once a day (3 requests)


@dataclass
class ListeningResult:
    status: str = "done"                 # done | paused | failed | skipped (a permission is missing)
    plays_added: int = 0
    top_terms: list[str] = field(default_factory=list)
    requests: int = 0
    missing: list[str] = field(default_factory=list)
    message: str = ""
    job_id: int | None = None
    paused_until: datetime | None = None


def _ms(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp() * 1000)


def read_history(library: Library, client: SpotifyClient) -> int:
    """Plays newer than the newest stored one, each stored once; returns how many were new."""
    newest = last_played_at(library)
    page = client.recently_played(after_ms=_ms(newest) if newest else None)
    plays, tracks = [], []
    for _ in range(MAX_HISTORY_PAGES):
        older_than_known = False
        for item in page.get("items") or []:
            record, played = track_record(item.get("track")), parse_time(item.get("played_at"))
            if record is None or played is None:
                continue
            moment = as_stored(played)
            if newest is not None and moment <= newest:
                older_than_known = True
                continue
            context = item.get("context") or {}
            plays.append(Play(record.track_id, moment, context.get("type"), context.get("uri")))
            tracks.append(record)
        before = (page.get("cursors") or {}).get("before")
        if older_than_known or not page.get("next") or not before:
            break
        page = client.recently_played(before_ms=int(before))
    with library.write() as w:
        return store_plays(w, tracks, plays)


def read_top(library: Library, client: SpotifyClient, terms=TERMS) -> list[str]:
    """Replace each term's top list with what Spotify says now (read date kept with it)."""
    done = []
    for term in terms:
        page = client.top_tracks(term)
        records = [r for r in (track_record(t) for t in page.get("items") or []) if r is not None]
        with library.write() as w:
            replace_top(w, term, records, stored_now())
        done.append(term)
    return done


def top_due(library: Library, now: datetime | None = None) -> bool:
    read = listening_summary(library)["top_read_at"]
    now = now or stored_now()
    return any(read.get(term) is None or now - read[term] >= TOP_EVERY for term in TERMS)


def read_listening(library: Library, client: SpotifyClient, *, parent_job_id: int | None = None,
                   force_top: bool = False) -> ListeningResult:
    """History then (about daily, or `force_top`) top tracks, as one 'listening' job. A missing scope skips
    its part with a message instead of a 403; Spotify trouble is reported in the result, never raised."""
    result = ListeningResult(missing=[s for s in LISTENING_SCOPES if not client.granted(s)])
    if len(result.missing) == len(LISTENING_SCOPES):
        result.status = "skipped"
        result.message = missing_message(result.missing)
        return result
    result.job_id = create_job(library, "listening", "history+top", parent_id=parent_job_id,
                               message="reading listening history")
    start = client.request_count
    result.status = "running"
    try:
        if HISTORY_SCOPE not in result.missing:
            result.plays_added = read_history(library, client)
        if TOP_SCOPE not in result.missing and (force_top or top_due(library)):
            result.top_terms = read_top(library, client)
        result.message = (f"{result.plays_added} new play(s)"
                          + (f", top tracks read ({', '.join(result.top_terms)})" if result.top_terms else "")
                          + (f"; {missing_message(result.missing)}" if result.missing else ""))
        result.status = "done"
    except QuotaExceeded as exc:
        result.status, result.message, result.paused_until = "paused", str(exc), exc.until
    except SpotifyApiError as exc:
        result.status = "failed"
        result.message = (missing_message(list(LISTENING_SCOPES)) if exc.status == 403 else str(exc))
    except SpotifyError as exc:
        result.status, result.message = "failed", str(exc)
    finally:
        result.requests = client.request_count - start
        update_job(library, result.job_id, progress={"plays_added": result.plays_added,
                                                     "top_terms": len(result.top_terms)},
                   add_requests=result.requests)
        set_job_status(library, result.job_id, "failed" if result.status == "running" else result.status,
                       result.message or "stopped unexpectedly", paused_until=result.paused_until)
    return result


def missing_message(missing: list[str]) -> str:
    """Which permissions are missing and what they are for."""
    parts = [f"{scope} ({LISTENING_SCOPES[scope]})" for scope in missing]
    return ("Your Spotify sign-in lacks " + "; ".join(parts)
            + ". Connect again on 'Connect & sync' to grant it (nothing else changes).")
