"""AppTest of the Rules page on the demo library: render, edit a value, save, duplicate, delete."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from lib.rules import get_rule, list_rules
from lib.rules.examples import install_example_rules
from lib.store import open_library


def _metric(at, label: str) -> int:
    return int(next(m for m in at.metric if m.label == label).value.replace(",", ""))


@pytest.fixture
def app(demo_library, monkeypatch, tmp_path):
    install_example_rules(demo_library)
    monkeypatch.setenv("AUTOPLAYLISTS_DEMO_DB", demo_library.target)
    at = AppTest.from_file("../../streamlit_app.py", default_timeout=60)
    at.session_state["app.library_choice"] = "demo"
    at.run()
    at.switch_page("pages/rules.py").run()
    assert not at.exception
    return at, demo_library


def test_page_renders_first_rule_with_preview(app):
    at, _ = app
    assert at.title[0].value == "Rules"
    assert at.selectbox(key="rules.picker").value == "calm-acoustic"
    assert _metric(at, "Tracks") > 0
    assert at.get("plotly_chart")
    assert not at.error


def test_editing_a_number_changes_the_count(app):
    at, _ = app
    at.selectbox(key="rules.picker").set_value("upbeat-2010s").run()
    before = _metric(at, "Matching")
    energy = next(n for n in at.number_input if n.key.endswith(".energy.gte.v"))
    assert energy.value == pytest.approx(0.7)
    energy.set_value(0.9).run()
    assert not at.exception
    after = _metric(at, "Matching")
    assert 0 < after < before


def test_invalid_value_shows_error_and_save_is_disabled(app):
    at, _ = app
    at.selectbox(key="rules.picker").set_value("hip-hop-no-trap").run()
    regex = next(t for t in at.text_input if t.key.endswith(".genres.matches.v"))
    regex.set_value("(unclosed").run()
    assert any("invalid regular expression" in e.value for e in at.error)
    assert at.button(key="rules.save").disabled


def test_save_bumps_version_duplicate_and_delete(app):
    at, library = app
    at.selectbox(key="rules.picker").set_value("upbeat-2010s").run()
    energy = next(n for n in at.number_input if n.key.endswith(".energy.gte.v"))
    energy.set_value(0.8).run()
    at.button(key="rules.save").click().run()
    assert not at.exception
    stored = get_rule(library, "upbeat-2010s")
    assert stored.version == 2
    assert stored.rule.match.conditions[0].value == pytest.approx(0.8)
    at.button(key="rules.duplicate").click().run()
    assert get_rule(library, "upbeat-2010s-copy").enabled is False
    assert at.selectbox(key="rules.picker").value == "upbeat-2010s-copy"
    at.button(key="rules.delete").click().run()
    at.button(key="rules.delete_yes").click().run()
    assert "upbeat-2010s-copy" not in {s.rule_id for s in list_rules(library)}


def _fields_shown(at) -> list:
    return [s for s in at.selectbox if s.key and s.key.endswith(".field")]


def test_add_condition_and_group_start_with_a_condition_that_matches(app):
    at, library = app
    at.selectbox(key="rules.picker").set_value("calm-acoustic").run()
    count = len(_fields_shown(at))
    [b for b in at.button if b.key and b.key.endswith(".addc")][0].click().run()
    assert len(_fields_shown(at)) == count + 1
    assert _fields_shown(at)[-1].value == "energy"
    added = next(n for n in at.number_input if n.key.endswith(".energy.gte.v"))
    share = library.query_one("SELECT avg(CAST(energy >= ? AS INT)) FROM track_view WHERE energy IS NOT NULL",
                              [added.value])[0]
    assert 0.3 < share < 0.7                # the library's median, not an extreme
    [b for b in at.button if b.key and b.key.endswith(".addg")][0].click().run()
    assert len(_fields_shown(at)) == count + 2    # the new group holds one condition
    assert not any("Empty group" in c.value for c in at.caption)
    assert not at.exception


def test_empty_library_offers_examples(monkeypatch, tmp_path):
    empty = open_library(str(tmp_path / "empty.duckdb"))
    monkeypatch.setenv("AUTOPLAYLISTS_DB", empty.target)
    at = AppTest.from_file("../../streamlit_app.py", default_timeout=60)
    at.session_state["app.library_choice"] = "mine"
    at.run()
    at.switch_page("pages/rules.py").run()
    assert not at.exception
    at.button(key="rules.examples").click().run()
    assert not at.exception
    assert len(list_rules(empty)) >= 5


def test_import_shows_errors_and_changes_nothing_then_imports(app):
    at, library = app
    before = {s.rule_id: s.version for s in list_rules(library)}
    bad = b'{"version": 1, "rules": [{"id": "new-one", "name": "N", "match": {"conditions": [' \
          b'{"field": "energy", "operator": "contains", "value": "x"}]}}]}'
    at.file_uploader(key="rules.upload").set_value(("rules.json", bad, "application/json")).run()
    at.button(key="rules.import").click().run()
    assert any("rule 'new-one': match.conditions[0]: operator 'contains'" in e.value for e in at.error)
    assert {s.rule_id: s.version for s in list_rules(library)} == before
    good = b'{"version": 1, "rules": [{"id": "new-one", "name": "New one"}]}'
    at.file_uploader(key="rules.upload").set_value(("rules.json", good, "application/json")).run()
    at.button(key="rules.import").click().run()
    assert not at.exception
    assert any("1 created" in s.value for s in at.success)
    assert "new-one" in {s.rule_id for s in list_rules(library)}


def test_deleting_a_pushed_rule_names_its_playlist_and_points_to_push(app):
    from lib.store.push_store import get_link, save_link

    at, library = app
    save_link(library, "upbeat-2010s", "3cEYpjA9oz9GiPac4AsH4n", "Upbeat 2010s", created_by_app=True)
    at.selectbox(key="rules.picker").set_value("upbeat-2010s").run()
    at.button(key="rules.delete").click().run()
    assert any("“Upbeat 2010s” stays on Spotify" in w.value for w in at.warning)
    at.button(key="rules.delete_yes").click().run()
    assert not at.exception
    assert "upbeat-2010s" not in {s.rule_id for s in list_rules(library)}
    assert get_link(library, "upbeat-2010s") is not None  # the Push page decides: unfollow or leave it
    assert any("Open **Push**" in m.value for m in [*at.success, *at.info, *at.markdown, *at.toast])


def _new_rule(at, name: str):
    at.selectbox(key="rules.picker").set_value("__new__").run()
    at.text_input(key=_key(at, ".name")).set_value(name).run()
    return at


def _key(at, suffix: str) -> str:
    return f"rules.g{at.session_state['rules.gen']}{suffix}"


def test_a_new_rules_id_follows_its_name_until_edited(app):
    at, library = app
    _new_rule(at, "Evening Jazz")
    assert at.text_input(key=_key(at, ".id")).value == "evening-jazz"
    at.button(key="rules.save").click().run()
    assert not at.exception
    assert get_rule(library, "evening-jazz").name == "Evening Jazz"
    _new_rule(at, "Evening Jazz")               # the same name again: the id moves on, the save works
    assert at.text_input(key=_key(at, ".id")).value == "evening-jazz-2"
    at.button(key="rules.save").click().run()
    assert get_rule(library, "evening-jazz-2").version == 1
    _new_rule(at, "Morning")
    at.text_input(key=_key(at, ".id")).set_value("wake-up").run()
    at.text_input(key=_key(at, ".name")).set_value("Morning coffee").run()
    assert at.text_input(key=_key(at, ".id")).value == "wake-up"     # edited by hand: it stays


def test_a_name_of_only_spaces_is_refused(app):
    at, _ = app
    _new_rule(at, "   ")
    assert any("give the playlist a name" in e.value for e in at.error)
    assert at.button(key="rules.save").disabled


def test_whole_number_fields_stay_whole_and_sliders_step_to_fit(app):
    at, library = app
    _new_rule(at, "Years")
    field = next(s for s in at.selectbox if s.key and s.key.endswith(".field"))
    uid = field.key.split(".")[1]
    field.set_value("release_year").run()
    at.selectbox(key=f"rules.{uid}.release_year.op").set_value("between").run()
    years = at.slider(key=f"rules.{uid}.release_year.between.v")
    assert years.step == 1
    assert isinstance(years.value[0], int)
    years.set_value((2010, 2015)).run()
    at.button(key="rules.save").click().run()
    value = get_rule(library, "years").rule.match.conditions[0].value
    assert value == [2010, 2015]
    assert all(type(v) is int for v in value)
    field = next(s for s in at.selectbox if s.key and s.key.endswith(".field"))
    uid = field.key.split(".")[1]
    field.set_value("tempo").run()
    at.selectbox(key=f"rules.{uid}.tempo.op").set_value("between").run()
    assert at.slider(key=f"rules.{uid}.tempo.between.v").step == 1
    at.selectbox(key=f"rules.{uid}.field").set_value("valence").run()
    at.selectbox(key=f"rules.{uid}.valence.op").set_value("between").run()
    assert at.slider(key=f"rules.{uid}.valence.between.v").step == pytest.approx(0.01)


def test_an_infinite_value_in_the_library_leaves_the_widgets_usable(app):
    at, library = app
    library.execute("UPDATE track_view SET tempo = 'inf'::DOUBLE, popularity = -1e300"
                    " WHERE track_id = (SELECT min(track_id) FROM track_view)")
    at.session_state["rules.gen"] = at.session_state["rules.gen"]   # a fresh run with the new data version
    _new_rule(at, "Fast")
    field = next(s for s in at.selectbox if s.key and s.key.endswith(".field"))
    uid = field.key.split(".")[1]
    field.set_value("tempo").run()
    at.selectbox(key=f"rules.{uid}.tempo.op").set_value("between").run()
    assert not at.exception
    slider = at.slider(key=f"rules.{uid}.tempo.between.v")
    assert slider.max < 1000                               # the finite range, not infinity
    at.selectbox(key=f"rules.{uid}.field").set_value("popularity").run()
    at.selectbox(key=f"rules.{uid}.popularity.op").set_value("between").run()
    assert not at.exception
    at.switch_page("pages/explore.py").run()
    at.multiselect(key="explore.range_fields").set_value(["tempo", "popularity"]).run()
    assert not at.exception
    assert at.slider(key="explore.range.tempo").max < 1000


@pytest.mark.parametrize(("body", "says"), [
    (b'{"version": 1, "rules": [{"id": "deep", "name": "Deep", "match": ' + b'{"conditions": [' * 600
     + b']}' * 600 + b'}]}', "Nothing was imported"),
    (b'{"version": 1, "rules": [{"id": "big", "name": "Big", "match": {"conditions": [{"field": "tempo", '
     b'"operator": "gte", "value": 1' + b'0' * 400 + b'}]}}]}', "Nothing was imported"),
    (b'/etc/passwd', "is not a rules file"),
])
def test_a_bad_rules_file_shows_one_clear_message(app, body, says):
    at, library = app
    before = {s.rule_id: s.version for s in list_rules(library)}
    at.file_uploader(key="rules.upload").set_value(("rules.json", body, "application/json")).run()
    at.button(key="rules.import").click().run()
    assert not at.exception
    assert any(says in e.value for e in at.error)
    assert {s.rule_id: s.version for s in list_rules(library)} == before


def test_a_library_held_by_another_program_shows_a_message_and_a_retry(app, tmp_path):
    import subprocess
    import sys

    from ui.state import _open_demo

    at, library = app
    _open_demo(library.target).busy_timeout = 0.3
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]);"
                               " print('held', flush=True); time.sleep(60)", library.target], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        at.run()
        assert not at.exception
        assert any("in use by another program" in e.value and "PID" not in e.value for e in at.error)
    finally:
        holder.kill()
        holder.wait()
    retry = next(b for b in at.button if b.key and b.key.endswith(".retry"))
    retry.click().run()
    assert not at.exception
    assert not at.error
    assert _metric(at, "Tracks") > 0


def test_a_preview_that_takes_too_long_says_so_and_the_page_stays(app, monkeypatch):
    import lib.rules.engine as engine
    from lib.rules import import_rules

    at, library = app
    conditions = [{"field": "title", "operator": "not_matches", "value": f"(a+)+b{i}|x.*y.*z{i}"} for i in range(90)]
    import_rules(library, {"version": 1, "rules": [{"id": "slow", "name": "Slow", "dedupe": "title_artist",
                                                    "match": {"operator": "or", "conditions": conditions}}]})
    monkeypatch.setattr(engine, "PREVIEW_SECONDS", 0.01)
    at.run()
    at.selectbox(key="rules.picker").set_value("slow").run()
    assert not at.exception
    assert any("took longer than 0.01 s and was stopped" in e.value for e in at.error)
    assert not at.button(key="rules.save").disabled          # the rule itself is fine; only its preview was cut
