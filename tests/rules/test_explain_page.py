"""AppTest of the Rules page's text and JSON views, the explain panel and the near misses (demo library)."""

from __future__ import annotations

import json

import pytest

from lib.rules import get_rule, near_misses, rule_to_text
from tests.rules import test_page
from ui.rules_explain import NEAR_KEY

app, _metric = test_page.app, test_page._metric     # the Rules page on the demo library, with the example rules


def test_text_form_and_json_edit_the_same_rule(app):
    at, library = app
    rule = get_rule(library, "calm-acoustic").rule
    at.button_group(key="rules.mode").set_value("Text").run()
    text = at.text_area(key="rules.text.value")
    assert text.value == rule_to_text(rule) == "acousticness:>=0.5 energy:<0.5 -explicit:true sort:energy limit:120m"
    before = _metric(at, "Matching")
    text.set_value("acousticness:>=0.8 energy:<0.5 -explicit:true sort:energy limit:120m").run()
    assert not at.exception
    assert _metric(at, "Matching") < before
    at.button_group(key="rules.mode").set_value("Form").run()
    bound = next(n for n in at.number_input if n.key.endswith(".acousticness.gte.v"))
    assert bound.value == pytest.approx(0.8)
    bound.set_value(0.6).run()
    at.button_group(key="rules.mode").set_value("JSON").run()
    shown = json.loads(at.text_area(key="rules.text.value").value)
    assert shown["match"]["conditions"][0] == {"field": "acousticness", "operator": "gte", "value": 0.6}
    assert shown["limit"] == {"minutes": 120.0}
    at.button_group(key="rules.mode").set_value("Text").run()
    assert at.text_area(key="rules.text.value").value.startswith("acousticness:>=0.6 ")


def test_bad_text_points_at_the_problem_and_keeps_the_rule(app):
    at, _ = app
    at.button_group(key="rules.mode").set_value("Text").run()
    before = _metric(at, "Matching")
    at.text_area(key="rules.text.value").set_value("acousticness:>=0.5 enrgy:<0.5").run()
    assert any("column 20: unknown field 'enrgy'" in e.value for e in at.error)
    assert at.text_area(key="rules.text.value").value == "acousticness:>=0.5 enrgy:<0.5"   # kept for fixing
    assert _metric(at, "Matching") == before


def test_explain_a_searched_track(app):
    at, library = app
    title, track_id = library.query_one("SELECT title, track_id FROM track_view WHERE energy >= 0.9"
                                        " ORDER BY track_id LIMIT 1")
    at.text_input(key="rules.explain.search").set_value(title).run()
    assert not at.exception
    at.selectbox(key="rules.explain.pick").set_value(track_id).run()
    assert any(w.value.startswith("Did not match") and "energy < 0.5 failed" in w.value for w in at.warning)
    tree = next(df.value for df in at.dataframe if list(df.value.columns) == ["", "condition", "this track"])
    energy = tree[tree["condition"].str.contains("energy")].iloc[0]
    assert energy[""] == "❌"
    assert float(energy["this track"]) >= 0.9


def _open_near_misses(at) -> None:
    at.session_state[NEAR_KEY] = True      # as a click on the panel does
    at.run()


def test_near_misses_are_worked_out_only_while_their_panel_is_open(app):
    at, _ = app
    assert not [m for m in at.markdown if m.value.startswith("**+")]
    _open_near_misses(at)
    assert [m for m in at.markdown if m.value.startswith("**+")]


def test_near_misses_and_relax_in_one_click(app):
    at, library = app
    _open_near_misses(at)
    rule = get_rule(library, "calm-acoustic").rule
    _, misses = near_misses(library, rule)
    shown = [m.value for m in at.markdown if m.value.startswith("**+")]
    assert shown[:3] == [f"**+{m.extra:,}** tracks" for m in misses]
    relax = [b for b in at.button if b.key and b.key.startswith("rules.explain.relax.0.")]
    assert len(relax) >= 3
    target = next(b for b in relax if not b.disabled)
    value = float(target.label.split(":")[0])
    expected = int(target.label.split(": ")[1].replace(",", ""))
    target.click().run()
    assert not at.exception
    assert _metric(at, "Matching") == expected
    bound = next(n for n in at.number_input if n.key.endswith(".acousticness.gte.v"))
    assert bound.value == pytest.approx(value)


def test_near_misses_of_date_ranges_and_play_counts_show_without_an_error(app):
    """A date range has no nearby values to count; a counted field (plays in the last 30 days) has."""
    at, _ = app
    _open_near_misses(at)
    at.button_group(key="rules.mode").set_value("JSON").run()
    at.text_area(key="rules.text.value").set_value(json.dumps({"id": "dates", "name": "Dates", "match": {
        "operator": "or", "conditions": [
            {"field": "release_date", "operator": "between", "value": ["2010-01-01", "2015-12-31"]},
            {"field": "plays_last_30_days", "operator": "gte", "value": 2}]}})).run()
    assert not at.exception
    relax = {b.key.split(".")[3] for b in at.button if b.key and b.key.startswith("rules.explain.relax.")}
    assert relax == {"1"}          # the play count's nearby values; none for the date range
