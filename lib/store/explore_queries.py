"""SQL for the Explore page: filtered, searched, sorted and paged reads of track_view, and aggregates."""

from __future__ import annotations

from dataclasses import dataclass, field

from lib.store.track_view import TRACK_VIEW_COLUMNS

NUMERIC_COLUMNS = tuple(c for c, kind in TRACK_VIEW_COLUMNS.items() if kind == "number")
SORTABLE_COLUMNS = tuple(c for c, kind in TRACK_VIEW_COLUMNS.items() if kind not in ("map",))
# Columns shown when the user has not chosen; all of TRACK_VIEW_COLUMNS can be picked.
DEFAULT_COLUMNS = ("title", "artists", "album", "release_year", "genres", "mood", "energy", "valence",
                   "danceability", "tempo", "popularity", "liked", "playlists", "added_at")


@dataclass
class TrackFilter:
    """What the user narrowed the table to. Values are bound as parameters; names come from whitelists."""

    search: str = ""
    source_ids: list[str] = field(default_factory=list)
    genres: list[str] = field(default_factory=list)
    decades: list[int] = field(default_factory=list)
    moods: list[str] = field(default_factory=list)
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    liked_only: bool = False


def where_clause(flt: TrackFilter) -> tuple[str, dict]:
    """`WHERE ...` for a filter, with its named parameters."""
    parts, params = [], {}
    if flt.search.strip():
        parts.append("contains(lower(concat_ws(' ', title, album, array_to_string(artists, ' '))), $search)")
        params["search"] = flt.search.strip().lower()
    if flt.source_ids:
        parts.append("list_has_any(source_ids, $source_ids)")
        params["source_ids"] = list(flt.source_ids)
    if flt.genres:
        parts.append("list_has_any(genres, $genres)")
        params["genres"] = list(flt.genres)
    if flt.decades:
        parts.append("list_contains($decades, decade)")
        params["decades"] = [int(d) for d in flt.decades]
    if flt.moods:
        parts.append("list_contains($moods, mood)")
        params["moods"] = list(flt.moods)
    for i, (column, (lo, hi)) in enumerate(sorted(flt.ranges.items())):
        if column not in NUMERIC_COLUMNS:
            raise ValueError(f"cannot filter a range on {column!r}")
        parts.append(f"{column} BETWEEN $lo{i} AND $hi{i}")
        params[f"lo{i}"], params[f"hi{i}"] = float(lo), float(hi)
    if flt.liked_only:
        parts.append("liked")
    return ("WHERE " + " AND ".join(parts)) if parts else "", params


def page_sql(flt: TrackFilter, columns: list[str], sort: str, descending: bool, limit: int,
             offset: int) -> tuple[str, dict]:
    unknown = [c for c in columns if c not in TRACK_VIEW_COLUMNS]
    if unknown or sort not in SORTABLE_COLUMNS:
        raise ValueError(f"unknown column(s): {', '.join(unknown or [sort])}")
    where, params = where_clause(flt)
    select = ", ".join(dict.fromkeys(["track_id", *columns]))
    direction = "DESC" if descending else "ASC"
    sql = (f"SELECT {select} FROM track_view {where} ORDER BY {sort} {direction} NULLS LAST, track_id "
           "LIMIT $limit OFFSET $offset")
    return sql, {**params, "limit": int(limit), "offset": int(offset)}


def count_sql(flt: TrackFilter) -> tuple[str, dict]:
    where, params = where_clause(flt)
    return f"SELECT count(*) FROM track_view {where}", params


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
