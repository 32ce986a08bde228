"""Sync Liked Songs and playlists into the library: incremental, resumable after a stop, whole-source swaps."""

from __future__ import annotations

import time
from collections.abc import Callable

from lib.spotify.client import PAGE_LIMIT, SpotifyClient
from lib.spotify.errors import PlaylistNotReadable, QuotaExceeded, ReconnectRequired, SpotifyApiError, SpotifyError
from lib.spotify.items import build_content, compact_entry, parse_time
from lib.spotify.listing import UNREADABLE_REASON, list_playlists
from lib.spotify.progress import SourceResult, SyncProgress, SyncSummary
from lib.store import sync_store
from lib.store.catalog import Membership, SourceRecord
from lib.store.db import Library
from lib.store.jobs import create_job, set_job_status, update_job

FLUSH_EVERY_S = 2.0        # fetched pages of a long source are staged at least this often (and on any stop)
COMMIT_EVERY_S = 2.0       # finished sources are swapped in batches: one transaction per batch, per source whole
COMMIT_EVERY_ROWS = 20_000
GONE_REASON = "no longer in your Spotify library (deleted or unfollowed); its tracks were removed from it here"


class _Run:
    """One source being read: its fetch job (created when first needed), pages not yet staged, counters."""

    def __init__(self, sync: _Sync, source: SourceRecord, stage_key: str | None, index: int):
        self.sync, self.source, self.stage_key, self.index = sync, source, stage_key, index
        self.job_id: int | None = None
        self.pending: dict[int, list[dict]] = {}
        self.rows_read = self.pages = self.resumed = 0
        self.start_requests = self.recorded_requests = sync.client.request_count
        self.last_flush = time.monotonic()

    @property
    def requests(self) -> int:
        return self.sync.client.request_count - self.start_requests

    def page_done(self, offset: int, rows: list[dict], total: int | None) -> None:
        self.pending[offset] = rows
        self.pages += 1
        self.rows_read += len(rows)
        self.sync.progress(SyncProgress(self.source.source_id, self.source.name, self.index, self.sync.count,
                                        self.pages, self.rows_read, total, self.sync.requests()))
        if time.monotonic() - self.last_flush >= FLUSH_EVERY_S:
            self.flush(total)

    def flush(self, total: int | None = None, status: tuple | None = None) -> None:
        """Stage pending pages and record progress in one transaction; optionally change the job status."""
        with self.sync.library.transaction() as cur:
            if self.job_id is None:
                self.job_id = create_job(self.sync.library, "fetch_tracks", self.source.source_id,
                                         parent_id=self.sync.job_id, message=f"Reading {self.source.name}", cursor=cur)
            sync_store.stage_pages(cur, self.source.source_id, self.stage_key, self.pending)
            now = self.sync.client.request_count
            update_job(self.sync.library, self.job_id, progress={"page": self.pages, "tracks": self.rows_read,
                                                                 "total": total},
                       add_requests=now - self.recorded_requests, cursor=cur)
            if status:
                set_job_status(self.sync.library, self.job_id, status[0], status[1], paused_until=status[2],
                               cursor=cur)
        self.recorded_requests = now
        self.pending = {}
        self.last_flush = time.monotonic()


