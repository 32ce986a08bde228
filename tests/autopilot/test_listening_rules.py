"""Rules over the listening fields: SQL and the Python evaluator agree (property), counts stay right as time passes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.rules import evaluate_tracks, load_tracks, ordered_track_ids, parse_rule
from lib.store import open_library
from lib.store.catalog import TrackRecord
from lib.store.listening_store import TERMS, Play, replace_top, store_plays

NOW = datetime(2026, 11, 20, 12, 0)
IDS = [f"t{i:02d}" for i in range(12)]
NUMBER_FIELDS = ("play_count", "plays_last_30_days", "top_rank_short", "top_rank_medium", "top_rank_long")


@pytest.fixture(scope="module")
def library():
    lib = open_library(":memory:")
    yield lib
    lib.close()


def _fill(library, plays: dict[str, list[float]], tops: dict[str, list[str]]) -> None:
    """Tracks t00.., their plays (days before NOW) and top lists, through the real store."""
    with library.write() as w:
        for table in ("plays", "top_tracks", "track_artists", "tracks"):
            w.cur.execute(f"DELETE FROM {table}")      # fixed table names
        w.touch_all()
    records = [TrackRecord(track_id=t, title=f"Song {t}", artists=[(None, "Someone")]) for t in IDS]
    with library.write() as w:
        store_plays(w, records, [Play(t, NOW - timedelta(days=d)) for t, days in plays.items() for d in days])
    with library.write() as w:
        from lib.store.catalog import upsert_tracks

        upsert_tracks(w.cur, records, origin="spotify")
        for term in TERMS:
            replace_top(w, term, [r for t in tops.get(term, []) for r in records if r.track_id == t], NOW)
        w.touch_all()


NUMBER_OPS = ("eq", "neq", "gt", "gte", "lt", "lte", "is_empty", "is_not_empty")


def _condition(field: str, op: str, value: int) -> dict:
    return {"field": field, "operator": op} if op.startswith("is_") else {"field": field, "operator": op,
                                                                           "value": value}


number_condition = st.builds(_condition, st.sampled_from(NUMBER_FIELDS + ("plays_last_30_days",) * 4),
                             st.sampled_from(NUMBER_OPS), st.integers(0, 3))
time_condition = st.builds(lambda op, days: {"field": "last_played_at", "operator": op, "value": days},
                           st.sampled_from(("in_last_days", "not_in_last_days")), st.integers(1, 60))
# Half days, so plays land on both sides of every whole-day window edge.
plays_strategy = st.dictionaries(st.sampled_from(IDS), st.lists(st.integers(-6, 140).map(lambda h: h / 2),
                                                                max_size=8), min_size=4, max_size=12)
tops_strategy = st.fixed_dictionaries({term: st.lists(st.sampled_from(IDS), unique=True, max_size=6)
                                       for term in TERMS})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plays=plays_strategy, tops=tops_strategy,
       conditions=st.lists(st.one_of(number_condition, time_condition), min_size=1, max_size=3),
       combine=st.sampled_from(("and", "or")), sort=st.sampled_from(NUMBER_FIELDS + ("last_played_at",)),
       direction=st.sampled_from(("asc", "desc")), shift=st.integers(-20, 20))
def test_sql_and_python_agree_on_listening_fields(library, plays, tops, conditions, combine, sort, direction, shift):
    _fill(library, plays, tops)
    rule = parse_rule({"id": "r", "name": "R", "match": {"operator": combine, "conditions": conditions},
                       "sort": [{"field": sort, "direction": direction}], "limit": {"tracks": 8}})
    at = NOW + timedelta(days=shift)          # the same library evaluated on another day
    rows = load_tracks(library)
    assert ordered_track_ids(library, rule, at) == [t["track_id"] for t in evaluate_tracks(rule, rows, at)]


def test_plays_last_30_days_is_counted_when_the_rule_runs(library):
    _fill(library, {"t00": [1, 2, 25], "t01": [29.5, 40], "t02": [30.5, 45]}, {"short_term": ["t02", "t00"]})
    rule = parse_rule({"id": "r", "name": "R", "match": {"conditions": [
        {"field": "plays_last_30_days", "operator": "gte", "value": 1}]},
        "sort": [{"field": "plays_last_30_days", "direction": "desc"}]})
    rows = load_tracks(library)
    # ten days later, without any write, the counts have moved on; SQL and Python agree at every moment
    for days, expected in ((0, ["t00", "t01"]), (10, ["t00"]), (31, []), (-0.6, ["t00", "t01", "t02"])):
        at = NOW + timedelta(days=days)
        assert ordered_track_ids(library, rule, at) == expected, days
        assert [t["track_id"] for t in evaluate_tracks(rule, rows, at)] == expected, days
    counts = {t["track_id"]: t["play_count"] for t in load_tracks(library)}
    assert counts["t00"] == 3
    assert counts["t05"] == 0
    top = parse_rule({"id": "top", "name": "Top", "match": {"conditions": [
        {"field": "top_rank_short", "operator": "is_not_empty"}]}, "sort": [{"field": "top_rank_short"}]})
    assert ordered_track_ids(library, top, NOW) == ["t02", "t00"]
