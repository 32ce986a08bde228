"""Operator semantics as a table: each condition against a fixed set of awkward tracks, in SQL and Python."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from lib.rules import RuleCondition, RuleGroup, compile_where, matches_rules
from tests.rules.trackdata import write_tracks

NOW = datetime(2026, 11, 15, 12, 0, 0)

TRACKS = [
    {"track_id": "t1", "title": "Rock Anthem", "artist": "The Band", "artists": ["The Band", "Guest"],
     "genres": ["Rock", "Hard Rock"], "playlists": ["Workout 💪"], "energy": 0.9, "release_year": 2012,
     "release_date": date(2012, 5, 17), "added_at": datetime(2026, 11, 10, 8, 0), "explicit": True, "liked": True,
     "duration_ms": 200_000, "isrc": "USAAA1200001", "custom_num": {"bpm": 128.0}, "custom_text": {"vibe": "Loud"}},
    {"track_id": "t2", "title": "café del mar", "artist": "Énergie", "artists": ["Énergie"], "genres": ["chill"],
     "playlists": [], "energy": 0.3, "release_year": 1999, "release_date": date(1999, 12, 31),
     "added_at": datetime(2020, 1, 1, 0, 0), "explicit": False, "liked": False, "duration_ms": 300_000},
    {"track_id": "t3", "title": "", "artist": None, "artists": [], "genres": [], "playlists": [], "energy": None,
     "release_year": None, "release_date": None, "added_at": None, "explicit": None, "liked": False},
    {"track_id": "t4", "title": "ΣΟΦΙΑ İstanbul", "artist": "東京", "artists": ["東京", ""], "genres": ["", "J-Pop"],
     "playlists": ["夜のドライブ (Night Drive)"], "energy": 0.7, "release_year": 2026,
     "release_date": date(2026, 11, 1), "added_at": datetime(2026, 11, 15, 12, 0, 0), "explicit": False,
     "liked": True, "custom_num": {"bpm": 90.5}, "custom_text": {"vibe": ""}},
]

ALL = {"t1", "t2", "t3", "t4"}


def c(field, operator, value=None):
    data = {"field": field, "operator": operator}
    if value is not None:
        data["value"] = value
    return data


CASES = [
    # text: case-insensitive; positive operators false on null/empty, negative twins true there
    (c("title", "eq", "rock anthem"), {"t1"}),
    (c("title", "neq", "rock anthem"), {"t2", "t3", "t4"}),
    (c("title", "eq", ""), set()),
    (c("title", "contains", "DEL"), {"t2"}),
    (c("title", "contains", ""), {"t1", "t2", "t4"}),
    (c("title", "not_contains", ""), {"t3"}),
    (c("title", "starts_with", "CAFÉ"), {"t2"}),
    (c("title", "ends_with", "MAR"), {"t2"}),
    (c("title", "contains", "σοφια"), {"t4"}),
    (c("title", "contains", "istanbul"), {"t4"}),
    (c("artist", "eq", "the band"), {"t1"}),
    (c("artist", "neq", "the band"), {"t2", "t3", "t4"}),
    (c("artist", "in", ["ÉNERGIE", "東京"]), {"t2", "t4"}),
    (c("artist", "not_in", ["ÉNERGIE", "東京"]), {"t1", "t3"}),
    (c("artist", "in", []), set()),
    (c("artist", "not_in", []), ALL),
    (c("title", "matches", "^rock"), {"t1"}),
    (c("title", "matches", "a.*r$"), {"t2"}),
    (c("title", "not_matches", "^rock"), {"t2", "t3", "t4"}),
    (c("title", "matches", ""), {"t1", "t2", "t4"}),
    (c("title", "matches", r"\p{Greek}+"), {"t4"}),
    # accents are ignored like case, in values and in the library's text
    (c("title", "contains", "cafe"), {"t2"}),
    (c("title", "eq", "CAFÉ DEL MÁR"), {"t2"}),
    (c("artist", "eq", "energie"), {"t2"}),
    (c("artists", "in", ["energie"]), {"t2"}),
    (c("title", "matches", "^cafe"), {"t2"}),
    (c("title", "matches", "^café"), {"t2"}),
    # starts_with_word: the start of the text or of any word after a space (the operator added via the table)
    (c("title", "starts_with_word", "anth"), {"t1"}),
    (c("title", "starts_with_word", "nthem"), set()),
    (c("title", "starts_with_word", "DEL"), {"t2"}),
    (c("genres", "starts_with_word", "rock"), {"t1"}),
    (c("title", "is_empty"), {"t3"}),
    (c("title", "is_not_empty"), {"t1", "t2", "t4"}),
    (c("artist", "is_empty"), {"t3"}),
    # list fields: ANY element satisfies the positive form; empty lists and empty elements never do
    (c("genres", "eq", "rock"), {"t1"}),
    (c("genres", "neq", "rock"), {"t2", "t3", "t4"}),
    (c("genres", "contains", "rock"), {"t1"}),
    (c("genres", "not_contains", "rock"), {"t2", "t3", "t4"}),
    (c("genres", "contains", ""), {"t1", "t2", "t4"}),
    (c("genres", "starts_with", "hard"), {"t1"}),
    (c("genres", "ends_with", "POP"), {"t4"}),
    (c("genres", "in", ["chill", "j-pop"]), {"t2", "t4"}),
    (c("genres", "not_in", ["chill", "j-pop"]), {"t1", "t3"}),
    (c("genres", "matches", "^(hard )?rock$"), {"t1"}),
    (c("genres", "not_matches", "rock"), {"t2", "t3", "t4"}),
    (c("genres", "is_empty"), {"t3"}),
    (c("genres", "is_not_empty"), {"t1", "t2", "t4"}),
    (c("artists", "eq", "guest"), {"t1"}),
    (c("playlists", "eq", "workout 💪"), {"t1"}),
    (c("playlists", "contains", "night"), {"t4"}),
    (c("playlists", "is_empty"), {"t2", "t3"}),
    # numbers: null never satisfies a comparison; neq/not_in are true on null
    (c("energy", "eq", 0.9), {"t1"}),
    (c("energy", "neq", 0.9), {"t2", "t3", "t4"}),
    (c("energy", "gt", 0.7), {"t1"}),
    (c("energy", "gte", 0.7), {"t1", "t4"}),
    (c("energy", "lt", 0.7), {"t2"}),
    (c("energy", "lte", 0.7), {"t2", "t4"}),
    (c("energy", "between", [0.3, 0.7]), {"t2", "t4"}),
    (c("release_year", "in", [1999, 2026]), {"t2", "t4"}),
    (c("release_year", "not_in", [1999, 2026]), {"t1", "t3"}),
    (c("release_year", "eq", 2012.0), {"t1"}),
    (c("energy", "is_empty"), {"t3"}),
    (c("energy", "is_not_empty"), {"t1", "t2", "t4"}),
    # booleans
    (c("explicit", "eq", True), {"t1"}),
    (c("explicit", "neq", True), {"t2", "t3", "t4"}),
    (c("explicit", "eq", False), {"t2", "t4"}),
    (c("explicit", "neq", False), {"t1", "t3"}),
    (c("explicit", "is_empty"), {"t3"}),
    (c("liked", "eq", True), {"t1", "t4"}),
    (c("liked", "is_empty"), set()),
    # dates and timestamps: a date means the whole day; before/after strict, between inclusive
    (c("added_at", "before", "2026-11-10"), {"t2"}),
    (c("added_at", "after", "2026-11-10"), {"t4"}),
    (c("added_at", "after", "2026-11-10T07:59:59"), {"t1", "t4"}),
    (c("added_at", "after", "2026-11-10T08:00:00"), {"t4"}),
    (c("added_at", "before", "2026-11-10T08:00:00"), {"t2"}),
    (c("added_at", "between", ["2026-11-10", "2026-11-10"]), {"t1"}),
    (c("added_at", "between", ["2020-01-01", "2026-11-15T12:00:00"]), {"t1", "t2", "t4"}),
    (c("added_at", "after", "2026-11-10T09:00:00+02:00"), {"t1", "t4"}),
    (c("release_date", "before", "1999-12-31"), set()),
    (c("release_date", "between", ["1999-12-31", "2012-05-17"]), {"t1", "t2"}),
    (c("release_date", "after", "2026-10-31"), {"t4"}),
    (c("added_at", "in_last_days", 7), {"t1", "t4"}),
    (c("added_at", "in_last_days", 5.1666), {"t4"}),
    (c("added_at", "in_last_days", 5.1667), {"t1", "t4"}),
    (c("added_at", "not_in_last_days", 7), {"t2", "t3"}),
    (c("added_at", "in_last_days", 0), {"t4"}),
    (c("release_date", "in_last_days", 30), {"t4"}),
    (c("added_at", "is_empty"), {"t3"}),
    # custom fields x_<name>: numbers from custom_num, text from custom_text
    (c("x_bpm", "gt", 100), {"t1"}),
    (c("x_bpm", "between", [90, 130]), {"t1", "t4"}),
    (c("x_bpm", "neq", 128), {"t2", "t3", "t4"}),
    (c("x_vibe", "eq", "loud"), {"t1"}),
    (c("x_vibe", "not_contains", "ou"), {"t2", "t3", "t4"}),
    (c("x_vibe", "is_empty"), {"t2", "t3", "t4"}),
    (c("x_bpm", "is_not_empty"), {"t1", "t4"}),
    (c("x_missing", "is_empty"), ALL),
]

GROUP_CASES = [
    ({"operator": "and", "conditions": []}, ALL),
    ({"operator": "or", "conditions": []}, set()),
    ({"operator": "and", "negate": True, "conditions": []}, set()),
    ({"operator": "or", "negate": True, "conditions": []}, ALL),
    ({"operator": "or", "conditions": [c("energy", "gt", 0.8), c("title", "is_empty")]}, {"t1", "t3"}),
    ({"operator": "and", "negate": True, "conditions": [c("energy", "gt", 0.5)]}, {"t2", "t3"}),
    ({"operator": "and", "conditions": [
        c("liked", "eq", True),
        {"operator": "or", "negate": True, "conditions": [c("genres", "contains", "rock")]}]}, {"t4"}),
    ({"operator": "and", "conditions": [{"operator": "or", "conditions": [
        {"operator": "and", "conditions": [c("energy", "gte", 0.3), c("energy", "lte", 0.3)]},
        c("x_bpm", "lt", 100)]}]}, {"t2", "t4"}),
]


@pytest.fixture(scope="module")
def table_library(tmp_path_factory):
    from lib.store import open_library

    library = open_library(str(tmp_path_factory.mktemp("ops") / "ops.duckdb"))
    rows = write_tracks(library, TRACKS)
    return library, rows


def _sql_ids(library, node) -> set[str]:
    where, params = compile_where(node, NOW)
    return {r[0] for r in library.query(f"SELECT track_id FROM track_view WHERE {where}", params)}


@pytest.mark.parametrize(("condition", "expected"), CASES, ids=[
    f"{d['field']}-{d['operator']}-{d.get('value')!r}" for d, _ in CASES])
def test_condition_semantics(table_library, condition, expected):
    library, rows = table_library
    node = RuleCondition.model_validate(condition)
    assert _sql_ids(library, node) == expected
    assert {r["track_id"] for r in rows if matches_rules(node, r, NOW)} == expected


@pytest.mark.parametrize(("group", "expected"), GROUP_CASES)
def test_group_semantics(table_library, group, expected):
    library, rows = table_library
    node = RuleGroup.model_validate(group)
    assert _sql_ids(library, node) == expected
    assert {r["track_id"] for r in rows if matches_rules(node, r, NOW)} == expected


NEGATIVE_PAIRS = [("eq", "neq", "title", "café del mar"), ("contains", "not_contains", "genres", "o"),
                  ("in", "not_in", "energy", [0.3, 0.9]), ("matches", "not_matches", "artist", "^é"),
                  ("in_last_days", "not_in_last_days", "added_at", 3), ("is_empty", "is_not_empty", "energy", None),
                  ("eq", "neq", "explicit", False)]


@pytest.mark.parametrize(("positive", "negative", "field", "value"), NEGATIVE_PAIRS)
def test_negative_is_exact_complement(table_library, positive, negative, field, value):
    library, _ = table_library
    yes = _sql_ids(library, RuleCondition.model_validate(c(field, positive, value)))
    no = _sql_ids(library, RuleCondition.model_validate(c(field, negative, value)))
    assert yes | no == ALL
    assert not yes & no


def test_sql_has_no_user_text(table_library):
    library, _ = table_library
    nasty = "x'); DROP TABLE tracks; --"
    node = RuleGroup.model_validate({"operator": "or", "conditions": [
        c("title", "eq", nasty), c("title", "matches", "'.*"), c("genres", "in", [nasty])]})
    where, params = compile_where(node, NOW)
    assert nasty not in where
    assert "'.*" not in where
    assert nasty.lower() in params.values()
    assert _sql_ids(library, node) == set()
    assert library.query_one("SELECT count(*) FROM track_view")[0] == len(TRACKS)