class _Sync:
    def __init__(self, library: Library, client: SpotifyClient, on_progress, job_id: int):
        self.library, self.client, self.on_progress, self.job_id = library, client, on_progress, job_id
        self.start = client.request_count
        self.count = 0
        self.states = {s["source_id"]: s for s in sync_store.spotify_sources(library)}
        self.staged = sync_store.staged_sources(library)
        self.commits: list[sync_store.SourceCommit] = []
        self.last_commit = time.monotonic()

    def requests(self) -> int:
        return self.client.request_count - self.start

    def progress(self, event: SyncProgress) -> None:
        if self.on_progress:
            self.on_progress(event)

    def _staging(self, source_id: str) -> dict:
        return sync_store.load_staging(self.library, source_id) if source_id in self.staged else {}

    def fetch_liked(self, run: _Run) -> tuple[list[dict], list[Membership]]:
        """Newest first; stop at the first page holding only known, unchanged likes if the total adds up."""
        known = sync_store.liked_members(self.library) if "liked" in self.states else []
        known_at, position = dict(known), {tid: i for i, (tid, _) in enumerate(known)}
        self.known_liked = known
        staged = self._staging("liked")
        first = self.client.saved_tracks_page(0)
        total = first["total"]
        rows0 = [compact_entry(e, i) for i, e in enumerate(first["items"])]
        run.stage_key = f"total:{total}"
        # Staged pages are reused only if Liked Songs did not move since (same total, same first page).
        pages = {o: r for o, (key, r) in staged.items() if key == run.stage_key} \
            if staged.get(0, (None, None)) == (run.stage_key, rows0) else {}
        if staged and not pages:
            sync_store.drop_staging(self.library, "liked")
        run.resumed = max(0, len(pages) - 1)
        pages[0] = rows0
        run.page_done(0, rows0, total)
        full, offset = not known, 0
        while True:
            rows = pages[offset]
            if not full and rows and all(r["kind"] == "track" and r["track"]["id"] in known_at
                                         and known_at[r["track"]["id"]] == parse_time(r["added_at"]) for r in rows):
                fetched = [row for o in sorted(pages) if o <= offset for row in pages[o]]
                fetched_ids = {r["track"]["id"] for r in fetched if r["kind"] == "track"}
                tail = [(tid, at) for tid, at in known[position[rows[-1]["track"]["id"]] + 1:]
                        if tid not in fetched_ids]
                if len(fetched) + len(tail) == total:
                    return fetched, [Membership(len(fetched) + i, tid, at) for i, (tid, at) in enumerate(tail)]
                full = True            # something older was removed: read everything
            if not rows or offset + PAGE_LIMIT >= total:
                break
            offset += PAGE_LIMIT
            if offset not in pages:
                page = self.client.saved_tracks_page(offset)
                pages[offset] = [compact_entry(e, offset + i) for i, e in enumerate(page["items"])]
                run.page_done(offset, pages[offset], total)
        return [row for o in sorted(pages) for row in pages[o]], []

    def fetch_playlist(self, run: _Run, playlist_id: str, total: int) -> list[dict]:
        staged = self._staging(run.source.source_id)
        pages = {o: r for o, (key, r) in staged.items() if key == run.stage_key}
        if len(pages) != len(staged):
            sync_store.drop_staging(self.library, run.source.source_id)   # playlist changed since: start over
            pages = {}
        run.resumed = len(pages)
        offset = 0
        while offset < total:
            if offset not in pages:
                page = self.client.playlist_items_page(playlist_id, offset)
                total = page["total"]
                pages[offset] = [compact_entry(e, offset + i) for i, e in enumerate(page["items"])]
                run.page_done(offset, pages[offset], total)
                if not page["items"]:
                    break
            offset += PAGE_LIMIT
        return [row for o in sorted(pages) if o < max(total, 1) for row in pages[o]]

    def liked_unchanged(self, content) -> bool:
        stored = self.states.get("liked")
        if not stored or stored["last_synced_at"] is None or content.local_count or content.null_count \
                or content.episode_count or stored["null_count"] or stored["local_count"]:
            return False
        return [(m.track_id, m.added_at) for m in content.members] == self.known_liked and \
            [m.position for m in content.members] == list(range(len(self.known_liked)))

    def run_source(self, source: SourceRecord, index: int, snapshot: str | None) -> SourceResult:
        run = _Run(self, source, snapshot, index)
        try:
            if source.kind == "liked":
                rows, tail = self.fetch_liked(run)
            else:
                rows, tail = self.fetch_playlist(run, source.spotify_id, source.remote_total or 0), []
        except PlaylistNotReadable as exc:
            sync_store.drop_staging(self.library, source.source_id)
            sync_store.mark_unreadable(self.library, source.source_id, UNREADABLE_REASON)
            return SourceResult(source.source_id, source.name, "unreadable", requests=run.requests, message=str(exc))
        except QuotaExceeded as exc:
            run.flush(status=("paused", str(exc), exc.until))
            raise
        except BaseException as exc:          # incl. Streamlit stopping the script: keep what was fetched
            message = str(exc) if isinstance(exc, SpotifyError) else f"interrupted ({type(exc).__name__}) {exc}"
            run.flush(status=("failed", message.strip(), None))
            raise
        content = build_content(rows)
        content.members.extend(tail)
        if source.kind == "liked":
            source.remote_total = len(rows) + len(tail)
            if self.liked_unchanged(content):
                if run.job_id is not None or "liked" in self.staged:
                    run.flush(status=("done", "unchanged", None))
                    sync_store.drop_staging(self.library, "liked")
                return SourceResult(source.source_id, source.name, "unchanged", len(content.members),
                                    pages=run.pages, requests=run.requests, message="no change since the last sync")
        message = (f"{len(content.members)} tracks in {run.pages} page(s), {run.requests} request(s)"
                   + (f"; resumed {run.resumed} staged page(s)" if run.resumed else ""))
        self.commits.append(sync_store.SourceCommit(
            source, content, snapshot, message, {"page": run.pages, "tracks": len(content.members),
                                                 "total": source.remote_total},
            self.client.request_count - run.recorded_requests, run.job_id, self.job_id))
        self.commit(force=False)
        return SourceResult(source.source_id, source.name, "synced", len(content.members), content.local_count,
                            content.episode_count, content.null_count, run.pages, run.resumed, run.requests, message)

    def commit(self, force: bool = True) -> None:
        rows = sum(len(c.content.members) for c in self.commits)
        if self.commits and (force or rows >= COMMIT_EVERY_ROWS or time.monotonic() - self.last_commit
                             >= COMMIT_EVERY_S):
            sync_store.commit_sources(self.library, self.commits)
            self.commits = []
            self.last_commit = time.monotonic()

    def sync_one(self, source: SourceRecord, snapshot: str | None, index: int) -> SourceResult:
        if source.kind == "playlist":
            if not source.readable:
                return SourceResult(source.source_id, source.name, "unreadable", message=UNREADABLE_REASON)
            stored = self.states.get(source.source_id)
            if stored and stored["snapshot_id"] == snapshot and stored["last_synced_at"] is not None:
                return SourceResult(source.source_id, source.name, "unchanged", stored["track_count"] or 0,
                                    stored["local_count"] or 0, stored["episode_count"] or 0,
                                    stored["null_count"] or 0, message="snapshot unchanged")
        try:
            return self.run_source(source, index, snapshot)
        except SpotifyApiError as exc:
            if exc.status == 404:            # deleted between listing and reading
                return SourceResult(source.source_id, source.name, "missing", message=str(exc))
            raise


