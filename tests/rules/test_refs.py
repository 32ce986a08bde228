"""in_rule / not_in_rule against the Python evaluator on the filtered library (property), cycles, freeze."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from lib.cli import main
from lib.rules import (
    RuleValidationError,
    describe_rule,
    evaluate_tracks,
    freeze_rule,
    get_rule,
    import_rules,
    ordered_track_ids,
    parse_rule,
    preview_rule,
    save_rule,
)
from tests.rules import strategies as S
from tests.rules.trackdata import write_tracks

NOW = datetime(2026, 1, 3, 9, 30)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=S.tracks(), inner=S.rule(), outer=S.rule(), negated=hs.booleans())
def test_in_rule_equals_evaluating_on_the_other_rules_tracks(shared_library, rows, inner, outer, negated):
    rows = write_tracks(shared_library, rows)
    inner_rule = parse_rule({**inner, "id": "inner"})
    ref = {"not_in_rule" if negated else "in_rule": "inner"}
    rule = parse_rule({**outer, "match": {"operator": "and", "conditions": [ref, outer["match"]]}})
    chosen = {t["track_id"] for t in evaluate_tracks(inner_rule, rows, NOW)}
    pool = [t for t in rows if (t["track_id"] in chosen) != negated]
    expected = [t["track_id"] for t in evaluate_tracks(parse_rule(outer), pool, NOW)]
    assert ordered_track_ids(shared_library, rule, NOW, rules={"inner": inner_rule}) == expected


def _rule(rule_id: str, *conditions) -> dict:
    return {"id": rule_id, "name": rule_id.upper(), "match": {"operator": "or", "conditions": list(conditions)}}


def test_cycles_are_refused_with_their_path(library):
    save_rule(library, _rule("a", {"in_rule": "b"}))
    save_rule(library, _rule("b", {"in_rule": "c"}))
    with pytest.raises(RuleValidationError, match="cycle: c → a → b → c"):
        save_rule(library, {"id": "c", "name": "C", "mix": {"parts": [{"rule": "a", "tracks": 3}]}})
    with pytest.raises(RuleValidationError, match="cycle: d → d"):
        save_rule(library, _rule("d", {"not_in_rule": "d"}))
    doc = {"version": 2, "rules": [_rule("c", {"in_rule": "a"})]}
    with pytest.raises(RuleValidationError, match="cycle"):
        import_rules(library, doc)
    assert import_rules(library, doc, replace=True).created == ["c"]    # a and b go: no cycle left


def test_a_missing_reference_is_a_clear_error_and_words_describe_references(library):
    rule = parse_rule(_rule("x", {"in_rule": "gone"}, {"not_in_rule": "other"}))
    with pytest.raises(RuleValidationError, match="rule 'x' refers to rule 'gone', which does not exist"):
        preview_rule(library, rule)
    assert describe_rule(rule) == "in rule 'gone' or not in rule 'other'"


def test_version_1_files_read_and_version_2_is_needed_for_additions(library):
    plain = {"version": 1, "rules": [{"id": "p", "name": "P"}]}
    assert import_rules(library, plain).created == ["p"]
    with pytest.raises(RuleValidationError, match='new in version 2 of the rules format: set "version": 2'):
        import_rules(library, {"version": 1, "rules": [{"id": "q", "name": "Q", "max_per_artist": 2}]})
    from lib.rules import export_rules

    assert json.loads(export_rules(library))["version"] == 1
    save_rule(library, {"id": "q", "name": "Q", "max_per_artist": 2})
    assert json.loads(export_rules(library))["version"] == 2


def test_freeze_keeps_the_playlist_and_reads_back(library, capsys):
    write_tracks(library, [{"track_id": f"t{i}", "artist": "AB"[i % 2], "energy": i / 10} for i in range(6)])
    save_rule(library, {"id": "mixy", "name": "Mixy", "seed": 4, "mix": {"parts": [
        {"rule": {"sort": [{"field": "random"}]}, "tracks": 3},
        {"rule": {"match": {"conditions": [{"field": "energy", "operator": "gte", "value": 0.3}]}}, "tracks": 2}]}})
    before = ordered_track_ids(library, get_rule(library, "mixy").rule)
    frozen = freeze_rule(library, "mixy")
    assert frozen.id == "mixy-frozen"
    assert frozen.tracks == before
    assert ordered_track_ids(library, get_rule(library, "mixy-frozen").rule) == before
    assert describe_rule(frozen) == "a fixed list of 5 tracks"
    assert main(["rules", "freeze", "--db", library.target, "--rule", "mixy"]) == 0
    assert "as mixy-frozen-2" in capsys.readouterr().out
    write_tracks(library, [{"track_id": t} for t in before[1:]])
    preview = preview_rule(library, get_rule(library, "mixy-frozen").rule)
    assert list(preview.tracks["track_id"]) == before[1:]
    assert preview.notes == ("1 of the 5 fixed tracks are no longer in the library",)
