"""Listening history: plays (each stored once, kept forever) and the latest top-tracks list per term."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb

from lib.store.catalog import TrackRecord, upsert_tracks
from lib.store.db import Library
from lib.store.unit_of_work import Write

TERMS = ("short_term", "medium_term", "long_term")
_TOP_READ = "top_read_at:"          # meta key prefix: when each term's list was last read (it may be empty)

# Created with the track view (which reads them), so a library of any age has them.
LISTENING_TABLES_SQL = """
CREATE TABLE IF NOT EXISTS plays (
    track_id VARCHAR NOT NULL,
    played_at TIMESTAMP NOT NULL,             -- UTC
    context_type VARCHAR,                     -- 'playlist' | 'album' | 'artist' | NULL
    context_uri VARCHAR,
    read_at TIMESTAMP DEFAULT current_timestamp,
    PRIMARY KEY (played_at, track_id)
);
CREATE TABLE IF NOT EXISTS top_tracks (
    term VARCHAR NOT NULL,                    -- 'short_term' | 'medium_term' | 'long_term'
    rank INTEGER NOT NULL,                    -- 1 = the top track
    track_id VARCHAR NOT NULL,
    read_at TIMESTAMP NOT NULL,
    PRIMARY KEY (term, rank)
);
"""


@dataclass(frozen=True)
class Play:
    track_id: str
    played_at: datetime                       # naive UTC
    context_type: str | None = None
    context_uri: str | None = None


def store_plays(w: Write, tracks: Sequence[TrackRecord], plays: Sequence[Play], origin: str = "spotify") -> int:
    """Add plays not stored yet (the same play read twice is kept once); return how many were new.
    Tracks the library lacks are added (a play may be of a track in none of your sources)."""
    if not plays:
        return 0
    cur = w.cur
    w.touch(**upsert_tracks(cur, _missing(cur, tracks), origin=origin))
    # One statement (executemany costs a round trip per row); a play already stored, or read twice, is skipped.
    (added,) = cur.execute(
        "INSERT INTO plays (track_id, played_at, context_type, context_uri) SELECT unnest($t),"
        " unnest(CAST($at AS TIMESTAMP[])), unnest($ct), unnest($cu) ON CONFLICT DO NOTHING",
        {"t": [p.track_id for p in plays], "at": [p.played_at for p in plays],
         "ct": [p.context_type for p in plays], "cu": [p.context_uri for p in plays]}).fetchone()
    w.touch(tracks=[p.track_id for p in plays])
    return added


def replace_top(w: Write, term: str, tracks: Sequence[TrackRecord], read_at: datetime,
                origin: str = "spotify") -> None:
    """The term's list as just read (rank = position + 1); tracks that left the list lose their rank."""
    if term not in TERMS:
        raise ValueError(f"unknown term {term!r}")
    cur = w.cur
    old = [r[0] for r in cur.execute("SELECT track_id FROM top_tracks WHERE term = ?", [term]).fetchall()]
    w.touch(**upsert_tracks(cur, _missing(cur, tracks), origin=origin))
    cur.execute("DELETE FROM top_tracks WHERE term = ?", [term])
    cur.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [_TOP_READ + term, read_at.isoformat()])
    if tracks:
        cur.executemany("INSERT INTO top_tracks (term, rank, track_id, read_at) VALUES (?, ?, ?, ?)",
                        [[term, rank, t.track_id, read_at] for rank, t in enumerate(tracks, start=1)])
    w.touch(tracks=[*old, *(t.track_id for t in tracks)])


def _missing(cur: duckdb.DuckDBPyConnection, tracks: Sequence[TrackRecord]) -> list[TrackRecord]:
    """Tracks the library does not hold yet (known ones keep what their sources said)."""
    ids = list(dict.fromkeys(t.track_id for t in tracks))
    known = {r[0] for r in cur.execute("SELECT track_id FROM tracks WHERE track_id IN (SELECT unnest($ids))",
                                       {"ids": ids}).fetchall()}
    return [t for t in {t.track_id: t for t in tracks}.values() if t.track_id not in known]


def last_played_at(library: Library) -> datetime | None:
    """The newest stored play: where the next read of recently-played starts (its `after` cursor)."""
    row = library.query_one("SELECT max(played_at) FROM plays")
    return row[0] if row else None


def listening_summary(library: Library) -> dict:
    """Counts for the pages: plays stored, first and last play, when each top list was read."""
    plays, first, last = library.query_one("SELECT count(*), min(played_at), max(played_at) FROM plays")
    tops = {key.removeprefix(_TOP_READ): datetime.fromisoformat(value) for key, value in library.query(
        "SELECT key, value FROM meta WHERE starts_with(key, ?)", [_TOP_READ])}
    return {"plays": plays, "first_play": first, "last_play": last, "top_read_at": tops}


def plays_per_day(library: Library, days: int | None = None):
    """A frame (day, plays) over the stored history (the last `days` days when given)."""
    return library.query_df(
        "SELECT CAST(played_at AS DATE) AS day, count(*) AS plays FROM plays"
        " WHERE $days IS NULL OR played_at >= (SELECT max(played_at) FROM plays) - to_days(CAST($days AS INTEGER))"
        " GROUP BY day ORDER BY day", {"days": days})


def top_artists_by_plays(library: Library, limit: int = 15, days: int | None = None):
    """A frame (artist, plays) counting each play for the track's main artist (the last `days` days if given)."""
    return library.query_df(
        "SELECT a.name AS artist, count(*) AS plays FROM plays p"
        " JOIN track_artists ta ON ta.track_id = p.track_id AND ta.position = 0"
        " JOIN artists a USING (artist_id)"
        " WHERE $days IS NULL OR p.played_at >= (SELECT max(played_at) FROM plays) - to_days(CAST($days AS INTEGER))"
        " GROUP BY a.name ORDER BY plays DESC, artist LIMIT $n",
        {"n": int(limit), "days": days})
