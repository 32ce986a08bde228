"""SQL of the Spotify sync: stored sources, staged pages (resume after a stop) and the per-source swap."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from lib.clock import stored_now
from lib.store.catalog import SourceRecord, replace_source_tracks, upsert_source, upsert_tracks
from lib.store.db import Library
from lib.store.jobs import create_job, set_job_status, update_job

_SOURCE_COLUMNS = ("source_id", "kind", "spotify_id", "name", "owner_id", "owner_name", "collaborative", "readable",
                   "unreadable_reason", "selected", "origin", "snapshot_id", "remote_total", "track_count",
                   "local_count", "episode_count", "null_count", "last_synced_at")


def spotify_sources(library: Library) -> list[dict]:
    """Liked Songs first, then playlists by name; only sources that came from Spotify."""
    rows = library.query(
        f"SELECT {', '.join(_SOURCE_COLUMNS)} FROM sources WHERE origin = 'spotify'"
        " ORDER BY kind <> 'liked', lower(name), source_id")
    return [dict(zip(_SOURCE_COLUMNS, row, strict=True)) for row in rows]


def source_state(library: Library, source_id: str) -> dict | None:
    row = library.query_one(f"SELECT {', '.join(_SOURCE_COLUMNS)} FROM sources WHERE source_id = ?", [source_id])
    return dict(zip(_SOURCE_COLUMNS, row, strict=True)) if row else None


def liked_members(library: Library) -> list[tuple[str, datetime | None]]:
    """Stored Liked Songs (track id, added_at as aware UTC), in Spotify's order (newest first)."""
    rows = library.query("SELECT track_id, added_at FROM source_tracks WHERE source_id = 'liked' ORDER BY position")
    return [(tid, added.replace(tzinfo=UTC) if added else None) for tid, added in rows]


def save_listing(library: Library, records: list[SourceRecord]) -> None:
    """Store what /me/playlists said about each playlist (never touches membership or snapshot); a renamed
    playlist shows its new name on all its tracks."""
    if not records:
        return
    with library.write() as w:
        # track_view shows a source's name and kind only: a listing that changed neither refreshes nothing.
        shown = {sid: (name, kind) for sid, name, kind in w.cur.execute(
            "SELECT source_id, name, kind FROM sources WHERE list_contains($ids, source_id)",
            {"ids": [r.source_id for r in records]}).fetchall()}
        for record in records:
            upsert_source(w.cur, record)
        w.touch(sources=[r.source_id for r in records if shown.get(r.source_id) != (r.name, r.kind)])


def set_selected(library: Library, source_ids: list[str]) -> None:
    """Remember which Spotify sources the user chose to sync (the UI's picker starts from these)."""
    with library.transaction() as cur:
        cur.execute("UPDATE sources SET selected = list_contains($ids, source_id) WHERE origin = 'spotify'",
                    {"ids": list(source_ids)})


def load_staging(library: Library, source_id: str) -> dict[int, tuple[str | None, list[dict]]]:
    """Pages fetched by an unfinished sync: offset → (snapshot id, compact rows)."""
    rows = library.query("SELECT page_offset, snapshot_id, items FROM sync_staging WHERE source_id = ?"
                         " ORDER BY page_offset", [source_id])
    return {offset: (snapshot, json.loads(items)) for offset, snapshot, items in rows}


def stage_pages(cur, source_id: str, stage_key: str | None, pages: dict[int, list[dict]]) -> None:
    """Keep fetched pages (inside the caller's transaction) so a stopped sync resumes without re-asking."""
    if pages:
        cur.executemany("INSERT OR REPLACE INTO sync_staging (source_id, snapshot_id, page_offset, items)"
                        " VALUES (?, ?, ?, ?)",
                        [[source_id, stage_key, offset, json.dumps(rows)] for offset, rows in pages.items()])


def drop_staging(library: Library, source_id: str) -> None:
    library.execute("DELETE FROM sync_staging WHERE source_id = ?", [source_id])


def staged_sources(library: Library) -> dict[str, int]:
    """Source id → number of staged pages waiting to be resumed."""
    return dict(library.query("SELECT source_id, count(*) FROM sync_staging GROUP BY source_id"))


@dataclass
class SourceCommit:
    """A fully read source waiting to be swapped in, with its fetch job's bookkeeping."""

    source: SourceRecord
    content: object                  # lib.spotify.items.SourceContent
    snapshot_id: str | None
    message: str
    progress: dict
    requests: int
    job_id: int | None = None        # created here if the fetch never needed a job row before
    parent_job_id: int | None = None


