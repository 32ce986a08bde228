"""Explain, near misses and relax agree with the compiled query, for random rules over random tracks."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.errors import ValidationError
from lib.rules import compile_where, ordered_track_ids, parse_rule
from lib.rules.explain import explain_track, find_track
from lib.rules.near_miss import conditions, near_miss_tracks, near_misses, relax, without
from lib.store import open_library
from tests.rules import strategies as S
from tests.rules.trackdata import write_tracks

NOW = datetime(2026, 1, 3, 9, 30)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def library():
    lib = open_library(":memory:")
    yield lib
    lib.close()


def _matching(library, match) -> set[str]:
    where, params = compile_where(match, NOW)
    return {r[0] for r in library.query(f"SELECT track_id FROM track_view WHERE {where}", params)}


@st.composite
def capped_rule(draw) -> dict:
    """A random rule, sometimes with caps per artist and album (applied after dedupe, before the limit)."""
    data = draw(S.rule())
    for cap in ("max_per_artist", "max_per_album"):
        data[cap] = draw(st.one_of(st.none(), st.integers(1, 2)))
    return {k: v for k, v in data.items() if v is not None}


@SETTINGS
@given(rows=S.tracks(min_size=1), data=capped_rule())
def test_explain_verdict_equals_the_compiled_query(library, rows, data):
    write_tracks(library, rows)
    rule = parse_rule(data)
    playlist = ordered_track_ids(library, rule, NOW)
    matching = _matching(library, rule.match)
    for row in rows:
        got = explain_track(library, rule, row["track_id"], NOW)
        assert got.included == (row["track_id"] in playlist)
        assert (got.verdict == "no_match") == (row["track_id"] not in matching)
        if got.included:
            assert got.position == playlist.index(row["track_id"]) + 1
        if got.verdict == "no_match":
            assert got.failed
        if got.verdict == "duplicate":
            assert got.duplicate_of["track_id"] in matching
        if got.verdict in ("limit", "capped"):
            assert rule.limit is not None or got.verdict == "capped"
        assert got.verdict in ("included", "no_match", "duplicate", "capped", "limit")
        for _depth, check in got.root.walk():      # every node's result is its own compiled query's
            assert check.held == (row["track_id"] in _matching(library, check.node))


@SETTINGS
@given(rows=S.tracks(min_size=1), data=S.rule())
def test_near_misses_equal_the_rule_without_that_condition(library, rows, data):
    write_tracks(library, rows)
    rule = parse_rule(data)
    matched, misses = near_misses(library, rule, NOW)
    full = _matching(library, rule.match)
    assert matched == len(full)
    for miss in misses:
        looser = _matching(library, without(rule.match, miss.condition))
        assert miss.extra == len(looser - full)
        listed = near_miss_tracks(library, rule, miss.path, ["track_id"], now=NOW)
        assert set(listed["track_id"]) == looser - full


def _bound_rules():
    return [parse_rule({"id": "b", "name": "B", "match": {"operator": op, "conditions": [
        {"field": "energy", "operator": bound, "value": value},
        {"field": "genres", "operator": "eq", "value": "rock"}]}})
        for op in ("and", "or") for bound, value in (("gte", 0.5), ("lt", 0.7), ("between", [0.25, 0.7]))]


@SETTINGS
@given(rows=S.tracks(min_size=1))
def test_relax_counts_equal_the_rule_with_that_value(library, rows):
    write_tracks(library, rows)
    for rule in _bound_rules():
        path, cond = next(iter(conditions(rule.match)))
        for value, count in relax(library, rule, path, now=NOW):
            changed = cond.model_copy(update={"value": value})
            match = rule.match.model_copy(update={"conditions": [changed, *rule.match.conditions[1:]]})
            assert count == len(_matching(library, match))


def test_explain_names_the_deciding_step(library):
    write_tracks(library, [
        {"track_id": "a", "title": "Love", "artist": "X", "energy": 0.8, "isrc": "I1", "genres": ["rock"],
         "duration_ms": 200_000},
        {"track_id": "b", "title": "Love", "artist": "X", "energy": 0.9, "isrc": "I1", "genres": ["pop"],
         "duration_ms": 200_000},
        {"track_id": "c", "title": "Hate", "artist": "Y", "energy": 0.3, "genres": ["rock"]},
        {"track_id": "d", "title": "Zed", "artist": "Y", "energy": 0.75, "genres": ["rock"], "duration_ms": 200_000}])
    rule = parse_rule({"id": "r", "name": "R", "dedupe": "isrc", "limit": {"tracks": 1},
                       "sort": [{"field": "energy", "direction": "desc"}],
                       "match": {"conditions": [{"field": "energy", "operator": "gte", "value": 0.7}, {
                           "operator": "or", "conditions": [{"field": "genres", "operator": "eq", "value": "rock"},
                                                            {"field": "title", "operator": "contains",
                                                             "value": "lo"}]}]}})
    assert explain_track(library, rule, "b").summary() == "In the playlist at position 1."
    assert "duplicate of “Love” by X (b), which has the same ISRC" in explain_track(library, rule, "a").summary()
    assert explain_track(library, rule, "c").summary() == "Did not match: energy ≥ 0.7 failed."
    assert explain_track(library, rule, "d").summary() == "Cut by the limit: it would be track 2 of a 1-track playlist."
    lines = explain_track(library, rule, "c").lines()
    assert lines[1] == "  ✗ energy ≥ 0.7  [track: 0.3]"
    assert find_track(library, "spotify:track:d") == "d"
    assert find_track(library, "https://open.spotify.com/track/c?si=1") == "c"
    with pytest.raises(ValidationError, match="no track 'zz'"):
        find_track(library, "zz")


def test_explain_shows_the_counted_value_of_a_counted_field(library):
    """plays_last_30_days is counted from the track's play times at `now`, as the rule counts it."""
    write_tracks(library, [{"track_id": "a", "title": "Love", "artist": "X",
                            "play_times": [datetime(2026, 1, 2), datetime(2025, 12, 20), datetime(2025, 6, 1)]}])
    rule = parse_rule({"id": "r", "name": "R", "match": {"conditions": [
        {"field": "plays_last_30_days", "operator": "gte", "value": 2}]}})
    check = explain_track(library, rule, "a", now=NOW).root.children[0]
    assert (check.held, check.value) == (True, 2)
