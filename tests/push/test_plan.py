"""The pure planner: tables of cases and hypothesis properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.push.moves import RangeMove, apply_move, longest_increasing_subsequence, plan_moves
from lib.push.plan import PlaylistItem, expected_write_calls, plan_push
from tests.push.sim import simulate


def t(i) -> str:
    return f"spotify:track:{i}"


def items(*ids) -> list[PlaylistItem]:
    return [PlaylistItem(t(i)) for i in ids]


LOCAL = PlaylistItem("spotify:local:A::B:180", is_local=True)
EPISODE = PlaylistItem("spotify:episode:e1")
NULL = PlaylistItem(None)


@pytest.mark.parametrize(("current", "desired", "is_sorted", "added", "removed", "calls", "after"), [
    ([], [1, 2, 3], False, [1, 2, 3], [], 1, [1, 2, 3]),
    ([1, 2, 3], [1, 2, 3], False, [], [], 0, [1, 2, 3]),
    ([1, 2, 3], [3, 2, 1], False, [], [], 0, [1, 2, 3]),          # unsorted: order left alone
    ([1, 2, 3], [3, 2, 1], True, [], [], 2, [3, 2, 1]),
    ([1, 2, 3], [2, 3, 4], False, [4], [1], 2, [2, 3, 4]),
    ([1, 2, 3], [4, 1, 2, 3], True, [4], [], 1, [4, 1, 2, 3]),    # insert at the top, no move
    ([1, 2, 3], [1, 5, 2, 3], True, [5], [], 1, [1, 5, 2, 3]),
    ([1, 1, 2], [1, 2], False, [1], [1], 2, [2, 1]),               # duplicate collapsed
    ([1, 2], [], False, [], [1, 2], 1, []),
])
def test_plan_table(current, desired, is_sorted, added, removed, calls, after):
    plan = plan_push(items(*current), [t(i) for i in desired], is_sorted)
    assert list(plan.added) == [t(i) for i in added]
    assert list(plan.removed) == [t(i) for i in removed]
    assert plan.write_calls == calls
    assert list(plan.after) == [t(i) for i in after]
    assert simulate(plan.before, plan.ops) == list(plan.after)


def test_batches_of_at_most_100():
    plan = plan_push(items(*range(350)), [t(i) for i in range(250, 550)], False)
    assert [(op.kind, len(op.uris)) for op in plan.ops] == [
        ("remove", 100), ("remove", 100), ("remove", 50), ("add", 100), ("add", 100)]
    assert plan.write_calls == expected_write_calls(200, 250) == 5


def test_local_files_episodes_and_unavailable_items_are_never_touched():
    current = [LOCAL, *items(1, 2), EPISODE, NULL, *items(3)]
    plan = plan_push(current, [t(3), t(4)], False)
    assert set(plan.removed) == {t(1), t(2)}
    assert list(plan.after) == [LOCAL.uri, EPISODE.uri, None, t(3), t(4)]
    sorted_plan = plan_push(current, [t(4), t(3)], True)
    assert list(sorted_plan.after) == [t(4), t(3), LOCAL.uri, EPISODE.uri, None]
    assert simulate(sorted_plan.before, sorted_plan.ops) == list(sorted_plan.after)


def test_merge_keeps_outside_additions_and_removes_only_our_tracks():
    current = items(1, 2, 9, 9)          # 9 was added by hand, twice
    plan = plan_push(current, [t(2), t(3)], False, merge=True, owned_uris=[t(1), t(2)])
    assert plan.removed == (t(1),)
    assert plan.added == (t(3),)
    assert list(plan.after) == [t(2), t(9), t(9), t(3)]
    assert plan.kept_outside == (t(9), t(9))


def test_merge_without_history_only_adds():
    plan = plan_push(items(7, 8), [t(1)], True, merge=True)
    assert plan.removed == ()
    assert list(plan.after) == [t(1), t(7), t(8)]


def test_cap_at_10000_items_with_a_warning():
    plan = plan_push([LOCAL], [t(i) for i in range(10_050)], False)
    assert len(plan.desired) == 9_999
    assert len(plan.after) == 10_000
    assert any("10000" in w for w in plan.warnings)


def test_non_track_uris_in_the_rule_result_are_skipped():
    plan = plan_push([], [t(1), "spotify:episode:x"], False)
    assert plan.added == (t(1),)
    assert plan.warnings


def test_range_move_semantics_match_spotify_examples():
    ten = list(range(10))
    apply_move(ten, RangeMove(0, 1, 10))
    assert ten == [1, 2, 3, 4, 5, 6, 7, 8, 9, 0]
    apply_move(ten, RangeMove(9, 1, 0))
    assert ten == list(range(10))


def test_a_block_that_travels_together_is_one_move():
    current = ["c", "d", "e", "a", "b"]
    assert len(plan_moves(current, ["a", "b", "c", "d", "e"])) == 1


def test_lis():
    assert len(longest_increasing_subsequence([3, 1, 2, 5, 4, 6])) == 4
    assert longest_increasing_subsequence([]) == set()


# --- properties ------------------------------------------------------------------------------
track_ids = st.integers(min_value=0, max_value=40)


@settings(max_examples=300, deadline=None)
@given(current=st.lists(track_ids, max_size=40, unique=True), desired=st.lists(track_ids, max_size=40, unique=True),
       is_sorted=st.booleans())
def test_applying_the_plan_yields_the_rule(current, desired, is_sorted):
    plan = plan_push(items(*current), [t(i) for i in desired], is_sorted)
    result = simulate(plan.before, plan.ops)
    assert result == list(plan.after)
    if is_sorted:
        assert result == [t(i) for i in desired]
    else:
        assert sorted(result) == sorted(t(i) for i in desired)
        stayed = [t(i) for i in current if i in set(desired)]
        assert result[:len(stayed)] == stayed                      # order of what stays is untouched
    adds, removes = len(plan.added), len(plan.removed)
    assert adds == len(set(desired) - set(current))
    assert removes == len(set(current) - set(desired))
    assert plan.write_calls == expected_write_calls(adds, removes, plan.moves)
    assert plan.write_calls == math.ceil(adds / 100) + math.ceil(removes / 100) + plan.moves
    if not is_sorted:
        assert plan.moves == 0
    # Tracks that stay are never removed nor re-added (they keep their date added).
    touched = {u for op in plan.ops for u in op.uris}
    assert not touched & {t(i) for i in set(current) & set(desired)}


@settings(max_examples=100, deadline=None)
@given(current=st.lists(track_ids, max_size=40, unique=True), is_sorted=st.booleans())
def test_no_change_means_no_calls(current, is_sorted):
    plan = plan_push(items(*current), [t(i) for i in current], is_sorted)
    assert plan.is_noop
    assert plan.write_calls == 0


@settings(max_examples=200, deadline=None)
@given(current=st.lists(st.sampled_from([*(t(i) for i in range(15)), LOCAL.uri, EPISODE.uri, None]), max_size=30),
       desired=st.lists(st.integers(0, 15), max_size=15, unique=True), is_sorted=st.booleans(), merge=st.booleans(),
       owned=st.sets(st.integers(0, 15)))
def test_messy_playlists(current, desired, is_sorted, merge, owned):
    entries = [LOCAL if u == LOCAL.uri else PlaylistItem(u) for u in current]
    plan = plan_push(entries, [t(i) for i in desired], is_sorted, merge=merge, owned_uris=[t(i) for i in owned])
    result = simulate(plan.before, plan.ops)
    assert result == list(plan.after)
    # untouchable items survive, in their order
    keep = [u for u in current if u is None or not u.startswith("spotify:track:")]
    assert [u for u in result if u is None or not u.startswith("spotify:track:")] == keep
    tracks = [u for u in result if u and u.startswith("spotify:track:")]
    if not merge:
        assert sorted(tracks) == sorted(t(i) for i in desired)
    assert set(tracks) >= {t(i) for i in desired}
    if is_sorted:
        assert tracks[:len(desired)] == [t(i) for i in desired]
    assert plan.write_calls == expected_write_calls(len(plan.added), len(plan.removed), plan.moves)
