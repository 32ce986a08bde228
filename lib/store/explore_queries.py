"""SQL for the Explore page: filtered, searched, sorted and paged reads of track_view, and aggregates."""

from __future__ import annotations

from lib.store.track_view import TRACK_VIEW_COLUMNS

NUMERIC_COLUMNS = tuple(c for c, kind in TRACK_VIEW_COLUMNS.items() if kind == "number")
SORTABLE_COLUMNS = tuple(c for c, kind in TRACK_VIEW_COLUMNS.items() if kind not in ("map",))
# Columns shown when the user has not chosen; all of TRACK_VIEW_COLUMNS can be picked.
DEFAULT_COLUMNS = ("title", "artists", "album", "release_year", "genres", "mood", "energy", "valence",
                   "danceability", "tempo", "popularity", "liked", "playlists", "added_at")


def page_sql(where: str, params: dict, columns: list[str], sort: str, descending: bool, limit: int,
             offset: int) -> tuple[str, dict]:
    """One page of track_view under `where` (a `WHERE ...` clause or ''), sorted by a whitelisted column."""
    unknown = [c for c in columns if c not in TRACK_VIEW_COLUMNS]
    if unknown or sort not in SORTABLE_COLUMNS:
        raise ValueError(f"unknown column(s): {', '.join(unknown or [sort])}")
    select = ", ".join(dict.fromkeys(["track_id", *columns]))
    direction = "DESC" if descending else "ASC"
    sql = (f"SELECT {select} FROM track_view {where} ORDER BY {sort} {direction} NULLS LAST, track_id "
           "LIMIT $limit OFFSET $offset")
    return sql, {**params, "limit": int(limit), "offset": int(offset)}


def count_sql(where: str) -> str:
    return f"SELECT count(*) FROM track_view {where}"


def coverage_sql(fields: tuple[str, ...]) -> str:
    """count(*) and, per field, the tracks holding a value (a non-empty list for genres)."""
    counts = ", ".join(f"count(*) FILTER (WHERE {c} IS NOT NULL" + (f" AND len({c}) > 0" if c == "genres" else "")
                       + ")" for c in fields)
    return f"SELECT count(*), {counts} FROM track_view"


OPTION_SOURCES_SQL = "SELECT source_id, name FROM sources WHERE track_count > 0 ORDER BY kind = 'playlist', lower(name)"
OPTION_DECADES_SQL = "SELECT DISTINCT decade FROM track_view WHERE decade IS NOT NULL ORDER BY 1"
OPTION_MOODS_SQL = "SELECT DISTINCT mood FROM track_view WHERE mood IS NOT NULL ORDER BY 1"
SOURCES_SQL = """
    SELECT source_id, name, kind, origin, track_count, local_count, episode_count, null_count, readable,
           unreadable_reason, last_synced_at, file_path
    FROM sources ORDER BY kind = 'playlist', lower(name)
"""
TOTALS_SQL = """
    SELECT (SELECT count(*) FROM tracks), (SELECT count(*) FROM track_view WHERE liked),
           (SELECT count(*) FROM artists), (SELECT count(*) FROM albums),
           (SELECT count(*) FROM sources WHERE kind = 'playlist'),
           (SELECT coalesce(sum(local_count), 0) FROM sources), (SELECT coalesce(sum(episode_count), 0) FROM sources),
           (SELECT coalesce(sum(null_count), 0) FROM sources)
"""
COVERAGE_SQL = """
    SELECT field, provider, count(*) AS tracks  -- one row per (track, field, provider) by construction
    FROM enrichment_values GROUP BY field, provider ORDER BY field, tracks DESC
"""
LAST_ACTIVITY_SQL = """
    SELECT origin, max(last_synced_at) FROM sources GROUP BY origin
"""
GENRES_SQL = """
    SELECT genre, count(*) AS tracks FROM (SELECT unnest(genres) AS genre FROM track_view {where})
    GROUP BY genre ORDER BY tracks DESC, genre LIMIT $top
"""
ARTISTS_SQL = """
    SELECT artist, count(*) AS tracks FROM (SELECT unnest(artists) AS artist FROM track_view {where})
    GROUP BY artist ORDER BY tracks DESC, artist LIMIT $top
"""
ADDED_SQL = """
    SELECT date_trunc('month', added_at) AS month, count(*) AS tracks FROM track_view {where}
    GROUP BY month HAVING month IS NOT NULL ORDER BY month
"""
DECADES_SQL = """
    SELECT decade, count(*) AS tracks FROM track_view {where} GROUP BY decade HAVING decade IS NOT NULL
    ORDER BY decade
"""
# Finite values only: an infinite one (from an old import) must not become a slider's bound.
RANGES_SQL = ", ".join(f"min({c}) FILTER (WHERE isfinite({c})), max({c}) FILTER (WHERE isfinite({c}))"
                       for c in NUMERIC_COLUMNS)


def column_sql(column: str, where: str, sample: int) -> str:
    """One numeric column's non-null values (sampled above `sample` rows) for a histogram."""
    if column not in NUMERIC_COLUMNS:
        raise ValueError(f"not a numeric column: {column!r}")
    clause = f"{where} AND {column} IS NOT NULL" if where else f"WHERE {column} IS NOT NULL"
    return f"SELECT {column} FROM track_view {clause} USING SAMPLE reservoir({int(sample)} ROWS) REPEATABLE (7)"


def scatter_sql(x: str, y: str, color: str, where: str, sample: int) -> str:
    for column in (x, y):
        if column not in NUMERIC_COLUMNS:
            raise ValueError(f"not a numeric column: {column!r}")
    if color not in ("mood", "genre_family", "decade"):
        raise ValueError(f"cannot colour by {color!r}")
    clause = f"{where} AND {x} IS NOT NULL AND {y} IS NOT NULL" if where else \
        f"WHERE {x} IS NOT NULL AND {y} IS NOT NULL"
    return (f"SELECT title, artist, {x}, {y}, CAST({color} AS VARCHAR) AS {color}_label FROM track_view {clause} "
            f"USING SAMPLE reservoir({int(sample)} ROWS) REPEATABLE (7)")
