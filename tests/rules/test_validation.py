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
    (_with(["match", "operator"], "xor"), "match.operator: 'xor' is not one of and, or"),
    (_with(["sort"], [{"field": "genres"}]), "sort[0].field: cannot sort by list field 'genres'"),
    (_with(["limit"], {"tracks": 10, "minutes": 5}), "limit: give exactly one of 'tracks' or 'minutes'"),
    (_with(["limit"], {"tracks": 0}), "limit.tracks: Input should be greater than or equal to 1"),
    (_with(["dedupe"], "album"), "dedupe: 'album' is not one of track, isrc, title_artist"),
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
    with pytest.raises(RuleValidationError, match="version: 3 is not one of 1, 2"):
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


def _deep(levels: int) -> str:
    inner = '{"field": "energy", "operator": "gt", "value": 0.5}'
    match = '{"operator": "and", "conditions": [' * levels + inner + "]}" * levels
    return '{"version": 1, "rules": [{"id": "deep", "name": "Deep", "match": ' + match + "}]}"


@pytest.mark.parametrize("levels", [12, 30, 500, 5000])
def test_deep_rules_are_refused_without_recursion(levels):
    for source in (_deep(levels), json.loads(_deep(levels)) if levels < 300 else None):
        if source is None:
            continue
        with pytest.raises(RuleValidationError) as info:
            parse_rules_file(source)
        assert "nest at most 10 levels deep" in info.value.errors[0]


def test_deep_dicts_name_the_path():
    node = {"field": "energy", "operator": "gt", "value": 0.5}
    for _ in range(500):
        node = {"operator": "and", "conditions": [node]}
    with pytest.raises(RuleValidationError) as info:
        parse_rule({"id": "d", "name": "D", "match": node})
    assert info.value.errors == ["rule 'd': match" + ".conditions[0]" * 11 + ": groups nest at most 10 levels deep"]


def test_too_many_conditions_name_the_group():
    many = [{"field": "title", "operator": "contains", "value": str(i)} for i in range(60)]
    doc = {"id": "m", "name": "M", "match": {"conditions": [{"operator": "or", "conditions": many},
                                                           {"operator": "or", "conditions": many}]}}
    with pytest.raises(RuleValidationError) as info:
        parse_rule(doc)
    assert info.value.errors == ["rule 'm': match.conditions[1]: a rule holds at most 100 conditions and groups in all"]


def _one(cond) -> dict:
    return {"id": "v", "name": "V", "match": {"conditions": [cond]}}


@pytest.mark.parametrize(("cond", "message"), [
    ({"field": "title", "operator": "matches", "value": "a|" * 600},
     "regular expressions hold at most 1000 characters"),
    ({"field": "energy", "operator": "gt", "value": 10 ** 400}, "value must be a number (finite, at most 2^53"),
    ({"field": "added_at", "operator": "after", "value": "9999-12-31"}, "dates in rules lie in the years 1–9998"),
    ({"field": "added_at", "operator": "between", "value": ["0000-01-01", "2020-01-01"]}, "is not an ISO date"),
])
def test_values_beyond_the_limits(cond, message):
    with pytest.raises(RuleValidationError) as info:
        parse_rule(_one(cond))
    assert message in info.value.errors[0]


def test_integer_beyond_float_range_in_a_file():
    text = json.dumps(_one({"field": "energy", "operator": "gt", "value": 1})).replace(": 1}", ": 1" + "0" * 400 + "}")
    with pytest.raises(RuleValidationError) as info:
        parse_rules_file(json.dumps({"version": 1, "rules": [json.loads(text)]}))
    assert "finite" in info.value.errors[0]
    with pytest.raises(RuleValidationError) as info:
        parse_rules_file('{"version": 1, "rules": [{"id": "a", "name": "A", "seed": 1' + "0" * 5000 + "}]}")
    assert "cannot be read" in info.value.errors[0]
    assert "Traceback" not in info.value.errors[0]


def test_invalid_choices_name_what_was_given():
    with pytest.raises(RuleValidationError) as info:
        parse_rule({"id": "x", "name": "X", "match": {"operator": "xor"}})
    assert info.value.errors == ["rule 'x': match.operator: 'xor' is not one of and, or"]
    with pytest.raises(RuleValidationError) as info:
        parse_rule({"id": "x", "name": "X", "dedupe": "album"})
    assert info.value.errors == ["rule 'x': dedupe: 'album' is not one of track, isrc, title_artist"]


def test_the_widest_date_windows_evaluate(library):
    from lib.rules import ordered_track_ids
    from tests.rules.trackdata import write_tracks

    write_tracks(library, [{"track_id": "a", "added_at": "0001-01-01 00:00:00"},
                           {"track_id": "b", "added_at": "9998-12-31 23:59:59"}])
    for cond, now, expected in [
        ({"field": "added_at", "operator": "in_last_days", "value": 365000}, "0500-01-01", ["a"]),
        ({"field": "added_at", "operator": "after", "value": "9998-12-31"}, None, []),
        ({"field": "added_at", "operator": "before", "value": "0001-01-01"}, None, []),
        ({"field": "added_at", "operator": "between", "value": ["0001-01-01", "9998-12-31"]}, None, ["a", "b"]),
        ({"field": "added_at", "operator": "not_in_last_days", "value": 1}, "9999-12-31T23:59:59.999999", ["a", "b"]),
    ]:
        rule = parse_rule({**_one(cond), "sort": [{"field": "track_id"}]})
        assert ordered_track_ids(library, rule, now) == expected, cond
