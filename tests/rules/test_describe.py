"""One-line descriptions of rules."""

from __future__ import annotations

import pytest

from lib.rules import describe_rule, parse_rule


def one(cond):
    return describe_rule(parse_rule({"id": "d", "name": "D", "match": {"conditions": [cond]}}))


def test_issue_example():
    rule = parse_rule({"id": "u", "name": "U", "match": {"operator": "and", "conditions": [
        {"field": "energy", "operator": "gte", "value": 0.7},
        {"field": "release_year", "operator": "between", "value": [2010, 2019]},
        {"operator": "or", "conditions": [{"field": "genres", "operator": "contains", "value": "rock"},
                                          {"field": "playlists", "operator": "eq", "value": "Workout"}]}]}})
    assert describe_rule(rule) == ('energy ≥ 0.7 and release year 2010–2019 and (genres contains "rock" or '
                                   'in playlist "Workout")')


@pytest.mark.parametrize(("cond", "text"), [
    ({"field": "title", "operator": "neq", "value": "x"}, 'title is not "x"'),
    ({"field": "genres", "operator": "eq", "value": "pop"}, 'genres has "pop"'),
    ({"field": "genres", "operator": "not_in", "value": ["a", "b"]}, 'genres is none of ["a", "b"]'),
    ({"field": "title", "operator": "matches", "value": "^a"}, "title matches /^a/"),
    ({"field": "liked", "operator": "eq", "value": True}, "liked"),
    ({"field": "explicit", "operator": "eq", "value": False}, "not explicit"),
    ({"field": "added_at", "operator": "in_last_days", "value": 30}, "added within the last 30 days"),
    ({"field": "added_at", "operator": "between", "value": ["2020-01-01", "2020-12-31"]},
     "added 2020-01-01 to 2020-12-31"),
    ({"field": "mood", "operator": "is_empty"}, "mood is empty"),
    ({"field": "x_bpm", "operator": "lt", "value": 100}, "bpm < 100"),
])
def test_conditions(cond, text):
    assert one(cond) == text


def test_groups_extras_and_empty():
    assert describe_rule(parse_rule({"id": "e", "name": "E"})) == "all tracks"
    rule = parse_rule({"id": "n", "name": "N", "match": {"operator": "or", "negate": True, "conditions": [
        {"field": "energy", "operator": "gt", "value": 0.5}, {"field": "energy", "operator": "lt", "value": 0.1}]},
        "sort": [{"field": "random"}], "seed": 3, "limit": {"minutes": 90}, "dedupe": "isrc"})
    assert describe_rule(rule) == ("not (energy > 0.5 or energy < 0.1); sorted by random (seed 3); one per ISRC;"
                                   " at most 90 min")


def test_every_operator_of_the_table_reads_in_words():
    from lib.rules.operators import OPERATORS
    from tests.rules.strategies import FIELDS_BY_KIND

    samples = {"text": "a", "texts": ["a"], "regex": "^a", "number": 2010.0, "numbers": [1, 2.5],
               "number pair": [1, 2], "boolean": True, "date": "2020-01-01", "date pair": ["2020-01-01", "2020-02-01"],
               "days": 7, "none": None}
    for (name, kind), row in OPERATORS.items():
        cond = {"field": FIELDS_BY_KIND[kind][0], "operator": name}
        if samples[row.value.name] is not None:
            cond["value"] = samples[row.value.name]
        text = one(cond)
        assert text, (name, kind)
        assert "{" not in text, (name, kind, text)


def test_whole_numbers_stay_whole():
    rule = parse_rule({"id": "w", "name": "W", "match": {"conditions": [
        {"field": "release_year", "operator": "between", "value": [2010.0, 2019.0]},
        {"field": "popularity", "operator": "gte", "value": 52.0},
        {"field": "energy", "operator": "gte", "value": 0.5}]}})
    values = [c["value"] for c in rule.definition()["match"]["conditions"]]
    assert values == [[2010, 2019], 52, 0.5]
    assert isinstance(values[1], int)
    assert one({"field": "popularity", "operator": "gte", "value": 52.0}) == "popularity ≥ 52"
