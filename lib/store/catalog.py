"""Bulk writes of the catalog: tracks, artists, albums, sources, membership and enrichment values.

Callers pass the cursor of a `Library.write()` so an import or sync commits whole or not at all,
and `touch` what they wrote (`upsert_tracks` returns it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
import pandas as pd

from lib.clock import stored_now
from lib.store.schema import PRECEDENCE


def name_key(*parts: str | None) -> str:
    """A stable id for an artist or album known only by name ('name:<12 hex>')."""
    text = "\x1f".join((p or "").strip().casefold() for p in parts)
    return "name:" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def parse_release_date(value: str | None) -> tuple[date | None, str | None]:
    """'1999', '1999-05' or '1999-05-17' → (first day it can mean, precision)."""
    if value is None:
        return None, None
    text = str(value).strip()
    if not text or text in ("0000", "0000-00-00"):
        return None, None
    try:
        if len(text) == 4:
            return date(int(text), 1, 1), "year"
        if len(text) == 7:
            return date(int(text[:4]), int(text[5:7]), 1), "month"
        return date.fromisoformat(text[:10]), "day"
    except ValueError:
        return None, None


@dataclass
class TrackRecord:
    """One track as any source describes it; artists are (artist_id or None, name) in credit order."""

    track_id: str
    title: str
    artists: list[tuple[str | None, str]] = field(default_factory=list)
    uri: str | None = None
    album_id: str | None = None
    album_name: str | None = None
    release_date: str | None = None          # 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'
    album_type: str | None = None
    label: str | None = None
    duration_ms: int | None = None
    explicit: bool | None = None
    isrc: str | None = None
    disc_number: int | None = None
    track_number: int | None = None


@dataclass
class SourceRecord:
    """Liked Songs or one playlist."""

    source_id: str
    kind: str                                # 'liked' | 'playlist'
    name: str
    origin: str                              # 'spotify' | 'csv' | 'demo'
    spotify_id: str | None = None
    description: str | None = None
    owner_id: str | None = None
    owner_name: str | None = None
    collaborative: bool = False
    readable: bool = True
    unreadable_reason: str | None = None
    remote_total: int | None = None
    file_path: str | None = None


@dataclass(frozen=True)
class Membership:
    """A track at a position of a source."""

    position: int
    track_id: str
    added_at: datetime | None = None
    added_by: str | None = None


@dataclass(frozen=True)
class EnrichmentValue:
    """One value for one field of one track, with where it came from."""

    track_id: str
    field: str
    provider: str
    origin: str                              # key of PRECEDENCE: manual | file | online | computed
    num_value: float | None = None
    text_value: str | None = None
    list_value: list[str] | None = None
    provider_version: str | None = None
    fetched_at: datetime | None = None


@contextmanager
def registered(cur: duckdb.DuckDBPyConnection, **frames: pd.DataFrame) -> Iterator[None]:
    """Make DataFrames readable by name in SQL for the block, then drop the names."""
    for name, frame in frames.items():
        cur.register(name, frame)
    try:
        yield
    finally:
        # After a failed statement the transaction is aborted and unregister raises; the caller's
        # rollback drops the registrations anyway, so the original error is the one to surface.
        for name in frames:
            try:
                cur.unregister(name)
            except duckdb.Error:
                pass


def _album_id(rec: TrackRecord) -> str | None:
    return rec.album_id or (name_key(rec.album_name, rec.artists[0][1] if rec.artists else "")
                            if rec.album_name else None)


def upsert_tracks(cur: duckdb.DuckDBPyConnection, records: Sequence[TrackRecord], origin: str) -> dict[str, set]:
    """Insert or update tracks with their albums and artists; return what to `touch`: the tracks written
    and the stored artists and albums whose shown fields changed."""
    if not records:
        return {"tracks": set()}
    track_rows, album_rows, artist_rows, credit_rows = [], {}, {}, []
    for rec in records:
        if album_id := _album_id(rec):
            released, precision = parse_release_date(rec.release_date)
            album_rows[album_id] = (album_id, rec.album_name, released, precision, rec.album_type, rec.label)
        for position, (artist_id, artist_name) in enumerate(rec.artists):
            aid = artist_id or name_key(artist_name)
            artist_rows[aid] = (aid, artist_name)
            credit_rows.append((rec.track_id, position, aid))
        track_rows.append((rec.track_id, rec.uri or f"spotify:track:{rec.track_id}", rec.title, album_id,
                           rec.duration_ms, rec.explicit, rec.isrc, rec.disc_number, rec.track_number, origin))

    tracks = pd.DataFrame(track_rows, columns=["track_id", "uri", "title", "album_id", "duration_ms", "explicit",
                                               "isrc", "disc_number", "track_number", "origin"])
    tracks = tracks.drop_duplicates("track_id", keep="last")
    tracks = tracks.astype({"duration_ms": "Int64", "disc_number": "Int64", "track_number": "Int64",
                            "explicit": "boolean"})
    albums = pd.DataFrame(list(album_rows.values()), columns=["album_id", "name", "release_date",
                                                              "release_date_precision", "album_type", "label"])
    albums["release_date"] = pd.to_datetime(albums["release_date"]).dt.date if len(albums) else None
    artists = pd.DataFrame(list(artist_rows.values()), columns=["artist_id", "name"])
    credits = pd.DataFrame(credit_rows, columns=["track_id", "position", "artist_id"])

    with registered(cur, _in_tracks=tracks, _in_albums=albums, _in_artists=artists, _in_credits=credits):
        return {"tracks": set(tracks["track_id"]), **upsert_catalog_relations(cur)}


def upsert_catalog_relations(cur: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """Upsert from the relations `_in_albums`, `_in_artists`, `_in_tracks` and `_in_credits` (frames
    registered under those names, or temporary views), each with the columns `upsert_tracks` builds.
    Returns the stored artists and albums whose name, date or label this changes (a rename reaches
    their tracks in every source), as `Write.touch` takes them. An album or artist the written tracks
    referred to and no track refers to any more (e.g. re-keyed from its name to its Spotify id) goes."""
    cur.execute("CREATE OR REPLACE TEMP TABLE _replaced AS SELECT album_id AS id, 'album' AS kind FROM tracks"
                " WHERE track_id IN (SELECT track_id FROM _in_tracks) UNION SELECT artist_id, 'artist'"
                " FROM track_artists WHERE track_id IN (SELECT track_id FROM _in_credits)")
    changed = {"artists": {r[0] for r in cur.execute(
        "SELECT n.artist_id FROM _in_artists n JOIN artists a USING (artist_id) WHERE a.name IS DISTINCT FROM n.name"
    ).fetchall()}, "albums": {r[0] for r in cur.execute("""
        SELECT n.album_id FROM _in_albums n JOIN albums a USING (album_id)
        WHERE (n.name IS NOT NULL AND a.name IS DISTINCT FROM n.name)
           OR (n.release_date IS NOT NULL AND a.release_date IS DISTINCT FROM CAST(n.release_date AS DATE))
           OR (n.label IS NOT NULL AND a.label IS DISTINCT FROM n.label)""").fetchall()}}
    cur.execute("""
        INSERT INTO albums (album_id, name, release_date, release_date_precision, album_type, label)
        SELECT album_id, name, CAST(release_date AS DATE), release_date_precision, album_type, label
        FROM _in_albums
        ON CONFLICT (album_id) DO UPDATE SET
            name = coalesce(excluded.name, albums.name),
            release_date = coalesce(excluded.release_date, albums.release_date),
            release_date_precision = coalesce(excluded.release_date_precision, albums.release_date_precision),
            album_type = coalesce(excluded.album_type, albums.album_type),
            label = coalesce(excluded.label, albums.label),
            updated_at = now()
    """)
    cur.execute("""
        INSERT INTO artists (artist_id, name) SELECT artist_id, name FROM _in_artists
        ON CONFLICT (artist_id) DO UPDATE SET name = excluded.name, updated_at = now()
    """)
    cur.execute("""
        INSERT INTO tracks (track_id, uri, title, album_id, duration_ms, explicit, isrc,
                            disc_number, track_number, origin)
        SELECT track_id, uri, title, album_id, duration_ms, explicit, isrc, disc_number, track_number, origin
        FROM _in_tracks
        ON CONFLICT (track_id) DO UPDATE SET
            uri = excluded.uri, title = excluded.title,
            album_id = coalesce(excluded.album_id, tracks.album_id),
            duration_ms = coalesce(excluded.duration_ms, tracks.duration_ms),
            explicit = coalesce(excluded.explicit, tracks.explicit),
            isrc = coalesce(excluded.isrc, tracks.isrc),
            disc_number = coalesce(excluded.disc_number, tracks.disc_number),
            track_number = coalesce(excluded.track_number, tracks.track_number),
            updated_at = now()
    """)
    cur.execute("DELETE FROM track_artists WHERE track_id IN (SELECT DISTINCT track_id FROM _in_credits)")
    cur.execute("INSERT INTO track_artists SELECT DISTINCT ON (track_id, position) track_id, position, artist_id"
                " FROM _in_credits")
    cur.execute("DELETE FROM albums WHERE album_id IN (SELECT id FROM _replaced WHERE kind = 'album')"
                " AND album_id NOT IN (SELECT album_id FROM tracks WHERE album_id IS NOT NULL)")
    cur.execute("DELETE FROM artists WHERE artist_id IN (SELECT id FROM _replaced WHERE kind = 'artist')"
                " AND artist_id NOT IN (SELECT artist_id FROM track_artists)")
    return changed


# Every table of tracks, sources and their values: what a library holds of music (rules, settings and
# jobs are kept).
_CATALOG_TABLES = ("source_tracks", "sources", "track_artists", "tracks", "artists", "albums", "enrichment_values",
                   "enrichment_status", "classifications", "plays", "top_tracks")


def clear_catalog(cur: duckdb.DuckDBPyConnection) -> None:
    """Delete every track, source and value (inside the caller's write, which then refreshes everything)."""
    for table in _CATALOG_TABLES:
        cur.execute(f"DELETE FROM {table}")  # fixed whitelist of table names


def upsert_source(cur: duckdb.DuckDBPyConnection, src: SourceRecord) -> None:
    """Create or update a source's description (membership is written separately)."""
    cur.execute("""
        INSERT INTO sources (source_id, kind, spotify_id, name, description, owner_id, owner_name, collaborative,
                             readable, unreadable_reason, origin, remote_total, file_path)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (source_id) DO UPDATE SET
            kind = excluded.kind, spotify_id = excluded.spotify_id, name = excluded.name,
            description = excluded.description, owner_id = excluded.owner_id, owner_name = excluded.owner_name,
            collaborative = excluded.collaborative, readable = excluded.readable,
            unreadable_reason = excluded.unreadable_reason, origin = excluded.origin,
            remote_total = excluded.remote_total, file_path = coalesce(excluded.file_path, sources.file_path)
    """, [src.source_id, src.kind, src.spotify_id, src.name, src.description, src.owner_id, src.owner_name,
          src.collaborative, src.readable, src.unreadable_reason, src.origin, src.remote_total, src.file_path])


def replace_source_tracks(cur: duckdb.DuckDBPyConnection, source_id: str, members: Iterable[Membership],
                          **counts) -> int:
    """Swap a source's whole membership for `members` (call inside a transaction); keyword arguments
    are those of `replace_source_relation`."""
    frame = pd.DataFrame([(m.position, m.track_id, m.added_at, m.added_by) for m in members],
                         columns=["position", "track_id", "added_at", "added_by"])
    frame["added_at"] = pd.to_datetime(frame["added_at"], utc=True).dt.tz_localize(None)
    frame["added_by"] = frame["added_by"].astype(object)
    with registered(cur, _in_members=frame):
        return replace_source_relation(cur, source_id, **counts)


def replace_source_relation(cur: duckdb.DuckDBPyConnection, source_id: str, *, snapshot_id: str | None = None,
                            local_count: int = 0, episode_count: int = 0, null_count: int = 0,
                            synced_at: datetime | None = None) -> int:
    """A source's membership becomes the relation `_in_members` (position, track_id, added_at, added_by:
    a registered frame or a temporary view), with its counts of items kept out."""
    cur.execute("DELETE FROM source_tracks WHERE source_id = ?", [source_id])
    cur.execute("INSERT INTO source_tracks SELECT ?, position, track_id, CAST(added_at AS TIMESTAMP),"
                " CAST(added_by AS VARCHAR) FROM _in_members", [source_id])
    (count,) = cur.execute("SELECT count(*) FROM source_tracks WHERE source_id = ?", [source_id]).fetchone()
    cur.execute("""
        UPDATE sources SET track_count = ?, local_count = ?, episode_count = ?, null_count = ?,
            snapshot_id = coalesce(?, snapshot_id), last_synced_at = coalesce(?, current_timestamp)
        WHERE source_id = ?
    """, [count, local_count, episode_count, null_count, snapshot_id, synced_at, source_id])
    return count


ENRICHMENT_FRAME_COLUMNS = ("track_id", "field", "provider", "origin", "num_value", "text_value", "list_value",
                            "provider_version", "fetched_at")


def write_enrichment_values(cur: duckdb.DuckDBPyConnection, values: Iterable[EnrichmentValue]) -> int:
    """Store values, replacing earlier ones from the same provider for the same track and field."""
    rows = [(v.track_id, v.field, v.provider, v.origin, v.num_value, v.text_value, v.list_value,
             v.provider_version, v.fetched_at) for v in values]
    return write_enrichment_frame(cur, pd.DataFrame(rows, columns=list(ENRICHMENT_FRAME_COLUMNS)))


def write_enrichment_frame(cur: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> int:
    """Vectorized `write_enrichment_values`: a long frame with ENRICHMENT_FRAME_COLUMNS (missing ones = NULL)."""
    if frame.empty:
        return 0
    frame = frame.copy()
    unknown = set(frame["origin"].unique()) - set(PRECEDENCE)
    if unknown:
        raise ValueError(f"unknown value origin(s) {sorted(unknown)}; expected one of {sorted(PRECEDENCE)}")
    for column in ENRICHMENT_FRAME_COLUMNS:
        if column not in frame:
            frame[column] = None
    frame["precedence"] = frame["origin"].map(PRECEDENCE).astype("int8")
    frame["num_value"] = pd.to_numeric(frame["num_value"], errors="coerce").astype("float64")
    # An all-None column would infer datetime64[s]; filling it with a µs timestamp then warns (pandas 3).
    fetched = pd.to_datetime(frame["fetched_at"]).astype("datetime64[us]")
    frame["fetched_at"] = fetched.fillna(pd.Timestamp(stored_now()))
    with registered(cur, _in_values=frame):
        cur.execute("""
            DELETE FROM enrichment_values ev USING (SELECT DISTINCT track_id, field, provider FROM _in_values) n
            WHERE ev.track_id = n.track_id AND ev.field = n.field AND ev.provider = n.provider
        """)
        cur.execute("""
            INSERT INTO enrichment_values
            SELECT DISTINCT ON (track_id, field, provider) track_id, field, provider,
                   precedence, num_value, CAST(text_value AS VARCHAR), CAST(list_value AS VARCHAR[]),
                   CAST(provider_version AS VARCHAR), CAST(fetched_at AS TIMESTAMP)
            FROM _in_values
        """)
    return len(frame)


def track_count(library) -> int:
    """How many tracks the library holds."""
    return int(library.query_one("SELECT count(*) FROM tracks")[0])
