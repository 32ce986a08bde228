"""Benchmark: a nested 14-condition rule over a generated 100,000-track library, DuckDB vs per-track Python."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lib.clock import utc  # noqa: E402
from lib.rules import compile_rule, evaluate_tracks, load_tracks, ordered_track_ids, parse_rule  # noqa: E402
from lib.store import fill_search_columns, open_library  # noqa: E402

N_TRACKS = 100_000
NOW = utc(2026, 11, 15, 12, 0)

GENRES = ["rock", "indie rock", "hard rock", "pop", "indie pop", "synth-pop", "electropop", "dance pop", "hip hop",
          "rap", "trap", "jazz", "bebop", "soul", "r&b", "house", "deep house", "techno", "ambient", "folk",
          "indie folk", "country", "metal", "thrash metal", "punk", "blues", "classical", "reggae", "latin",
          "cumbia", "k-pop", "j-rock", "city pop", "edm", "drum and bass", "shoegaze", "grunge", "disco", "funk",
          "bossa nova"]
PLAYLISTS = ["Workout", "Chill Evenings", "Throwbacks", "Party Bangers 🎉", "Deep Focus", "Road Trip", "Rainy Day",
             "Café Jazz ☕", "夜のドライブ", "Discover Archive", "Running", "Sleep"]

GENERATE_SQL = """
INSERT INTO track_view BY NAME
SELECT
    'trk' || lpad(CAST(i AS VARCHAR), 7, '0') AS track_id,
    'spotify:track:trk' || i AS uri,
    (['Love', 'Night', 'Fire', 'Dream', 'Road', 'Rain', 'Sky', 'Heart', 'Café', '夜'])[1 + h(i, 1) % 10]
        || ' ' || (['Song', 'Waves', 'Lights', 'Dance', 'Blues', 'Story (Live)', 'Remix'])[1 + h(i, 2) % 7]
        AS title,
    'Artist ' || (h(i, 3) % 5000) AS artist,
    CASE WHEN h(i, 4) % 4 = 0 THEN ['Artist ' || (h(i, 3) % 5000), 'Feat ' || (h(i, 5) % 900)]
         ELSE ['Artist ' || (h(i, 3) % 5000)] END AS artists,
    'Album ' || (h(i, 6) % 20000) AS album,
    CASE WHEN h(i, 7) % 20 = 0 THEN NULL ELSE 'ISRC' || (h(i, 8) % 90000) END AS isrc,
    (['happy', 'energetic', 'calm', 'sad', 'tense', NULL])[1 + h(i, 9) % 6] AS mood,
    (['rock', 'pop', 'hip hop', 'electronic', 'jazz', NULL])[1 + h(i, 10) % 6] AS genre_family,
    list_transform(range(CAST(h(i, 11) % 4 AS BIGINT)), lambda k: $genres[1 + h(i, 12 + k) % 40]) AS genres,
    list_distinct(list_transform(range(CAST(h(i, 20) % 3 AS BIGINT)),
                                 lambda k: $playlists[1 + h(i, 21 + k) % 12])) AS playlists,
    []::VARCHAR[] AS tags,
    CASE WHEN h(i, 30) % 50 = 0 THEN NULL ELSE DATE '1960-01-01' + CAST(h(i, 31) % 24000 AS INTEGER) END
        AS release_date,
    CAST(90000 + h(i, 32) % 300000 AS INTEGER) AS duration_ms,
    CASE WHEN h(i, 33) % 20 = 0 THEN NULL ELSE (h(i, 34) % 1000) / 1000.0 END AS energy,
    (h(i, 35) % 1000) / 1000.0 AS valence,
    CASE WHEN h(i, 36) % 20 = 0 THEN NULL ELSE (h(i, 37) % 1000) / 1000.0 END AS danceability,
    60 + (h(i, 38) % 140) AS tempo,
    CAST(h(i, 39) % 101 AS DOUBLE) AS popularity,
    h(i, 40) % 7 = 0 AS explicit,
    h(i, 41) % 5 <> 0 AS liked,
    TIMESTAMP '2015-01-01' + to_seconds(CAST(h(i, 42) % 374000000 AS BIGINT)) AS added_at,
    ['liked'] AS source_ids,
    MAP {}::MAP(VARCHAR, DOUBLE) AS custom_num,
    MAP {}::MAP(VARCHAR, VARCHAR) AS custom_text
