"""Rules as text: the syntax, its errors (with positions) and the round trip text ↔ rule over random rules."""

from __future__ import annotations

import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.rules import parse_rule
from lib.rules.fields import FIELDS, OPERATORS_BY_TYPE
from lib.rules.query_text import QueryTextError, parse_query, rule_from_text, rule_to_text
from lib.rules.values import compile_regex
from tests.rules import strategies as S

AWKWARD = st.one_of(st.sampled_from(['', ' ', '"', '\\', '\\"', 'a:b', 'a b', '(x)', 'OR', '-a', 'a,b', '1..2', '..',
                                     'empty', '~x', '^x', '$x', ':x', '>1', '<=2', '5', '-3.5', 'true', 'Café',
                                     'Ñúñez', '🎉 party', 'İı', '\t', 'x"y"z', ',', '""']),
                    st.text(max_size=12))


def _regex_ok(pattern: str) -> bool:
    try:
        compile_regex(pattern)
    except re2.error:
        return False
    return True


REGEX = st.one_of(st.sampled_from(S.PATTERNS + [r"^love\b", r"(a|b) c", r"\"", r"a,b..c"]),
                  st.text(max_size=8).filter(_regex_ok))
NUMBER = st.one_of(st.integers(-10**15, 10**15), st.floats(-1e15, 1e15, allow_nan=False, allow_infinity=False))
TIMES = st.sampled_from(["2026-01-01", "2026-01-01T12:00:00", "2026-01-01 12:00:00", "2025-12-31T23:59:59.5",
                         "2026-01-01T12:00:00+02:00", "2026-01-01T12:00:00Z"])


@st.composite
def condition(draw) -> dict:
    field = draw(st.sampled_from(S.TEXT_FIELDS + S.LIST_FIELDS + S.NUMBER_FIELDS + S.BOOL_FIELDS + S.TIME_FIELDS
                                 + ["x_bpm", "x_vibe", "tags", "source_ids"]))
    kind = {"x_bpm": "number", "x_vibe": "text"}.get(field) or FIELDS[field].type
    op = draw(st.sampled_from(OPERATORS_BY_TYPE[kind]))
    if op in ("is_empty", "is_not_empty"):
        return {"field": field, "operator": op}
    if kind in ("text", "list"):
        value = (draw(st.lists(AWKWARD, max_size=3)) if op in ("in", "not_in") else
                 draw(REGEX) if op in ("matches", "not_matches") else draw(AWKWARD))
    elif kind == "number":
        value = (sorted(draw(st.lists(NUMBER, min_size=2, max_size=2))) if op == "between" else
                 draw(st.lists(NUMBER, max_size=3)) if op in ("in", "not_in") else draw(NUMBER))
    elif kind == "boolean":
        value = draw(st.booleans())
    elif op in ("in_last_days", "not_in_last_days"):
        value = draw(st.one_of(st.integers(0, 1000), st.floats(0, 1000)))
    elif op == "between":
        value = [draw(TIMES)] * 2
    else:
        value = draw(TIMES)
    return {"field": field, "operator": op, "value": value}


def group(children):
    return st.builds(lambda op, neg, items: {"operator": op, "negate": neg, "conditions": items},
                     st.sampled_from(["and", "or"]), st.booleans(), st.lists(children, max_size=4))


REF = st.builds(lambda key, rule_id: {key: rule_id}, st.sampled_from(["in_rule", "not_in_rule"]),
                st.sampled_from(["rock", "a_b-1", "heard"]))


@st.composite
def rule(draw) -> dict:
    base = draw(S.rule())
    base["match"] = draw(group(st.recursive(st.one_of(condition(), REF), group, max_leaves=10)))
    for cap, top in (("max_per_artist", 100_000), ("max_per_album", 100_000), ("separate_artists", 50)):
        if draw(st.booleans()):
            base[cap] = draw(st.integers(1, top))
    return base


@settings(max_examples=400, deadline=None)
@given(data=rule())
def test_rule_to_text_to_rule_is_the_same_rule(data):
    original = parse_rule(data)
    text = rule_to_text(original)
    assert rule_from_text(text, data) == original, text


@settings(max_examples=200, deadline=None)
@given(data=rule())
def test_text_to_rule_to_text_is_stable(data):
    text = rule_to_text(parse_rule(data))
    again = rule_to_text(rule_from_text(text, data))
    assert again == text
    assert rule_from_text(again, data) == rule_from_text(text, data)


