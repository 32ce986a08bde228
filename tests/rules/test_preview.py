"""The live preview computed in SQL: figures and distributions agree with the playlist itself; slow ones stop."""

from __future__ import annotations

from contextlib import contextmanager

import duckdb
import pytest

from lib.demo import REFERENCE_TIME
from lib.rules import (
    PreviewTooSlow,
    compile_rule,
    distribution,
    engine,
    load_tracks,
    ordered_track_ids,
    parse_rule,
    preview_rule,
)
from lib.rules.examples import example_rules
from lib.store import data_version

BROAD = {"id": "broad", "name": "Broad",
         "match": {"conditions": [{"field": "energy", "operator": "gte", "value": 0.2}]}}


def _rules():
    return [parse_rule(BROAD), *example_rules().rules]


def test_figures_match_the_playlist_and_only_the_shown_rows_are_read(demo_library):
    rows = {t["track_id"]: t for t in load_tracks(demo_library)}
    for rule in _rules():
        ids = ordered_track_ids(demo_library, rule, REFERENCE_TIME)
        preview = preview_rule(demo_library, rule, REFERENCE_TIME, rows=50)
        assert preview.count == len(ids), rule.id
        assert preview.duration_ms == sum(rows[i]["duration_ms"] or 0 for i in ids), rule.id
        assert preview.matched >= preview.count
        assert preview.library_tracks == len(rows)
        assert list(preview.tracks["track_id"]) == ids[:50], rule.id


def test_distributions_count_matches_or_the_playlist_against_the_library(demo_library):
    rule = parse_rule({**BROAD, "limit": {"tracks": 40}, "sort": [{"field": "added_at", "direction": "desc"}]})
    preview = preview_rule(demo_library, rule, REFERENCE_TIME)
    energies = [t["energy"] for t in load_tracks(demo_library) if t["energy"] is not None]
    matched = distribution(demo_library, rule, "energy", "matched", REFERENCE_TIME)
    assert matched["library"].sum() == len(energies)
    assert matched["selected"].sum() == preview.matched          # every match, not just the limited playlist
    assert (matched["selected"] <= matched["library"]).all()
    assert matched["x"].min() > min(energies)
    assert matched["x"].max() < max(energies)
    playlist = distribution(demo_library, rule, "energy", "playlist", REFERENCE_TIME)
    assert playlist["selected"].sum() == preview.count == 40
    genres = distribution(demo_library, rule, "genres", "matched", REFERENCE_TIME)
    assert len(genres) == 15
    assert list(genres["selected"]) == sorted(genres["selected"], reverse=True)


def test_a_distribution_leaves_infinite_values_out_of_its_bins(demo_library):
    demo_library.execute("UPDATE track_view SET tempo = 'inf'::DOUBLE WHERE track_id IN"
                         " (SELECT track_id FROM track_view WHERE tempo IS NOT NULL LIMIT 3)")
    frame = distribution(demo_library, parse_rule(BROAD), "tempo")
    assert frame["hi"].max() < 1000
    assert frame["library"].sum() == demo_library.query_one(
        "SELECT count(*) FROM track_view WHERE isfinite(tempo)")[0]


def test_a_preview_that_takes_too_long_is_stopped_with_a_clear_message(demo_library):
    slow = parse_rule({"id": "slow", "name": "Slow", "dedupe": "title_artist", "match": {"operator": "or",
                       "conditions": [{"field": "title", "operator": "not_matches", "value": f"(a+)+b{i}|x.*y.*z{i}"}
                                      for i in range(90)]}})
    with pytest.raises(PreviewTooSlow, match="took longer than 0.01 s and was stopped"):
        preview_rule(demo_library, slow, REFERENCE_TIME, seconds=0.01)
    assert preview_rule(demo_library, parse_rule(BROAD), REFERENCE_TIME).count > 0   # the library is fine after


class _Late:
    """A cursor whose every statement is interrupted, as the time limit does once the preview is late;
    it keeps the statements it was given."""

    def __init__(self, cur, given: list):
        self.cur, self.given = cur, given

    def execute(self, sql, *args, **kwargs):
        self.given.append(sql)
        raise duckdb.InterruptException("interrupted")

    def __getattr__(self, name):
        return getattr(self.cur, name)


def test_a_rule_evaluated_step_by_step_is_stopped_by_the_same_time_limit(demo_library, monkeypatch):
    real, given = engine._time_limited, []

    @contextmanager
    def late(library, seconds):
        with real(library, seconds) as cur:
            yield _Late(cur, given)

    monkeypatch.setattr(engine, "_time_limited", late)
    stepwise = parse_rule({**BROAD, "separate_artists": True})       # a mix, a fixed list or a reference alike
    assert not stepwise.is_plain
    evaluation, _ = compile_rule(stepwise, REFERENCE_TIME, ["track_id", "artist"])   # the run's first step
    with pytest.raises(PreviewTooSlow):
        preview_rule(demo_library, stepwise, REFERENCE_TIME)
    with pytest.raises(PreviewTooSlow):
        distribution(demo_library, stepwise, "energy")
    assert given == [evaluation, evaluation]      # the evaluation itself ran under the limit, both times


def test_the_data_version_moves_with_every_write_and_not_with_reads(demo_library):
    before = data_version(demo_library)
    preview_rule(demo_library, parse_rule(BROAD))
    assert data_version(demo_library) == before
    demo_library.execute("UPDATE track_view SET energy = 0.5 WHERE track_id = (SELECT min(track_id) FROM track_view)")
    assert data_version(demo_library) > before
