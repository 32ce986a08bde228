"""AppTest of the Rules page additions on the demo library: caps, a 3-part mix with per-part counts, in_rule,
freezing, and a cycle refused on save."""

from __future__ import annotations

from lib.rules import get_rule, save_rule
from tests.rules import test_page
from tests.rules.test_page import _metric

app = test_page.app   # the Rules page on the demo library with the example rules


def _by_label(widgets, label: str):
    return next(w for w in widgets if w.label == label)


def test_a_cap_changes_the_count_and_is_saved(app):
    at, library = app
    at.selectbox(key="rules.picker").set_value("hip-hop-no-trap").run()
    before = _metric(at, "Tracks")
    _by_label(at.number_input, "Max per artist").set_value(1).run()
    assert not at.exception
    assert 0 < _metric(at, "Tracks") < before
    assert "at most 1 per artist" in at.info[0].value
    _by_label(at.number_input, "Keep artists apart by").set_value(2).run()
    at.button(key="rules.save").click().run()
    saved = get_rule(library, "hip-hop-no-trap").rule
    assert (saved.max_per_artist, saved.separate_artists) == (1, 2)


def test_build_a_three_part_mix_and_see_per_part_counts(app):
    at, library = app
    at.selectbox(key="rules.picker").set_value("__new__").run()
    _by_label(at.text_input, "Playlist name").set_value("Evening mix").run()
    at.segmented_control[0].set_value("mix").run()
    for _ in range(3):
        next(b for b in at.button if b.label == "+ part").click().run()
    parts = [s for s in at.selectbox if s.label.startswith("Part ")]
    for box, rule_id in zip(parts, ["calm-acoustic", "upbeat-2010s", "jazz-cafe"], strict=True):
        box.set_value(rule_id).run()
    counts = [n for n in at.number_input if n.label == "tracks"]
    for box, n in zip(counts, [5, 3, 2], strict=True):
        box.set_value(n).run()
    assert not at.exception
    assert not at.error
    table = at.table[0].value
    assert list(table.index) == ["rule 'calm-acoustic'", "rule 'upbeat-2010s'", "rule 'jazz-cafe'"]
    assert list(table["quota"]) == [5, 3, 2]
    assert _metric(at, "Tracks") == sum(table["gave"]) + sum(table["filled in"])
    assert at.info[0].value.startswith("a mix in turn of 5 from rule 'calm-acoustic'")
    at.button(key="rules.save").click().run()
    saved = get_rule(library, "evening-mix").rule
    assert [p.rule for p in saved.mix.parts] == ["calm-acoustic", "upbeat-2010s", "jazz-cafe"]
    assert [p.tracks for p in saved.mix.parts] == [5, 3, 2]


def test_freeze_saves_the_playlist_as_a_fixed_list(app):
    at, library = app
    at.selectbox(key="rules.picker").set_value("jazz-cafe").run()
    tracks = _metric(at, "Tracks")
    at.button(key="rules.freeze").click().run()
    assert not at.exception
    frozen = get_rule(library, "jazz-cafe-frozen").rule
    assert len(frozen.tracks) == tracks
    assert at.selectbox(key="rules.picker").value == "jazz-cafe-frozen"
    assert _metric(at, "Tracks") == tracks
    assert any("fixed list" in c.value for c in at.caption)


def test_in_rule_row_and_a_cycle_is_refused_on_save(app):
    at, library = app
    save_rule(library, {"id": "uses-calm", "name": "Uses calm", "match": {"conditions": [
        {"in_rule": "calm-acoustic"}]}})
    at.selectbox(key="rules.picker").set_value("calm-acoustic").run()   # a rerun lists the new rule
    at.selectbox(key="rules.picker").set_value("uses-calm").run()
    calm = _metric(at, "Tracks")
    assert calm > 0
    assert at.info[0].value == "in rule 'calm-acoustic'"
    next(s for s in at.selectbox if s.key.endswith(".ref")).set_value("not in").run()
    total = library.query_one("SELECT count(*) FROM track_view")[0]
    assert _metric(at, "Tracks") == total - calm
    assert at.info[0].value == "not in rule 'calm-acoustic'"
    at.selectbox(key="rules.picker").set_value("calm-acoustic").run()
    before = get_rule(library, "calm-acoustic").rule
    next(b for b in at.button if b.label == "+ in rule…").click().run()
    next(s for s in at.selectbox if s.key.endswith(".refid")).set_value("uses-calm").run()
    at.button(key="rules.save").click().run()
    assert any("cycle: calm-acoustic → uses-calm → calm-acoustic" in e.value for e in at.error)
    assert before == get_rule(library, "calm-acoustic").rule    # nothing was saved


def test_freezing_a_rule_whose_referenced_rule_is_gone_says_so(app):
    at, library = app
    save_rule(library, {"id": "refers", "name": "Refers", "match": {"conditions": [{"in_rule": "jazz-cafe"}]}})
    library.execute("DELETE FROM rules WHERE rule_id = 'jazz-cafe'")
    at.run()
    at.selectbox(key="rules.picker").set_value("refers").run()
    at.button(key="rules.freeze").click().run()
    assert not at.exception
    assert any("Not frozen" in e.value and "'jazz-cafe'" in e.value for e in at.error)
