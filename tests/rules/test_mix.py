"""Mixes: the combination against a plain re-implementation and its invariants (property), quotas, the
engine over random inline parts against the Python evaluator, per-part reasons and errors."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from lib.rules import RuleValidationError, describe_rule, evaluate_tracks, parse_rule, preview_rule, save_rule
from lib.rules.mix import combine, quotas
from tests.rules import strategies as S
from tests.rules.trackdata import write_tracks

NOW = datetime(2026, 1, 3, 9, 30)


def plain_mix(lists, wanted, mode, fill):
    """The definition, written out with lists: take in turn or in blocks, skip what is taken, then fill."""
    left = [list(x) for x in lists]
    out, given, dry = [], [0] * len(lists), [False] * len(lists)

    def pull(i):
        while left[i]:
            track = left[i].pop(0)
            if track not in out:
                out.append(track)
                return True
        dry[i] = True
        return False

    if mode == "in_blocks":
        for i in range(len(lists)):
            while given[i] < wanted[i] and pull(i):
                given[i] += 1
    else:
        while any(given[i] < wanted[i] and not dry[i] for i in range(len(lists))):
            for i in range(len(lists)):
                if given[i] < wanted[i] and not dry[i] and pull(i):
                    given[i] += 1
    missing = sum(wanted) - sum(given) if fill else 0
    while missing and not all(dry):
        for i in range(len(lists)):
            while missing and not dry[i] and pull(i):
                missing -= 1
                if mode == "in_turn":
                    break
    return out, given


ids = hs.lists(hs.sampled_from([f"t{i}" for i in range(10)]), max_size=8, unique=True)


@settings(max_examples=400, deadline=None)
@given(lists=hs.lists(ids, min_size=1, max_size=4), data=hs.data(), mode=hs.sampled_from(["in_turn", "in_blocks"]),
       fill=hs.booleans())
def test_combine_equals_the_definition(lists, data, mode, fill):
    wanted = data.draw(hs.lists(hs.integers(0, 5), min_size=len(lists), max_size=len(lists)))
    out, parts = combine(lists, wanted, mode, fill)
    expected, given = plain_mix(lists, wanted, mode, fill)
    assert out == expected
    assert [p.given for p in parts] == given
    assert len(set(out)) == len(out)                      # never a track twice
    assert all(p.given <= p.quota for p in parts)
    union = {t for x in lists for t in x}
    assert len(out) == (min(sum(wanted), len(union)) if fill else sum(given))
    assert sum(p.given + p.extra for p in parts) == len(out)


@given(shares=hs.lists(hs.floats(0.01, 0.5), min_size=1, max_size=4), total=hs.integers(1, 200))
def test_share_quotas_round_to_the_total(shares, total):
    if sum(shares) > 1:
        return
    got = quotas([None] * len(shares), shares, total)
    assert sum(got) == round(sum(s * total for s in shares))
    assert all(abs(q - s * total) < 1 + 1e-9 for q, s in zip(got, shares, strict=True))
    assert quotas([3, None], [None, 0.5], 10) == [3, 5]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=S.tracks(max_size=10), parts=hs.lists(S.rule(), min_size=1, max_size=3), seed=hs.integers(0, 3),
       counts=hs.lists(hs.integers(1, 4), min_size=3, max_size=3), mode=hs.sampled_from(["in_turn", "in_blocks"]),
       fill=hs.booleans())
def test_a_mix_of_inline_rules_equals_mixing_what_the_evaluator_gives(shared_library, rows, parts, seed, counts,
                                                                      mode, fill):
    rows = write_tracks(shared_library, rows)
    inline = [{k: v for k, v in p.items() if k not in ("id", "name")} for p in parts]
    mix = parse_rule({"id": "m", "name": "M", "seed": seed, "mix": {"mode": mode, "fill": fill, "parts": [
        {"rule": p, "tracks": c} for p, c in zip(inline, counts, strict=False)]}})
    lists = [[t["track_id"] for t in evaluate_tracks(parse_rule({"id": "p", "name": "p", **p,
                                                                 "seed": seed if p["seed"] is None else p["seed"]}),
                                                     rows, NOW)] for p in inline]
    expected, _ = plain_mix(lists, counts[:len(lists)], mode, fill)
    preview = preview_rule(shared_library, mix, NOW)
    assert list(preview.tracks["track_id"]) == expected
    assert len(preview.parts) == len(inline)


def test_per_part_counts_and_reasons(library):
    write_tracks(library, [{"track_id": f"t{i}", "artist": f"a{i}", "energy": i / 10} for i in range(10)])
    save_rule(library, {"id": "loud", "name": "Loud", "sort": [{"field": "energy", "direction": "desc"}],
                        "match": {"conditions": [{"field": "energy", "operator": "gte", "value": 0.3}]}})
    rule = parse_rule({"id": "m", "name": "Mix", "limit": {"tracks": 10}, "mix": {"parts": [
        {"rule": "loud", "share": 0.4},
        {"rule": {"match": {"conditions": [{"field": "energy", "operator": "gte", "value": 0.8}]}}, "share": 0.4},
        {"rule": {"match": {"conditions": [{"field": "energy", "operator": "lt", "value": 0.1}]}}, "share": 0.2}]}})
    preview = preview_rule(library, rule)
    reasons = [p.reason for p in preview.parts]
    assert reasons[0] == "gave 4 of 4 (+2 filling in)"
    assert reasons[1] == "gave 1 of 4: its rule has only 2 tracks; 1 of its tracks were already taken by other parts"
    assert reasons[2] == "gave 1 of 2: its rule has only 1 track"
    assert list(preview.tracks["track_id"]) == ["t9", "t8", "t0", "t7", "t6", "t5", "t4", "t3"]
    assert preview.parts[0].label == "rule 'loud'"
    assert describe_rule(rule).startswith("a mix in turn of 40% from rule 'loud', 40% from (energy ≥ 0.8)")
    no_fill = rule.model_copy(update={"mix": rule.mix.model_copy(update={"fill": False})})
    assert preview_rule(library, no_fill).count == 6
    blocks = rule.model_copy(update={"mix": rule.mix.model_copy(update={"mode": "in_blocks"})})
    preview = preview_rule(library, blocks)
    assert list(preview.tracks["track_id"]) == ["t9", "t8", "t7", "t6", "t0", "t5", "t4", "t3"]
    assert preview.parts[1].reason == ("gave 0 of 4: its rule has only 2 tracks; 2 of its tracks were already taken"
                                       " by other parts")


@pytest.mark.parametrize(("mix", "message"), [
    ({"parts": []}, "mix.parts: List should have at least 1 item"),
    ({"parts": [{"rule": "a", "tracks": 0}]}, "a part giving 0 tracks adds nothing"),
    ({"parts": [{"rule": "a"}]}, "give exactly one quota"),
    ({"parts": [{"rule": "a", "share": 0.5}]}, "needs 'limit'"),
    ({"parts": [{"rule": "Not An Id", "tracks": 2}]}, "is not a rule id"),
    ({"mode": "shuffle", "parts": [{"rule": "a", "tracks": 2}]}, "mix.mode"),
])
def test_bad_mixes_are_refused_clearly(mix, message):
    with pytest.raises(RuleValidationError) as caught:
        parse_rule({"id": "m", "name": "M", "mix": mix})
    assert any(message in e for e in caught.value.errors), caught.value.errors


def test_share_sum_and_match_on_a_mix_are_refused():
    parts = [{"rule": "a", "share": 0.7}, {"rule": "b", "share": 0.6}]
    with pytest.raises(RuleValidationError, match="add up to 1.3"):
        parse_rule({"id": "m", "name": "M", "limit": {"tracks": 10}, "mix": {"parts": parts}})
    with pytest.raises(RuleValidationError, match="leave 'match', 'sort' and 'dedupe' out"):
        parse_rule({"id": "m", "name": "M", "sort": [{"field": "energy"}], "mix": {"parts": [{"rule": "a",
                                                                                            "tracks": 1}]}})