FROM range(?) t(i)
"""

RULE = {
    "id": "bench", "name": "Benchmark", "sort": [{"field": "danceability", "direction": "desc"},
                                                  {"field": "added_at", "direction": "desc"}],
    "dedupe": "isrc", "limit": {"tracks": 500},
    "match": {"operator": "and", "conditions": [
        {"field": "energy", "operator": "between", "value": [0.3, 0.95]},
        {"field": "release_date", "operator": "after", "value": "1985-01-01"},
        {"field": "added_at", "operator": "in_last_days", "value": 3650},
        {"operator": "or", "conditions": [
            {"field": "genres", "operator": "contains", "value": "rock"},
            {"field": "genres", "operator": "matches", "value": "^(indie|synth|dance).*pop$"},
            {"operator": "and", "conditions": [
                {"field": "playlists", "operator": "eq", "value": "workout"},
                {"field": "tempo", "operator": "gte", "value": 120},
                {"field": "title", "operator": "not_matches", "value": r"\b(remix|live)\b"}]}]},
        {"operator": "or", "negate": True, "conditions": [
            {"field": "artists", "operator": "starts_with", "value": "feat 1"},
            {"field": "isrc", "operator": "is_empty"}]},
        {"field": "title", "operator": "not_contains", "value": "xyz"},
        {"field": "liked", "operator": "eq", "value": True},
        {"field": "danceability", "operator": "gte", "value": 0.2},
        {"field": "popularity", "operator": "lt", "value": 95}]},
}


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def generate_library(prefix: str = "bench_rules_", n_tracks: int = N_TRACKS):
    """A new library in a temporary folder holding `n_tracks` generated tracks."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    library = open_library(str(workdir / "bench.duckdb"))
    with library.transaction() as cur:
        cur.execute("DELETE FROM track_view")
        # hash() is UBIGINT; list indexes need BIGINT.
        cur.execute("CREATE OR REPLACE TEMP MACRO h(a, b) AS CAST(hash(a, b) % 1000000007 AS BIGINT)")
        cur.execute(GENERATE_SQL.replace("$genres", "$1").replace("$playlists", "$2").replace("range(?)", "range($3)"),
                    [GENRES, PLAYLISTS, n_tracks])
        fill_search_columns(cur)
    return library


def main() -> None:
    start = time.perf_counter()
    library = generate_library()
    print(f"generated {library.query_one('SELECT count(*) FROM track_view')[0]:,} tracks in "
          f"{time.perf_counter() - start:.1f} s ({library.target})")
    rule = parse_rule(RULE)
    print("rule: 14 conditions, 3 levels, list fields, regex, dates; dedupe isrc, limit 500")

    def duckdb_on_open_cursor(cur):
        sql, params = compile_rule(rule, NOW, ["track_id"])
        return [r[0] for r in cur.execute(sql, params).fetchall()]

    start = time.perf_counter()
    rows = load_tracks(library)
    load_s = time.perf_counter() - start
    # The machine may be shared: interleave the three measurements so they see the same load.
    warm_times, facade_times, python_times = [], [], []
    with library.cursor() as cur:
        ids = duckdb_on_open_cursor(cur)
        for _ in range(5):
            warm_times += [timed(lambda: duckdb_on_open_cursor(cur)) for _ in range(6)]
            python_times.append(timed(lambda: evaluate_tracks(rule, rows, NOW)))
    for _ in range(15):
        facade_times.append(timed(lambda: ordered_track_ids(library, rule, NOW)))
    python_ids = [t["track_id"] for t in evaluate_tracks(rule, rows, NOW)]
    assert python_ids == ids, "SQL and Python disagree"
    warm, facade, python = (statistics.median(x) for x in (warm_times, facade_times, python_times))
    print(f"result: {len(ids)} tracks (identical in DuckDB and Python); load average {os.getloadavg()[0]:.1f}")
    print(f"DuckDB, compile + query on an open connection:      median {warm:7.1f} ms, min {min(warm_times):6.1f}"
          f"  ({len(warm_times)} runs; target <= 30 ms)")
    print(f"DuckDB, ordered_track_ids() incl. opening the file: median {facade:7.1f} ms, min {min(facade_times):6.1f}"
          f"  ({len(facade_times)} runs)")
    print(f"Python per-track evaluator (rows already loaded):   median {python:7.1f} ms, min {min(python_times):6.1f}"
          f"  ({len(python_times)} runs)")
    print(f"  (loading 100k rows as dicts for it took {load_s:.1f} s, not counted)")
    print(f"speed-up: {python / warm:.0f}x on an open connection, {python / facade:.0f}x via the façade "
          f"(target >= 50x)")


if __name__ == "__main__":
    main()
