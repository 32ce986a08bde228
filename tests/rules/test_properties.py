"""Property tests: the SQL compiler and the Python evaluator agree on random rules and tracks."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings

from lib.rules import (
    RuleCondition,
    RuleGroup,
    compile_where,
    evaluate_tracks,
    matches_rules,
    ordered_track_ids,
    parse_rule,
)
from lib.rules.semantics import fold
from lib.store import open_library
from tests.rules import strategies as S
from tests.rules.trackdata import write_tracks

NOW = datetime(2026, 1, 3, 9, 30)


@pytest.fixture(scope="module")
def shared_library():
    library = open_library(":memory:")
    yield library
    library.close()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=S.tracks(min_size=6), cond=S.condition())
def test_sql_condition_equals_python(shared_library, rows, cond):
    rows = write_tracks(shared_library, rows)
    node = RuleCondition.model_validate(cond)
    where, params = compile_where(node, NOW)
    got = {r[0] for r in shared_library.query(f"SELECT track_id FROM track_view WHERE {where}", params)}
    assert got == {r["track_id"] for r in rows if matches_rules(node, r, NOW)}


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


def test_fold_matches_duckdb_lower_for_every_code_point(shared_library):
    chars = [chr(cp) for cp in range(0x1F000) if not 0xD800 <= cp < 0xE000]
    lowered = shared_library.query_one("SELECT list_transform(?, lambda x: lower(x))", [chars])[0]
    assert [fold(ch) for ch in chars] == lowered
    assert fold("ΣΑΣ İ") == shared_library.query_one("SELECT lower(?)", ["ΣΑΣ İ"])[0]
