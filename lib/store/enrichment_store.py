"""Enrichment bookkeeping in the library: status per track, provider cache, settings and coverage queries."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import duckdb
import pandas as pd

from lib.store.catalog import registered
from lib.store.db import Library
from lib.store.schema import PRECEDENCE

# Fields whose coverage the Enrich page reports, besides any other field present in the library.
COVERAGE_FIELDS = ("genres", "release_date", "energy", "valence", "danceability", "tempo", "acousticness",
                   "instrumentalness", "speechiness", "liveness", "loudness", "key", "mode", "popularity")


def get_setting(library: Library, key: str, default: Any = None) -> Any:
    row = library.query_one("SELECT value FROM settings WHERE key = ?", [key])
    return json.loads(row[0]) if row else default


def set_setting(cur: duckdb.DuckDBPyConnection, key: str, value: Any) -> None:
    cur.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET"
                " value = excluded.value, updated_at = now()", [key, json.dumps(value)])


def cache_get(library: Library, provider: str, keys: Sequence[str]) -> dict[str, tuple[str, Any]]:
    """Cached answers by lookup key: {key: (status, payload)}."""
    if not keys:
        return {}
    rows = library.query("SELECT lookup_key, status, payload FROM provider_cache WHERE provider = $p"
                         " AND lookup_key IN (SELECT unnest($keys))", {"p": provider, "keys": list(keys)})
    return {key: (status, json.loads(payload) if payload else None) for key, status, payload in rows}


def cache_put(cur: duckdb.DuckDBPyConnection, provider: str, version: str,
              entries: Iterable[tuple[str, str, Any]]) -> None:
    """Store (key, status, payload) answers; a key answered again replaces its entry."""
    rows = {key: (key, status, json.dumps(payload) if payload is not None else None)
            for key, status, payload in entries}
    if rows:
        frame = pd.DataFrame(list(rows.values()), columns=["lookup_key", "status", "payload"], dtype=object)
        with registered(cur, _in_frame=frame):
            cur.execute("INSERT OR REPLACE INTO provider_cache (provider, lookup_key, status, payload,"
                        " provider_version, fetched_at) SELECT $p, lookup_key, status, payload::JSON, $v,"
                        " current_timestamp FROM _in_frame",
                        {"p": provider, "v": version})


def write_status(cur: duckdb.DuckDBPyConnection, provider: str, version: str,
                 entries: Iterable[tuple[str, str, str | None]]) -> None:
    """Record (track_id, status, detail) for a provider: 'ok', 'no_data' or 'error'."""
    rows = {track_id: (track_id, status, detail) for track_id, status, detail in entries}
    if rows:
        frame = pd.DataFrame(list(rows.values()), columns=["track_id", "status", "detail"], dtype=object)
        with registered(cur, _in_frame=frame):
            cur.execute("INSERT OR REPLACE INTO enrichment_status (track_id, provider, status, provider_version,"
                        " detail, fetched_at) SELECT track_id, $p, status, $v, detail, current_timestamp"
                        " FROM _in_frame",
                        {"p": provider, "v": version})


def pending_tracks(library: Library, provider: str, version: str, *, require: str | None = None,
                   limit: int | None = None) -> pd.DataFrame:
    """Tracks the provider has not answered for at its current version (errors are retried).

    `require` is 'isrc' to skip tracks without an ISRC. Columns: track_id, isrc, title, artist,
    duration_ms, artist_ids.
    """
    where = "AND t.isrc IS NOT NULL AND t.isrc <> ''" if require == "isrc" else ""
    return library.query_df(f"""
        SELECT t.track_id, t.isrc, t.title, t.duration_ms,
               (SELECT a.name FROM track_artists ta JOIN artists a USING (artist_id)
                WHERE ta.track_id = t.track_id ORDER BY ta.position LIMIT 1) AS artist,
               coalesce((SELECT list(ta.artist_id ORDER BY ta.position) FROM track_artists ta
                         WHERE ta.track_id = t.track_id), []::VARCHAR[]) AS artist_ids
        FROM tracks t
        LEFT JOIN enrichment_status s ON s.track_id = t.track_id AND s.provider = $p
        WHERE (s.track_id IS NULL OR s.status = 'error' OR s.provider_version IS DISTINCT FROM $v) {where}
        ORDER BY t.track_id
        LIMIT $n
    """, {"p": provider, "v": version, "n": limit if limit is not None else 2**62})


def count_pending(library: Library, provider: str, version: str, *, require: str | None = None) -> int:
    return pending_counts(library, [(provider, version, require)]).get(provider, 0)


def pending_counts(library: Library, providers: Sequence[tuple[str, str, str | None]]) -> dict[str, int]:
    """count_pending for several (provider, version, require) at once, in one query."""
    if not providers:
        return {}
    frame = pd.DataFrame(list(providers), columns=["provider", "version", "require"], dtype=object)
    with library.cursor() as cur:
        cur.register("_in_providers", frame)
        rows = cur.execute("""
            SELECT p.provider, count(t.track_id) FROM _in_providers p
            LEFT JOIN tracks t ON (p.require IS DISTINCT FROM 'isrc' OR (t.isrc IS NOT NULL AND t.isrc <> ''))
                AND NOT EXISTS (SELECT 1 FROM enrichment_status s WHERE s.track_id = t.track_id
                                AND s.provider = p.provider AND s.status <> 'error'
                                AND s.provider_version IS NOT DISTINCT FROM p.version)
            GROUP BY p.provider
        """).fetchall()
    return {provider: int(n) for provider, n in rows}


def status_counts(library: Library) -> pd.DataFrame:
    """Per provider and status: how many tracks (columns provider, status, tracks)."""
    return library.query_df("SELECT provider, status, count(*) AS tracks FROM enrichment_status"
                            " GROUP BY ALL ORDER BY provider, status")


def coverage(library: Library) -> pd.DataFrame:
    """Per field and provider: tracks with a value, and tracks where that provider's value is the one shown.

    Columns: field, provider, origin, tracks, shown, total (tracks in the library).
    """
    origins = pd.DataFrame({"precedence": list(PRECEDENCE.values()), "origin": list(PRECEDENCE)})
    frame = library.query_df("""
        WITH v AS (SELECT track_id, field, provider, precedence,
                          row_number() OVER (PARTITION BY track_id, field
                                             ORDER BY precedence, fetched_at DESC, provider) AS rank
                   FROM enrichment_values
                   WHERE (num_value IS NOT NULL OR text_value IS NOT NULL OR len(list_value) > 0)
                     AND track_id IN (SELECT track_id FROM tracks))
        SELECT field, provider, min(precedence) AS precedence, count(DISTINCT track_id) AS tracks,
               count(*) FILTER (WHERE rank = 1) AS shown,
               (SELECT count(*) FROM tracks) AS total
        FROM v GROUP BY field, provider ORDER BY field, shown DESC
    """)
    frame = frame.merge(origins, on="precedence", how="left").drop(columns="precedence")
    return frame[["field", "provider", "origin", "tracks", "shown", "total"]]


def class_coverage(library: Library) -> pd.DataFrame:
    """Per class (mood, genre_family, tags): tracks with a value, split computed/manual as shown."""
    return library.query_df("""
        WITH shown AS (
            SELECT track_id, class_name, origin FROM (
                SELECT track_id, class_name, origin, value, list_value FROM classifications
                UNION ALL SELECT track_id, class_name, 'computed', value, NULL FROM computed_classes)
            WHERE (value IS NOT NULL OR len(list_value) > 0) AND track_id IN (SELECT track_id FROM tracks)
            QUALIFY row_number() OVER (PARTITION BY track_id, class_name
                                       ORDER BY CASE origin WHEN 'manual' THEN 0 ELSE 1 END) = 1)
        SELECT class_name, origin, count(*) AS tracks, (SELECT count(*) FROM tracks) AS total
        FROM shown GROUP BY ALL ORDER BY class_name, origin
    """)


def value_provenance(library: Library, track_id: str) -> pd.DataFrame:
    """Every stored value of one track with provider, origin, version, fetch time and whether it is shown."""
    frame = library.query_df("""
        SELECT field, provider, precedence,
               coalesce(CAST(num_value AS VARCHAR), text_value, array_to_string(list_value, ', ')) AS value,
               provider_version AS version, fetched_at,
               row_number() OVER (PARTITION BY field ORDER BY precedence, fetched_at DESC, provider) = 1 AS shown
        FROM enrichment_values WHERE track_id = $t ORDER BY field, precedence, fetched_at DESC, provider
    """, {"t": track_id})
    origins = {v: k for k, v in PRECEDENCE.items()}
    frame.insert(2, "origin", frame.pop("precedence").map(origins))
    return frame
