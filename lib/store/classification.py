"""Computed classes (mood, genre_family) re-derived in SQL from the best enrichment values.

`recompute_classifications` runs inside `refresh_track_view`, so every writer (demo build,
CSV import, Spotify sync, enrichment) gets current classes in the same transaction. Computed
classes live in `computed_classes` (no key: rebuilt wholesale in milliseconds, which a keyed
table cannot do at 100k tracks); manual labels stay in `classifications` and are never touched.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import duckdb

from lib.store.winners import WINNER_KEY_SQL

MOOD_SETTINGS_KEY = "classify.mood_thresholds"
MOOD_CLASSIFIER = "mood-1"
GENRE_FAMILY_CLASSIFIER = "genre-family-1"

# Same normalization as genre_families.normalize_genre: lower case, '-'/'_'/spaces → one space.
NORMALIZE_SQL = "trim(regexp_replace(lower(trim({col})), '[\\s_\\-]+', ' ', 'g'))"

MOOD_CLASSES: dict[str, str] = {
    "energetic": "valence ≥ {valence:.2f} and energy ≥ {high_energy:.2f}",
    "happy": "valence ≥ {valence:.2f} and {energy:.2f} ≤ energy < {high_energy:.2f}",
    "calm": "valence ≥ {valence:.2f} and energy < {energy:.2f}",
    "tense": "valence < {valence:.2f} and energy ≥ {energy:.2f}",
    "sad": "valence < {valence:.2f} and energy < {energy:.2f}",
}


@dataclass(frozen=True)
class MoodThresholds:
    """Where the mood map is cut: energy and valence splits, and the energy above which happy is energetic."""

    energy: float = 0.5
    valence: float = 0.5
    high_energy: float = 0.75

    def validate(self) -> MoodThresholds:
        for name, value in asdict(self).items():
            if not 0.0 <= float(value) <= 1.0:
                raise ValueError(f"mood threshold {name} must be between 0 and 1, got {value}")
        if self.high_energy <= self.energy:
            raise ValueError(f"the high-energy threshold ({self.high_energy}) must be above the energy "
                             f"threshold ({self.energy})")
        return self

    @property
    def version(self) -> str:
        return f"{MOOD_CLASSIFIER}(energy={self.energy:g},valence={self.valence:g},high={self.high_energy:g})"

    def explain(self) -> dict[str, str]:
        """Each mood class with its rule in words, for the UI and docs."""
        values = asdict(self)
        return {name: rule.format(**values) for name, rule in MOOD_CLASSES.items()}


def read_mood_thresholds(cur: duckdb.DuckDBPyConnection) -> MoodThresholds:
    row = cur.execute("SELECT value FROM settings WHERE key = ?", [MOOD_SETTINGS_KEY]).fetchone()
    if not row:
        return MoodThresholds()
    stored = json.loads(row[0])
    try:
        return MoodThresholds(**{k: float(stored[k]) for k in ("energy", "valence", "high_energy")}).validate()
    except (KeyError, TypeError, ValueError):
        return MoodThresholds()  # a damaged setting must not break every refresh


def write_mood_thresholds(cur: duckdb.DuckDBPyConnection, thresholds: MoodThresholds) -> None:
    thresholds.validate()
    payload = json.dumps({**asdict(thresholds), "classifier_version": thresholds.version})
    cur.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET"
                " value = excluded.value, updated_at = now()", [MOOD_SETTINGS_KEY, payload])


def mood_case_sql(energy: str = "energy", valence: str = "valence") -> str:
    """CASE expression over two columns; thresholds are the parameters $e, $v and $h."""
    return (f"CASE WHEN {energy} IS NULL OR {valence} IS NULL THEN NULL"
            f" WHEN {valence} >= $v THEN (CASE WHEN {energy} >= $h THEN 'energetic'"
            f" WHEN {energy} >= $e THEN 'happy' ELSE 'calm' END)"
            f" ELSE (CASE WHEN {energy} >= $e THEN 'tense' ELSE 'sad' END) END")


def _keyed(fields: str, scope: str) -> str:
    # The same winner key as track_view_source, so classes derive from the values the view shows.
    return f"""SELECT track_id, field, num_value, list_value, {WINNER_KEY_SQL} AS k FROM enrichment_values
        WHERE field IN ({fields}) AND track_id IN (SELECT track_id FROM tracks) {scope}"""


COMPUTED_TABLE_SQL = """CREATE TABLE IF NOT EXISTS computed_classes (
    track_id VARCHAR NOT NULL, class_name VARCHAR NOT NULL, value VARCHAR, classifier_version VARCHAR,
    updated_at TIMESTAMP DEFAULT current_timestamp)"""


def _computed_sql(scope: str, norm: str) -> str:
    # Distinct genres are few (hundreds to a few thousand), so the word-bounded LIKE join against
    # the map stays cheap; tracks then join the per-genre result by equality.
    return f"""
        WITH ev AS (SELECT track_id, arg_min(num_value, k) FILTER (WHERE field = 'energy') AS energy,
                           arg_min(num_value, k) FILTER (WHERE field = 'valence') AS valence
                    FROM ({_keyed("'energy', 'valence'", scope)}) GROUP BY track_id),
        g AS (SELECT track_id, arg_min(list_value, k) AS list_value
              FROM ({_keyed("'genres'", scope)}) GROUP BY track_id),
        tg AS (SELECT track_id, unnest(list_value) AS genre, generate_subscripts(list_value, 1) AS pos FROM g),
        dg AS (SELECT genre, {norm} AS g FROM (SELECT DISTINCT genre FROM tg WHERE genre IS NOT NULL)),
        gm AS (SELECT dg.genre, m.family FROM dg JOIN genre_family_map m
                 ON (' ' || dg.g || ' ') LIKE ('% ' || m.genre || ' %') ESCAPE '\\'
               QUALIFY row_number() OVER (PARTITION BY dg.genre ORDER BY (dg.g = m.genre) DESC,
                   len(string_split(m.genre, ' ')) DESC, instr(' ' || dg.g || ' ', ' ' || m.genre || ' ') DESC,
                   (m.origin = 'user') DESC, m.genre) = 1),
        votes AS (SELECT track_id, family, count(*) AS n, min(pos) AS first FROM tg JOIN gm USING (genre)
                  GROUP BY track_id, family),
        -- Most genres win; ties go to the family of the earliest genre (then the name, for determinism).
        fam AS (SELECT track_id, arg_max(family, (n, -first, family)) AS family FROM votes GROUP BY track_id)
        SELECT track_id, 'mood' AS class_name, {mood_case_sql()} AS value, $mood_version AS classifier_version,
               current_timestamp AS updated_at
        FROM ev WHERE energy IS NOT NULL AND valence IS NOT NULL
        UNION ALL
        SELECT track_id, 'genre_family', family, $family_version, current_timestamp FROM fam"""


def computed_classes_definition(cur: duckdb.DuckDBPyConnection, scope: str = "") -> tuple[str, dict]:
    """The query (and its parameters) whose rows `computed_classes` holds, for all tracks or a `scope`."""
    th = read_mood_thresholds(cur)
    params = {"e": th.energy, "v": th.valence, "h": th.high_energy, "mood_version": th.version,
              "family_version": GENRE_FAMILY_CLASSIFIER}
    return _computed_sql(scope, NORMALIZE_SQL.format(col="genre")), params


def recompute_classifications(cur: duckdb.DuckDBPyConnection, track_ids: Sequence[str] | None = None) -> None:
    """Re-derive computed mood and genre_family for all tracks or the given ones."""
    if track_ids is None:
        sql, params = computed_classes_definition(cur)
        cur.execute("CREATE OR REPLACE TABLE computed_classes AS " + sql, params)
        return
    cur.execute(COMPUTED_TABLE_SQL)
    ids = {"ids": list(track_ids)}
    sql, params = computed_classes_definition(cur, "AND track_id IN (SELECT unnest($ids))")
    cur.execute("DELETE FROM computed_classes WHERE track_id IN (SELECT unnest($ids))", ids)
    cur.execute("INSERT INTO computed_classes BY NAME " + sql, {**params, **ids})


def seed_genre_families(cur: duckdb.DuckDBPyConnection) -> None:
    """Insert the built-in map; rows the user changed (origin 'user') are left alone."""
    from lib.store.genre_families import builtin_rows

    rows = builtin_rows()
    cur.executemany("INSERT INTO genre_family_map (genre, family, origin) VALUES (?, ?, 'builtin')"
                    " ON CONFLICT (genre) DO NOTHING", rows)
