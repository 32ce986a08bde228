"""Rules stored in the library: upsert and versions, delete, duplicate, enable, import atomicity, export."""

from __future__ import annotations

import json

import pytest

from lib.rules import (
    RuleNotFoundError,
    RuleValidationError,
    delete_rule,
    duplicate_rule,
    export_rules,
    get_rule,
    import_rules,
    list_rules,
    parse_rule,
    parse_rules_file,
    save_rule,
    set_rule_enabled,
)


def rule(rid="r1", name="Rule one", **extra):
    return parse_rule({"id": rid, "name": name, "match": {"conditions": [
        {"field": "energy", "operator": "gte", "value": 0.5}]}, **extra})


def test_save_twice_updates_and_bumps_version_only_on_change(library):
    assert save_rule(library, rule()) == 1
    assert save_rule(library, rule()) == 1
    assert save_rule(library, rule(name="Renamed")) == 2
    assert save_rule(library, rule(name="Renamed", enabled=False)) == 2   # enabling is not a new definition
    stored = get_rule(library, "r1")
    assert stored.version == 2
    assert stored.name == "Renamed"
    assert not stored.enabled
    assert stored.rule == rule(name="Renamed", enabled=False)
    assert [s.rule_id for s in list_rules(library)] == ["r1"]


def test_save_accepts_dicts_and_rejects_invalid(library):
    assert save_rule(library, {"id": "d", "name": "D"}) == 1
    with pytest.raises(RuleValidationError, match="unknown field"):
        save_rule(library, {"id": "e", "name": "E", "match": {"conditions": [
            {"field": "zzz", "operator": "eq", "value": 1}]}})
    assert [s.rule_id for s in list_rules(library)] == ["d"]


def test_delete_enable_and_missing(library):
    save_rule(library, rule())
    set_rule_enabled(library, "r1", False)
    assert not get_rule(library, "r1").enabled
    assert get_rule(library, "r1").version == 1
    assert delete_rule(library, "r1")
    assert not delete_rule(library, "r1")
    with pytest.raises(RuleNotFoundError):
        get_rule(library, "r1")
    with pytest.raises(RuleNotFoundError):
        set_rule_enabled(library, "r1", True)


def test_duplicate_gets_free_id_and_starts_disabled(library):
    save_rule(library, rule())
    first = duplicate_rule(library, "r1")
    second = duplicate_rule(library, "r1")
    assert (first.rule_id, second.rule_id) == ("r1-copy", "r1-copy-2")
    assert first.name == "Rule one (copy)"
    assert not first.enabled
    assert first.rule.match == rule().match
    named = duplicate_rule(library, "r1", new_id="mine")
    assert named.rule.id == "mine"
    with pytest.raises(Exception, match="already exists"):
        duplicate_rule(library, "r1", new_id="mine")


def test_import_and_export_round_trip(library, tmp_path):
    doc = {"version": 1, "rules": [rule("a", "A").definition(), rule("b", "B", sort=[{"field": "random"}],
                                                                       seed=7).definition()]}
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = import_rules(library, path)
    assert (result.created, result.updated, result.unchanged) == (["a", "b"], [], [])
    again = import_rules(library, path)
    assert again.unchanged == ["a", "b"]
    exported = export_rules(library)
    assert parse_rules_file(exported) == parse_rules_file(doc)
    doc["rules"][0]["name"] = "A2"
    changed = import_rules(library, json.dumps(doc))
    assert changed.updated == ["a"]
    assert get_rule(library, "a").version == 2


def test_import_with_replace_deletes_missing(library):
    save_rule(library, rule("old", "Old"))
    result = import_rules(library, {"version": 1, "rules": [rule("new", "New").definition()]}, replace=True)
    assert result.deleted == ["old"]
    assert [s.rule_id for s in list_rules(library)] == ["new"]


def test_import_with_an_invalid_rule_changes_nothing(library):
    save_rule(library, rule("keep", "Keep"))
    before = export_rules(library)
    bad = {"version": 1, "rules": [rule("keep", "Changed").definition(), rule("fresh", "Fresh").definition(),
                                   {"id": "broken", "name": "Broken", "match": {"conditions": [
                                       {"field": "energy", "operator": "contains", "value": 1}]}}]}
    with pytest.raises(RuleValidationError, match=r"rule 'broken': match.conditions\[0\]"):
        import_rules(library, bad, replace=True)
    assert export_rules(library) == before
    assert get_rule(library, "keep").version == 1


def test_import_failing_midway_in_the_database_rolls_back(library, monkeypatch):
    import lib.rules.repo as repo

    save_rule(library, rule("keep", "Keep"))
    before = export_rules(library)
    real = repo._upsert
    calls = []

    def flaky(cur, r):
        calls.append(r.id)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(cur, r)

    monkeypatch.setattr(repo, "_upsert", flaky)
    doc = {"version": 1, "rules": [rule("keep", "Changed").definition(), rule("x", "X").definition()]}
    with pytest.raises(RuntimeError):
        import_rules(library, doc)
    monkeypatch.undo()
    assert export_rules(library) == before


def test_stored_rule_that_no_longer_validates_is_listed_with_its_error(library):
    save_rule(library, rule())
    library.execute("UPDATE rules SET definition = ? WHERE rule_id = 'r1'",
                    [json.dumps({"id": "r1", "name": "Rule one", "match": {"conditions": [
                        {"field": "gone", "operator": "eq", "value": 1}]}})])
    stored = list_rules(library)[0]
    assert stored.rule is None
    assert "unknown field 'gone'" in stored.errors[0]
    assert "r1" not in export_rules(library)
