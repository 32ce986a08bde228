"""Validation: every problem is reported with the rule, the path to the condition and what is wrong."""

from __future__ import annotations

import json

import pytest

from lib.rules import RuleValidationError, parse_rule, parse_rules_file

EXAMPLE = {"version": 1, "rules": [{
    "id": "upbeat-2010s", "name": "Upbeat 2010s", "description": "", "enabled": True,
    "match": {"operator": "and", "negate": False, "conditions": [
        {"field": "energy", "operator": "gte", "value": 0.7},
        {"field": "release_year", "operator": "between", "value": [2010, 2019]},
        {"operator": "or", "conditions": [
            {"field": "genres", "operator": "contains", "value": "rock"},
            {"field": "playlists", "operator": "eq", "value": "Workout"}]}]},
    "sort": [{"field": "added_at", "direction": "desc"}], "limit": {"tracks": 100}, "dedupe": "track"}]}


def _with(path: list, value, *, delete: bool = False) -> dict:
    doc = json.loads(json.dumps(EXAMPLE))
    node = doc["rules"][0]
    for key in path[:-1]:
        node = node[key]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc


def test_issue_example_is_valid_and_round_trips():
    rules_file = parse_rules_file(json.dumps(EXAMPLE))
    assert rules_file.rules[0].id == "upbeat-2010s"
    again = parse_rules_file(rules_file.model_dump(mode="json"))
    assert again == rules_file


C = ["match", "conditions"]
BAD = [
    (_with(C + [0, "value"], "high"), "rule 'upbeat-2010s': match.conditions[0]: value must be a number"),
    (_with(C + [0, "operator"], "contains"),
     "match.conditions[0]: operator 'contains' does not fit number field 'energy'"),
    (_with(C + [2, "conditions", 0, "field"], "genre"),
     "match.conditions[2].conditions[0]: unknown field 'genre'"),
    (_with(C + [2, "conditions", 0, "operator"], "gt"),
     "match.conditions[2].conditions[0]: operator 'gt' does not fit list field 'genres'"),
    (_with(C + [2, "conditions", 1, "value"], ["Workout"]),
     "match.conditions[2].conditions[1]: value must be a text"),
    (_with(C + [2, "conditions"], [{"field": "title", "operator": "matches", "value": "(unclosed"}]),
     "match.conditions[2].conditions[0]: invalid regular expression '(unclosed'"),
    (_with(C + [1, "value"], [2019, 2010]), "match.conditions[1]: between: low 2019 is greater than high 2010"),
    (_with(C + [1, "value"], [2010]), "match.conditions[1]: value must be a list of two numbers"),
    (_with(C + [0, "colour"], "red"), "match.conditions[0].colour: unknown key"),
    (_with(["match", "colour"], "red"), "match.colour: unknown key"),
    (_with(["colour"], "red"), "rule 'upbeat-2010s': colour: unknown key"),
    (_with(["id"], "Bad Id!"), "rule 'Bad Id!': id: String should match pattern"),
    (_with(["name"], ""), "name: String should have at least 1 character"),
    (_with(["name"], None, delete=True), "name: required key is missing"),
    (_with(["match", "operator"], "xor"), "match.operator: Input should be 'and' or 'or'"),
    (_with(["sort"], [{"field": "genres"}]), "sort[0].field: cannot sort by list field 'genres'"),
    (_with(["limit"], {"tracks": 10, "minutes": 5}), "limit: give exactly one of 'tracks' or 'minutes'"),
    (_with(["limit"], {"tracks": 0}), "limit.tracks: Input should be greater than or equal to 1"),
    (_with(["dedupe"], "album"), "dedupe: Input should be 'track', 'isrc' or 'title_artist'"),
    (_with(C + [0], "energy > 0.7"), "match.conditions[0]: must be a condition {field, operator, value}"),
    (_with(C + [0], {"field": "added_at", "operator": "after", "value": "last week"}),
     "match.conditions[0]: 'last week' is not an ISO date"),
    (_with(C + [0], {"field": "added_at", "operator": "in_last_days", "value": -3}),
     "match.conditions[0]: value must be a number of days"),
    (_with(C + [0], {"field": "explicit", "operator": "eq", "value": "yes"}),
     "match.conditions[0]: value must be true or false"),
    (_with(C + [0], {"field": "title", "operator": "is_empty", "value": "x"}),
     "match.conditions[0]: operator 'is_empty' takes no value"),
    (_with(C + [0], {"field": "liked", "operator": "contains", "value": "x"}),
     "operator 'contains' does not fit boolean field 'liked'"),
    (_with(C + [0], {"field": "x_BPM", "operator": "gt", "value": 3}), "unknown field 'x_BPM'"),
    (_with(C + [0], {"field": "energy", "operator": "in", "value": [0.5, True]}),
     "value must be a list of numbers"),
]


@pytest.mark.parametrize(("doc", "message"), BAD)
def test_errors_name_rule_path_and_problem(doc, message):
    with pytest.raises(RuleValidationError) as info:
        parse_rules_file(doc)
    assert any(message in e for e in info.value.errors), info.value.errors
    assert message in str(info.value)


def test_all_problems_are_listed_at_once():
    doc = _with(C + [0, "value"], "high")
    doc["rules"][0]["match"]["conditions"][2]["conditions"][1]["field"] = "nope"
    doc["rules"].append({"id": "upbeat-2010s", "name": "dup"})
    with pytest.raises(RuleValidationError) as info:
        parse_rules_file(doc)
    errors = info.value.errors
    assert any(e.startswith("rule 'upbeat-2010s': match.conditions[0]:") for e in errors)
    assert any("match.conditions[2].conditions[1]: unknown field 'nope'" in e for e in errors)


def test_duplicate_ids_and_file_level_errors():
    with pytest.raises(RuleValidationError, match="used more than once"):
        parse_rules_file({"version": 1, "rules": [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]})
    with pytest.raises(RuleValidationError, match="version: Input should be 1 or 2"):
        parse_rules_file({"version": 3, "rules": []})
    with pytest.raises(RuleValidationError, match="not valid JSON"):
        parse_rules_file('{"version": 1, "rules": [')
    with pytest.raises(RuleValidationError, match="must be a JSON object"):
        parse_rules_file("[1, 2]")


def test_file_path_and_missing_file(tmp_path):
    path = tmp_path / "rules.json"
    path.write_text("\ufeff" + json.dumps(EXAMPLE), encoding="utf-8")
    assert parse_rules_file(path).rules[0].name == "Upbeat 2010s"
    with pytest.raises(RuleValidationError, match="cannot read"):
        parse_rules_file(tmp_path / "missing.json")


def test_single_rule_errors_and_defaults():
    rule = parse_rule({"id": "x", "name": "X"})
    assert rule.enabled
    assert rule.dedupe == "track"
    assert [(k.field, k.direction) for k in rule.sort_keys] == [("added_at", "desc")]
    with pytest.raises(RuleValidationError, match=r"rule 'x': match.conditions\[0\]: unknown field"):
        parse_rule({"id": "x", "name": "X", "match": {"conditions": [{"field": "f", "operator": "eq", "value": 1}]}})


@pytest.mark.parametrize("field", ["x_bpm", "x_my_score_2"])
def test_custom_fields_are_accepted(field):
    rule = parse_rule({"id": "c", "name": "C", "match": {"conditions": [
        {"field": field, "operator": "between", "value": [1, 2]}, {"field": field, "operator": "contains",
                                                                   "value": "a"}]},
        "sort": [{"field": field, "direction": "desc"}]})
    assert len(rule.match.conditions) == 2