def test_the_issue_example_reads_as_meant():
    parts = parse_query("genre:rock year:2010..2019 energy:>=0.7 -playlist:Workout added:<30d "
                        "(mood:happy OR mood:calm) title::^love sort:-added_at limit:100 dedupe:isrc")
    assert parts["match"]["operator"] == "and"
    assert parts["match"]["conditions"] == [
        {"field": "genres", "operator": "eq", "value": "rock"},
        {"field": "release_year", "operator": "between", "value": [2010, 2019]},
        {"field": "energy", "operator": "gte", "value": 0.7},
        {"field": "playlists", "operator": "neq", "value": "Workout"},
        {"field": "added_at", "operator": "in_last_days", "value": 30},
        {"operator": "or", "negate": False, "conditions": [{"field": "mood", "operator": "eq", "value": "happy"},
                                                           {"field": "mood", "operator": "eq", "value": "calm"}]},
        {"field": "title", "operator": "matches", "value": "^love"},
    ]
    assert parts["sort"] == [{"field": "added_at", "direction": "desc"}]
    assert parts["limit"] == {"tracks": 100}
    assert parts["dedupe"] == "isrc"


@pytest.mark.parametrize(("text", "field", "operator", "value"), [
    ("title:~love", "title", "contains", "love"), ("-title:~love", "title", "not_contains", "love"),
    ("artist:^the", "artist", "starts_with", "the"), ("album:$live", "album", "ends_with", "live"),
    ("genre:rock,pop", "genres", "in", ["rock", "pop"]), ("-genre:rock,", "genres", "not_in", ["rock"]),
    ("-title::^a", "title", "not_matches", "^a"), ("mood:empty", "mood", "is_empty", None),
    ("-mood:empty", "mood", "is_not_empty", None), ('mood:"empty"', "mood", "eq", "empty"),
    ("year:2000..", "release_year", "gte", 2000), ("tempo:..120.5", "tempo", "lte", 120.5),
    ("added:<2024-05-31", "added_at", "before", "2024-05-31"), ("added:>2024-05-31", "added_at", "after", "2024-05-31"),
    ("-added:<7.5d", "added_at", "not_in_last_days", 7.5), ("liked:yes", "liked", "eq", True),
    ("-explicit:true", "explicit", "neq", True), ("x_bpm:120", "x_bpm", "eq", 120),
    ('x_bpm:"120"', "x_bpm", "eq", "120"),
    ("title.ends_with:x", "title", "ends_with", "x"), ("title.starts_with_word:lo", "title", "starts_with_word", "lo"),
    ('title:"a \\"b\\" \\\\ c"', "title", "eq", 'a "b" \\ c'),
    ("title:a:b", "title", "eq", "a:b"), ("title:🎉", "title", "eq", "🎉"),
])
def test_each_short_form(text, field, operator, value):
    node = parse_query(text)["match"]["conditions"][0]
    assert node == {"field": field, "operator": operator, **({} if value is None else {"value": value})}


def test_rules_on_rules_and_caps():
    parts = parse_query("in:rock -in:heard per_artist:2 per_album:1 separate:3")
    assert parts["match"]["conditions"] == [{"in_rule": "rock"}, {"not_in_rule": "heard"}]
    assert (parts["max_per_artist"], parts["max_per_album"], parts["separate_artists"]) == (2, 1, 3)


def test_negating_an_operator_without_a_twin_negates_a_group():
    assert parse_query("-energy:>0.7")["match"] == {
        "operator": "and", "negate": True, "conditions": [{"field": "energy", "operator": "gt", "value": 0.7}]}


def test_precedence_and_binds_tighter_than_or():
    match = parse_query("genre:a genre:b OR genre:c")["match"]
    assert match["operator"] == "or"
    assert match["conditions"][0]["conditions"] == [{"field": "genres", "operator": "eq", "value": "a"},
                                                    {"field": "genres", "operator": "eq", "value": "b"}]


@pytest.mark.parametrize(("text", "column", "problem"), [
    ("genre:rock yea:2010", 12, "unknown field 'yea'"),
    ("energy:>abc", 9, "'abc' is not a number"),
    ('title:"never closed', 7, "quote is never closed"),
    ("(genre:a OR genre:b", 1, "bracket is never closed"),
    ("genre:a)", 8, "closes nothing"),
    ("title::[a", 1, "invalid regular expression"),
    ("year:2019..2010", 1, "greater than high"),
    ("energy:~x", 1, "does not fit number field"),
    ("limit:ten", 7, "limit takes a number"),
    ("(sort:title)", 2, "top level"),
    ("rock", 1, "expected field:value"),
    ("genre:", 7, "missing value"),
    ("title:a(b)", 8, "unexpected text after the value"),
])
def test_errors_point_at_the_position(text, column, problem):
    with pytest.raises(QueryTextError) as caught:
        parse_query(text)
    assert caught.value.position + 1 == column
    assert problem in str(caught.value)
    assert str(caught.value).splitlines()[-1] == "  " + " " * (column - 1) + "^"