def _plan(sync: _Sync, summary: SyncSummary, me: dict, liked: bool, playlist_ids, all_playlists: bool) -> list:
    plan: list[tuple[SourceRecord, str | None]] = []
    if liked:
        plan.append((SourceRecord("liked", "liked", "Liked Songs", "spotify", owner_id=me.get("id"),
                                  owner_name=me.get("display_name")), None))
    if all_playlists or playlist_ids:
        listing = list_playlists(sync.client, me)
        sync_store.save_listing(sync.library, [rec for rec, _ in listing])
        by_id = {rec.spotify_id: (rec, snap) for rec, snap in listing}
        for sid, name in sync_store.retire_playlists(sync.library, set(by_id), GONE_REASON):
            summary.sources.append(SourceResult(sid, name, "removed", message=GONE_REASON))
        chosen = [p for p in by_id if by_id[p][0].readable] if all_playlists else list(playlist_ids)
        for pid in dict.fromkeys(chosen):
            if pid in by_id:
                plan.append(by_id[pid])
            else:
                summary.sources.append(SourceResult(f"playlist:{pid}", pid, "missing",
                                                    message="not among your playlists on Spotify"))
    return plan


def sync_library(library: Library, client: SpotifyClient, *, liked: bool = True,
                 playlist_ids: list[str] | None = None, all_playlists: bool = False,
                 on_progress: Callable[[SyncProgress], None] | None = None,
                 remember_selection: bool = True, parent_job_id: int | None = None) -> SyncSummary:
    """Sync the chosen sources. Spotify trouble never raises: the summary says done, paused or failed."""
    wanted = (["liked"] if liked else []) + (["all playlists"] if all_playlists else list(playlist_ids or []))
    summary = SyncSummary(job_id=create_job(library, "sync", ", ".join(wanted) or "nothing",
                                            parent_id=parent_job_id))
    sync = _Sync(library, client, on_progress, summary.job_id)
    plan: list = []
    try:
        plan = _plan(sync, summary, client.me(), liked, playlist_ids, all_playlists)
        sync.count = len(plan)
        for index, (source, snapshot) in enumerate(plan, start=1):
            summary.sources.append(sync.sync_one(source, snapshot, index))
        sync.commit()
        summary.status = "done"
        summary.message = (f"{sum(s.status == 'synced' for s in summary.sources)} source(s) synced, "
                           f"{sum(s.status == 'unchanged' for s in summary.sources)} unchanged, "
                           f"{summary.tracks} tracks, {sync.requests()} request(s).")
    except QuotaExceeded as exc:
        sync.commit()                        # sources read completely before the stop are kept
        summary.status, summary.message, summary.paused_until = "paused", str(exc), exc.until
    except SpotifyError as exc:
        sync.commit()
        summary.status, summary.message = "failed", str(exc)
        summary.reconnect = isinstance(exc, ReconnectRequired)
    finally:
        summary.requests = sync.requests()
        if remember_selection and plan:     # after the sync: a first sync creates the sources it selects
            sync_store.set_selected(library, [rec.source_id for rec, _ in plan])
        if summary.status == "running":      # an unexpected error is propagating
            summary.status, summary.message = "failed", "the sync stopped unexpectedly"
        sync_store.finish_sync_job(library, summary.job_id, summary.status, summary.message, summary.paused_until,
                                   progress={"sources": len(summary.sources), "tracks": summary.tracks},
                                   requests=summary.requests)
    return summary