def commit_sources(library: Library, commits: list[SourceCommit]) -> None:
    """Swap each source's membership in ONE transaction (tracks, membership, counts, snapshot, staging
    cleanup, flattened view, job status): readers see every source all old or all new."""
    if not commits:
        return

    with library.write() as w:
        cur, job_ids = w.cur, []
        for c in commits:
            sid = c.source.source_id
            written = upsert_tracks(cur, c.content.tracks, origin="spotify")
            upsert_source(cur, c.source)
            replace_source_tracks(cur, sid, c.content.members, snapshot_id=c.snapshot_id,
                                  local_count=c.content.local_count, episode_count=c.content.episode_count,
                                  null_count=c.content.null_count, synced_at=stored_now())
            cur.execute("DELETE FROM sync_staging WHERE source_id = ?", [sid])
            w.touch(sources=[sid], **written)
            job_id = c.job_id if c.job_id is not None else create_job(
                library, "fetch_tracks", sid, parent_id=c.parent_job_id, cursor=cur)
            update_job(library, job_id, progress=c.progress, add_requests=c.requests, cursor=cur)
            set_job_status(library, job_id, "done", c.message, cursor=cur)
            _close_paused(library, cur, "fetch_tracks", sid, job_id)
            job_ids.append(job_id)
    for c, job_id in zip(commits, job_ids, strict=True):  # kept only once committed
        c.job_id = job_id


def _close_paused(library: Library, cur, kind: str, target: str | None, by_job: int) -> None:
    """Earlier jobs paused by a quota stop are finished once a later job completed their work."""
    rows = cur.execute("SELECT job_id FROM jobs WHERE kind = ? AND status = 'paused' AND job_id <> ?"
                       " AND (? IS NULL OR target = ?)", [kind, by_job, target, target]).fetchall()
    for (job_id,) in rows:
        set_job_status(library, job_id, "done", f"resumed and finished by job #{by_job}", cursor=cur)


def finish_sync_job(library: Library, job_id: int, status: str, message: str, paused_until, *,
                    progress: dict, requests: int) -> None:
    """Record the aggregate sync job's outcome; a completed sync also closes earlier paused syncs."""
    with library.transaction() as cur:
        update_job(library, job_id, progress=progress, add_requests=requests, cursor=cur)
        set_job_status(library, job_id, status, message, paused_until=paused_until, cursor=cur)
        if status == "done":
            _close_paused(library, cur, "sync", None, job_id)


def pause_state(library: Library) -> tuple[datetime, str] | None:
    """(until, message) when the latest sync was paused by a quota stop that has not expired yet."""
    row = library.query_one("SELECT status, paused_until, message FROM jobs WHERE kind = 'sync'"
                            " ORDER BY job_id DESC LIMIT 1")
    if row and row[0] == "paused" and row[1] and row[1] > stored_now():
        return row[1], row[2]
    return None


def retire_playlists(library: Library, listed_ids: set[str], reason: str) -> list[tuple[str, str]]:
    """Spotify playlists stored here but no longer in the user's list (deleted or unfollowed): clear their
    membership in one transaction and keep the row, marked unreadable. Returns (source id, name) pairs."""
    with library.write() as w:
        gone = [(sid, name) for sid, name, pid in w.cur.execute(
            "SELECT source_id, name, spotify_id FROM sources WHERE origin = 'spotify' AND kind = 'playlist'"
            " AND (readable OR track_count > 0)").fetchall() if pid not in listed_ids]
        if not gone:
            return []
        ids = [sid for sid, _ in gone]
        w.cur.execute("DELETE FROM source_tracks WHERE list_contains($ids, source_id)", {"ids": ids})
        w.cur.execute("DELETE FROM sync_staging WHERE list_contains($ids, source_id)", {"ids": ids})
        w.cur.execute("UPDATE sources SET readable = false, unreadable_reason = $reason, selected = false,"
                      " snapshot_id = NULL, track_count = 0, local_count = 0, episode_count = 0, null_count = 0"
                      " WHERE list_contains($ids, source_id)", {"ids": ids, "reason": reason})
        w.touch(sources=ids)
    return gone


def mark_unreadable(library: Library, source_id: str, reason: str) -> None:
    library.execute("UPDATE sources SET readable = false, unreadable_reason = ? WHERE source_id = ?",
                    [reason, source_id])
