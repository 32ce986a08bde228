"""Example rules on the demo library: non-empty, and SQL equals the Python path on real data."""

from __future__ import annotations

from lib.demo import REFERENCE_TIME
from lib.rules import (
    evaluate_rule,
    evaluate_tracks,
    list_rules,
    load_tracks,
    ordered_track_ids,
    preview_rule,
    preview_stats,
)
from lib.rules.examples import example_rules, install_example_rules


def test_examples_give_playlists_equal_in_sql_and_python(demo_library):
    install_example_rules(demo_library)
    assert {s.rule_id for s in list_rules(demo_library)} >= {r.id for r in example_rules().rules}
    rows = load_tracks(demo_library)
    for rule in example_rules().rules:
        ids = ordered_track_ids(demo_library, rule, REFERENCE_TIME)
        assert ids, rule.id
        assert ids == [t["track_id"] for t in evaluate_tracks(rule, rows, REFERENCE_TIME)], rule.id
        frame = evaluate_rule(demo_library, rule, REFERENCE_TIME)
        assert list(frame["track_id"]) == ids
        stats = preview_stats(demo_library, rule, REFERENCE_TIME)
        assert stats["count"] == len(ids)
        assert stats["matched"] >= len(ids)
        assert stats["duration_ms"] == sum(t["duration_ms"] or 0 for t in rows if t["track_id"] in set(ids))
        if rule.limit and rule.limit.minutes:
            assert stats["duration_ms"] <= rule.limit.minutes * 60_000
        if rule.limit and rule.limit.tracks:
            assert len(ids) <= rule.limit.tracks


def test_install_keeps_user_edits(demo_library):
    install_example_rules(demo_library)
    assert install_example_rules(demo_library) == []
    assert len(install_example_rules(demo_library, overwrite=True)) == len(example_rules().rules)


def test_preview_reports_matches_before_limit(demo_library):
    rule = example_rules().rules[0]
    preview = preview_rule(demo_library, rule, REFERENCE_TIME)
    assert preview.count == rule.limit.tracks
    assert preview.matched > preview.count
    assert preview.library_tracks > 1000
