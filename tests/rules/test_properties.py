"""Property tests: the SQL compiler and the Python evaluator agree on random rules and tracks."""

from __future__ import annotations

import unicodedata
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.rules import (
    OPERATOR_TABLE,
    RuleCondition,
    RuleGroup,
    compile_where,
    condition_holds,
    evaluate_tracks,
    matches_rules,
    ordered_track_ids,
    parse_rule,
)
from lib.rules.operators import OPERATORS
from lib.rules.semantics import fold
from tests.rules import strategies as S
from tests.rules.trackdata import write_tracks

NOW = datetime(2026, 1, 3, 9, 30)


@pytest.mark.parametrize("key", sorted(OPERATORS), ids=lambda k: f"{k[0]}-{k[1]}")
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_operator_of_the_table_sql_equals_python(shared_library, key, data):
    rows = write_tracks(shared_library, data.draw(S.tracks(min_size=6)))
    node = RuleCondition.model_validate(data.draw(S.condition(key)))
    where, params = compile_where(node, NOW)
    got = {r[0] for r in shared_library.query(f"SELECT track_id FROM track_view WHERE {where}", params)}
    assert got == {r["track_id"] for r in rows if condition_holds(node, r, NOW)}


def test_every_value_shape_has_a_strategy():
    assert {row.value for row in OPERATOR_TABLE} <= set(S.SHAPE_VALUES)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=S.tracks(), match=S.group())
def test_sql_filter_equals_python_matches(shared_library, rows, match):
    rows = write_tracks(shared_library, rows)
    node = RuleGroup.model_validate(match)
    where, params = compile_where(node, NOW)
    got = {r[0] for r in shared_library.query(f"SELECT track_id FROM track_view WHERE {where}", params)}
    assert got == {r["track_id"] for r in rows if matches_rules(node, r, NOW)}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=S.tracks(), data=S.rule())
def test_sql_order_dedupe_limit_equals_python(shared_library, rows, data):
    rows = write_tracks(shared_library, rows)
    rule = parse_rule(data)
    assert ordered_track_ids(shared_library, rule, NOW) == [t["track_id"] for t in evaluate_tracks(rule, rows, NOW)]


def _assigned(cp: int) -> bool:
    # Code points this Python's Unicode data does not know may be assigned in DuckDB's newer data.
    return not 0xD800 <= cp < 0xE000 and unicodedata.category(chr(cp)) != "Cn"


def test_fold_matches_duckdb_for_every_code_point(shared_library):
    chars = [chr(cp) for cp in range(0x110000) if _assigned(cp)]
    folded = shared_library.query_one("SELECT list_transform(?, lambda x: strip_accents(lower(x)))", [chars])[0]
    assert [fold(ch) for ch in chars] == folded
    assert fold("ΣΑΣ İ") == shared_library.query_one("SELECT strip_accents(lower(?))", ["ΣΑΣ İ"])[0]
    assert [fold(w) for w in ("José", "Café", "Núñez", "Ærø")] == ["jose", "cafe", "nunez", "ærø"]


UNICODE_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cn")), max_size=12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(UNICODE_TEXT | st.sampled_from(["e\u0301", "\u1100\u1161", "A\u030a\u0327"]), max_size=20))
def test_fold_of_whole_texts_matches_duckdb(shared_library, texts):
    folded = shared_library.query_one("SELECT list_transform(?, lambda x: strip_accents(lower(x)))", [texts])[0]
    assert [fold(t) for t in texts] == folded
