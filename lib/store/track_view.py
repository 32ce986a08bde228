"""The flattened track row (one per track) that Explore, rules and exports read.

`track_view_source` is a plain view over the normalized tables; `track_view` is its
materialization, rebuilt by `refresh_track_view` after every write so that reads and rule
queries over 100k tracks stay in the tens of milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

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
}

_FEATURE_SQL = ",\n        ".join(
    f"max(num_value) FILTER (WHERE field = '{name}') AS {name}" for name in FEATURE_FIELDS
)

TRACK_VIEW_SOURCE_SQL = f"""
CREATE OR REPLACE VIEW track_view_source AS
WITH best AS (
    SELECT track_id, field, num_value, text_value, list_value
    FROM enrichment_values
    QUALIFY row_number() OVER (
        PARTITION BY track_id, field ORDER BY precedence, fetched_at DESC, provider) = 1
),
feat AS (
    SELECT track_id,
        {_FEATURE_SQL},
        max(text_value) FILTER (WHERE field = 'release_date') AS release_date_text,
        max(text_value) FILTER (WHERE field = 'label') AS label,
        first(list_value) FILTER (WHERE field = 'genres') AS genres,
        map_from_entries(list({{'key': substr(field, 3), 'value': num_value}})
            FILTER (WHERE field LIKE 'x\\_%' ESCAPE '\\' AND num_value IS NOT NULL)) AS custom_num,
        map_from_entries(list({{'key': substr(field, 3), 'value': text_value}})
            FILTER (WHERE field LIKE 'x\\_%' ESCAPE '\\' AND num_value IS NULL
                    AND text_value IS NOT NULL)) AS custom_text
    FROM best
    GROUP BY track_id
),
arts AS (
    SELECT ta.track_id, list(a.name ORDER BY ta.position) AS artists
    FROM track_artists ta JOIN artists a USING (artist_id)
    GROUP BY ta.track_id
),
mem AS (
    SELECT st.track_id,
        min(st.added_at) AS added_at,
        bool_or(s.kind = 'liked') AS liked,
        min(st.added_at) FILTER (WHERE s.kind = 'liked') AS liked_at,
        list(DISTINCT s.name ORDER BY s.name) FILTER (WHERE s.kind = 'playlist') AS playlists,
        list(DISTINCT st.source_id ORDER BY st.source_id) AS source_ids
    FROM source_tracks st JOIN sources s USING (source_id)
    GROUP BY st.track_id
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
    FROM classifications
    GROUP BY track_id
),
base AS (
    SELECT t.*, al.name AS album_name, al.label AS album_label,
        coalesce(try_cast(feat.release_date_text AS DATE), al.release_date) AS rel_date
    FROM tracks t
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
    coalesce(feat.custom_num, MAP {{}}::MAP(VARCHAR, DOUBLE)) AS custom_num,
    coalesce(feat.custom_text, MAP {{}}::MAP(VARCHAR, VARCHAR)) AS custom_text
FROM base b
LEFT JOIN feat USING (track_id)
LEFT JOIN arts USING (track_id)
LEFT JOIN mem USING (track_id)
LEFT JOIN cls USING (track_id)
"""


def create_track_view(cur: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the source view and an up-to-date materialized `track_view`."""
    cur.execute(TRACK_VIEW_SOURCE_SQL)
    refresh_track_view(cur)


def refresh_track_view(cur: duckdb.DuckDBPyConnection, track_ids: Iterable[str] | None = None) -> None:
    """Rebuild `track_view` after a write: all of it, or only the given tracks."""
    if track_ids is None:
        cur.execute("CREATE OR REPLACE TABLE track_view AS SELECT * FROM track_view_source ORDER BY track_id")
        return
    ids = list(dict.fromkeys(track_ids))
    if not ids:
        return
    cur.execute("DELETE FROM track_view WHERE track_id IN (SELECT unnest($ids))", {"ids": ids})
    cur.execute(
        "INSERT INTO track_view SELECT * FROM track_view_source WHERE track_id IN (SELECT unnest($ids))",
        {"ids": ids},
    )
