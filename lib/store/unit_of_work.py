"""The one write path: a transaction that records what it touched and refreshes those rows of track_view."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import duckdb

from lib.errors import LibraryBusyError
from lib.store.track_view import refresh_track_view

# One writer at a time per library (a file's resolved path, or the Library object for ':memory:'):
# DuckDB's own lock only keeps other processes out, and two transactions of one process that write
# the same rows fail with a conflict instead of waiting.
_WRITERS: dict[object, threading.Lock] = {}
_WRITERS_LOCK = threading.Lock()
_HELD = threading.local()
# Above this share of the library, rebuilding the whole table is cheaper than patching those rows.
FULL_REFRESH_SHARE = 0.3


def _writer_lock(key: object) -> threading.Lock:
    with _WRITERS_LOCK:
        return _WRITERS.setdefault(key, threading.Lock())


@contextmanager
def writer_slot(key: object, name: str, timeout: float) -> Iterator[None]:
    """Wait (up to `timeout` seconds) for this process's other writer of the library to finish."""
    held = getattr(_HELD, "keys", None)
    if held is None:
        held = _HELD.keys = set()
    if key in held:
        raise RuntimeError(f"library.write() on {name!r} inside another write of the same library")
    lock = _writer_lock(key)
    if not lock.acquire(timeout=max(timeout, 0)):
        raise LibraryBusyError(f"The library {name!r} is busy with another change (waited {timeout:g} s);"
                               " try again when it has finished.")
    held.add(key)
    try:
        yield
    finally:
        held.discard(key)
        lock.release()


class Write:
    """What one unit of work changed; `Library.write()` refreshes exactly those rows of track_view."""

    def __init__(self, cur: duckdb.DuckDBPyConnection):
        self.cur = cur
        self.tracks: set[str] = set()
        self.artists: set[str] = set()
        self.albums: set[str] = set()
        self.sources: set[str] = set()
        self.everything = False

    def touch(self, *, tracks: Iterable[str] = (), artists: Iterable[str] = (), albums: Iterable[str] = (),
              sources: Iterable[str] = ()) -> None:
        """Record changed rows: tracks (their own rows, artist links, values, labels), artists (e.g. a
        rename), albums, sources (name or membership; the tracks that were in it are refreshed too)."""
        self.tracks.update(tracks)
        self.artists.update(artists)
        self.albums.update(albums)
        self.sources.update(sources)

    def touch_all(self) -> None:
        """Every track may have changed (thresholds, genre map, migrations, a bulk build)."""
        self.everything = True

    def affected_track_ids(self) -> list[str]:
        """The touched tracks, the tracks of touched artists and albums, and the tracks in touched
        sources before (as track_view shows them) and after the write."""
        params = {"t": sorted(self.tracks), "ar": sorted(self.artists), "al": sorted(self.albums),
                  "s": sorted(self.sources)}
        rows = self.cur.execute("""
            SELECT unnest($t) AS track_id
            UNION SELECT track_id FROM track_artists WHERE artist_id IN (SELECT unnest($ar))
            UNION SELECT track_id FROM tracks WHERE album_id IN (SELECT unnest($al))
            UNION SELECT track_id FROM source_tracks WHERE source_id IN (SELECT unnest($s))
            UNION SELECT track_id FROM track_view WHERE len($s) > 0 AND list_has_any(source_ids, $s)
            ORDER BY track_id""", params).fetchall()
        return [r[0] for r in rows]

    def refresh(self) -> None:
        if not (self.everything or self.tracks or self.artists or self.albums or self.sources):
            return
        ids = None if self.everything else self.affected_track_ids()
        if ids is not None:
            (total,) = self.cur.execute("SELECT count(*) FROM tracks").fetchone()
            if len(ids) <= FULL_REFRESH_SHARE * total:
                refresh_track_view(self.cur, ids)
                return
        refresh_track_view(self.cur)
