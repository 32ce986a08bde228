"""separate_artists: the reorder against brute force over every order (property), and through the engine."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as hs

from lib.rules import ordered_track_ids, parse_rule, preview_rule
from lib.rules.separate import separate, too_close
from tests.rules.trackdata import write_tracks

artists = hs.lists(hs.sampled_from(["a", "b", "c", "d", None]), max_size=7)


def clashes(order: list, k: int) -> int:
    """Independent count: tracks with an earlier same-artist track at most k positions before."""
    return sum(1 for j, a in enumerate(order) for i in range(max(0, j - k), j)
               if a is not None and order[i] == a and all(order[x] != a for x in range(i + 1, j)))


@settings(max_examples=400, deadline=None)
@given(names=artists, k=hs.integers(1, 3))
def test_separation_fits_whenever_some_order_fits(names, k):
    result = separate(names, k)
    assert sorted(result.order) == list(range(len(names)))
    new = [names[i] for i in result.order]
    assert result.too_close == clashes(new, k) == too_close(new, k)
    best = min(clashes([names[i] for i in p], k) for p in itertools.permutations(range(len(names))))
    assert (result.too_close == 0) == (best == 0)
    if clashes(names, k) == 0:
        assert result.order == list(range(len(names)))
        assert result.moved == 0
    assert separate(names, k) == result     # deterministic


def test_keeps_the_sort_where_it_fits():
    # Only the second "a" must move; the rest keeps its order.
    assert separate(["a", "a", "b", "c", "d"], 1).order == [0, 2, 1, 3, 4]
    assert separate(["a", "b", "a", "c", "a"], 1).order == [0, 1, 2, 3, 4]


def test_through_the_engine_with_a_note_when_impossible(library):
    write_tracks(library, [{"track_id": f"t{i}", "artist": "AAAB"[i % 4], "energy": 1 - i / 20} for i in range(8)])
    base = {"id": "s", "name": "S", "sort": [{"field": "energy", "direction": "desc"}]}
    plain = ordered_track_ids(library, parse_rule(base))
    rule = parse_rule({**base, "separate_artists": 1})
    preview = preview_rule(library, rule)
    assert sorted(preview.tracks["track_id"]) == sorted(plain)
    assert any("cannot all be kept 1 apart" in n for n in preview.notes)
    assert ordered_track_ids(library, rule) == list(preview.tracks["track_id"])
    write_tracks(library, [{"track_id": f"t{i}", "artist": "AB"[i // 2 % 2], "energy": 1 - i / 20} for i in range(4)])
    preview = preview_rule(library, rule)
    assert list(preview.tracks["track_id"]) == ["t0", "t2", "t1", "t3"]
    assert preview.notes == ("Artists kept 1 apart: 2 track(s) moved from their sorted place.",)
