"""The flattened track row (one per track) that Explore, rules and exports read.

`track_view_source` is the defining view over the normalized tables; `track_view` is the table
that materializes it, refreshed (the rows a write touched, in its transaction) by `Library.write()`,
so that reads and rule queries over 100k tracks stay in the tens of milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from lib.store.winners import WINNER_KEY_SQL

# Numeric enrichment fields pivoted into columns, in display order.
FEATURE_FIELDS = (
    "popularity", "energy", "valence", "danceability", "tempo", "acousticness",
    "instrumentalness", "speechiness", "liveness", "loudness", "key", "mode", "time_signature",
)

# Columns of track_view with their logical type, in order (rules, Explore and exports use it).
TRACK_VIEW_COLUMNS: dict[str, str] = {
    "track_id": "text", "uri": "text", "title": "text", "artist": "text", "artists": "list",
    "album": "text", "isrc": "text", "mood": "text", "genre_family": "text", "genres": "list",
    "playlists": "list", "tags": "list", "release_date": "date", "release_year": "number",
    "decade": "number", "duration_s": "number", "duration_ms": "number",
    **{name: "number" for name in FEATURE_FIELDS},
    "explicit": "boolean", "liked": "boolean", "added_at": "timestamp", "liked_at": "timestamp",
    "label": "text", "origin": "text", "source_ids": "list",
    "custom_num": "map", "custom_text": "map",
    # Listening history (plays are kept forever; top ranks are the latest list read, 1 = top, null = not in it).
    # Counts relative to now are NOT stored (they would go stale without a write): the rules compute
    # plays_last_30_days from play_times at query time.
    "play_count": "number", "last_played_at": "timestamp", "play_times": "timestamps",
    "top_rank_short": "number", "top_rank_medium": "number", "top_rank_long": "number",
}

# Lower-cased copies of the list fields, stored after the columns above and never shown: the
# rules compiler matches text operators against them, so lower() does not run per element and
# per query (about a sixth of a 14-condition rule's time over 100k tracks).
SEARCH_COLUMNS: dict[str, str] = {f"{name}_lc": name for name in ("artists", "genres", "playlists", "tags")}
_SEARCH_SQL = ",\n    ".join(f"list_transform({name}, lambda x: strip_accents(lower(x))) AS {column}"
                              for column, name in SEARCH_COLUMNS.items())


_FEATURE_SQL = ",\n        ".join(
    f"arg_min(num_value, k) FILTER (WHERE field = '{name}') AS {name}" for name in FEATURE_FIELDS
)

# Every table keyed by track is read through a `*_s` CTE, so a partial refresh can filter each one
# to the tracks being refreshed before the windows and aggregates run (a filter on the view's
# output is not pushed through them, which made refreshing 500 tracks cost as much as 100k).
_SCOPED_TABLES = (("ev_s", "enrichment_values"), ("ta_s", "track_artists"), ("st_s", "source_tracks"),
                  ("cl_s", "classifications"), ("cc_s", "computed_classes"), ("t_s", "tracks"),
                  ("pl_s", "plays"), ("tt_s", "top_tracks"))


def _scope_ctes(where: str) -> str:
    return ",\n".join(f"{alias} AS (SELECT * FROM {table} {where})" for alias, table in _SCOPED_TABLES)


_SOURCE_ROWS = f"""
keyed AS (
    SELECT track_id, field, num_value, text_value, list_value, {WINNER_KEY_SQL} AS k FROM ev_s
),
-- Custom fields are few and open-ended, so their winners are picked row-wise.
best_custom AS (
    SELECT track_id, field, num_value, text_value FROM keyed
    WHERE field LIKE 'x\\_%' ESCAPE '\\'
    QUALIFY row_number() OVER (PARTITION BY track_id, field ORDER BY k) = 1
),
custom AS (
    SELECT track_id,
        map_from_entries(list({{'key': substr(field, 3), 'value': num_value}})
            FILTER (WHERE num_value IS NOT NULL)) AS custom_num,
        map_from_entries(list({{'key': substr(field, 3), 'value': text_value}})
            FILTER (WHERE num_value IS NULL AND text_value IS NOT NULL)) AS custom_text
    FROM best_custom
    GROUP BY track_id
),
feat AS (
    SELECT track_id,
        {_FEATURE_SQL},
        arg_min(text_value, k) FILTER (WHERE field = 'release_date') AS release_date_text,
        arg_min(text_value, k) FILTER (WHERE field = 'label') AS label,
        arg_min(list_value, k) FILTER (WHERE field = 'genres') AS genres
    FROM keyed
    WHERE field NOT LIKE 'x\\_%' ESCAPE '\\'
    GROUP BY track_id
),
arts AS (
    SELECT ta.track_id, list(a.name ORDER BY ta.position) AS artists
    FROM ta_s ta JOIN artists a USING (artist_id)
    GROUP BY ta.track_id
),
mem AS (
    SELECT st.track_id,
        min(st.added_at) AS added_at,
        bool_or(s.kind = 'liked') AS liked,
        min(st.added_at) FILTER (WHERE s.kind = 'liked') AS liked_at,
        list(DISTINCT s.name ORDER BY s.name) FILTER (WHERE s.kind = 'playlist') AS playlists,
        list(DISTINCT st.source_id ORDER BY st.source_id) AS source_ids
    FROM st_s st JOIN sources s USING (source_id)
    GROUP BY st.track_id
),
cls_rows AS (
    SELECT track_id, class_name, origin, value, list_value FROM cl_s
    UNION ALL
    SELECT track_id, class_name, 'computed', value, NULL::VARCHAR[] FROM cc_s
),
cls AS (
    SELECT track_id,
        coalesce(max(value) FILTER (WHERE class_name = 'mood' AND origin = 'manual'),
                 max(value) FILTER (WHERE class_name = 'mood' AND origin = 'computed')) AS mood,
        coalesce(max(value) FILTER (WHERE class_name = 'genre_family' AND origin = 'manual'),
                 max(value) FILTER (WHERE class_name = 'genre_family' AND origin = 'computed'))
            AS genre_family,
        coalesce(first(list_value) FILTER (WHERE class_name = 'tags' AND origin = 'manual'),
                 first(list_value) FILTER (WHERE class_name = 'tags' AND origin = 'computed'))
            AS tags
    FROM cls_rows
    GROUP BY track_id
),
listening AS (
    SELECT track_id, count(*) AS play_count, max(played_at) AS last_played_at,
        list(played_at ORDER BY played_at) AS play_times
    FROM pl_s
    GROUP BY track_id
),
tops AS (
    SELECT track_id,
        min(rank) FILTER (WHERE term = 'short_term') AS top_rank_short,
        min(rank) FILTER (WHERE term = 'medium_term') AS top_rank_medium,
        min(rank) FILTER (WHERE term = 'long_term') AS top_rank_long
    FROM tt_s
    GROUP BY track_id
),
base AS (
    SELECT t.*, al.name AS album_name, al.label AS album_label,
        coalesce(try_cast(feat.release_date_text AS DATE), al.release_date) AS rel_date
    FROM t_s t
    LEFT JOIN albums al USING (album_id)
    LEFT JOIN feat USING (track_id)
)
SELECT
    b.track_id, b.uri, b.title,
    arts.artists[1] AS artist,
    coalesce(arts.artists, []::VARCHAR[]) AS artists,
    b.album_name AS album,
    b.isrc,
    cls.mood, cls.genre_family,
    coalesce(feat.genres, []::VARCHAR[]) AS genres,
    coalesce(mem.playlists, []::VARCHAR[]) AS playlists,
    coalesce(cls.tags, []::VARCHAR[]) AS tags,
    b.rel_date AS release_date,
    year(b.rel_date) AS release_year,
    (year(b.rel_date) // 10) * 10 AS decade,
    round(b.duration_ms / 1000.0, 3) AS duration_s,
    b.duration_ms,
    {", ".join(f"feat.{name}" for name in FEATURE_FIELDS)},
    b.explicit,
    coalesce(mem.liked, false) AS liked,
    mem.added_at, mem.liked_at,
    coalesce(feat.label, b.album_label) AS label,
    b.origin,
    coalesce(mem.source_ids, []::VARCHAR[]) AS source_ids,
    coalesce(custom.custom_num, MAP {{}}::MAP(VARCHAR, DOUBLE)) AS custom_num,
    coalesce(custom.custom_text, MAP {{}}::MAP(VARCHAR, VARCHAR)) AS custom_text,
    coalesce(listening.play_count, 0) AS play_count,
    listening.last_played_at,
    coalesce(listening.play_times, []::TIMESTAMP[]) AS play_times,
    tops.top_rank_short, tops.top_rank_medium, tops.top_rank_long
FROM base b
LEFT JOIN feat USING (track_id)
LEFT JOIN custom USING (track_id)
LEFT JOIN arts USING (track_id)
LEFT JOIN mem USING (track_id)
LEFT JOIN cls USING (track_id)
LEFT JOIN listening USING (track_id)
LEFT JOIN tops USING (track_id)
"""

# The CTEs, then the documented columns as `flat`, then every column of track_view.
_CTES, _FLAT_SELECT = _SOURCE_ROWS.split("\nSELECT\n", 1)
_SOURCE_SELECT = f"{_CTES},\nflat AS (\nSELECT\n{_FLAT_SELECT})\nSELECT *,\n    {_SEARCH_SQL}\nFROM flat\n"
TRACK_VIEW_SOURCE_SQL = ("CREATE OR REPLACE VIEW track_view_source AS\nWITH " + _scope_ctes("") + ",\n"
                         + _SOURCE_SELECT)
_IDS_SCOPE = "WHERE track_id IN (SELECT unnest($ids))"
_IDS_SOURCE_SQL = "WITH " + _scope_ctes(_IDS_SCOPE) + ",\n" + _SOURCE_SELECT


def create_track_view(cur: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the defining view `track_view_source` and the materialized table `track_view` with its
    columns (filled by the migrating write's full refresh)."""
    from lib.store.classification import COMPUTED_TABLE_SQL
    from lib.store.listening_store import LISTENING_TABLES_SQL

    cur.execute(COMPUTED_TABLE_SQL)
    cur.execute(LISTENING_TABLES_SQL)
    cur.execute(TRACK_VIEW_SOURCE_SQL)
    cur.execute("CREATE OR REPLACE TABLE track_view AS SELECT * FROM track_view_source LIMIT 0")


def refresh_track_view(cur: duckdb.DuckDBPyConnection, track_ids: Iterable[str] | None = None) -> None:
    """Bring `track_view` up to date with its definition: all of it, or only the given tracks (run by
    `Library.write()`; writers `touch` what they changed instead of calling this).

    Computed classes (mood, genre_family) are re-derived first, in the same transaction, so
    they are always current whatever was written.
    """
    from lib.store.classification import recompute_classifications

    if track_ids is None:
        recompute_classifications(cur)
        cur.execute("CREATE OR REPLACE TABLE track_view AS SELECT * FROM track_view_source ORDER BY track_id")
        return
    ids = list(dict.fromkeys(track_ids))
    if not ids:
        return
    recompute_classifications(cur, ids)
    cur.execute("DELETE FROM track_view WHERE track_id IN (SELECT unnest($ids))", {"ids": ids})
    cur.execute("INSERT INTO track_view " + _IDS_SOURCE_SQL, {"ids": ids})


def fill_search_columns(cur: duckdb.DuckDBPyConnection) -> None:
    """Derive the search copies for rows written into track_view directly (tests, benchmarks)."""
    assignments = ", ".join(f"{column} = list_transform({name}, lambda x: strip_accents(lower(x)))"
                            for column, name in SEARCH_COLUMNS.items())
    cur.execute(f"UPDATE track_view SET {assignments}")
