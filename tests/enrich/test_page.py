"""AppTest of the Enrich page on the demo library and on a user library."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.store import open_library

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


def _frame_with(at: AppTest, column: str):
    """The first dataframe showing `column` (st.dataframe keys are not exposed to AppTest)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


@pytest.fixture
def demo_copy(_demo_template, isolated_settings):
    """The session's demo library copied where the app looks for it (saves building it per test)."""
    shutil.copy(_demo_template, isolated_settings / "demo.duckdb")
    return open_library(str(isolated_settings / "demo.duckdb"))


def _enrich_page(choice: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if choice:
        at.session_state["app.library_choice"] = choice
    at.run()
    at.switch_page("pages/enrich.py").run()
    assert not at.exception, at.exception
    return at


def test_demo_library_shows_coverage_moods_and_families(demo_copy):
    at = _enrich_page("demo")
    assert at.title[0].value == "Enrich"
    texts = " ".join(m.value for m in at.markdown)
    assert "MusicBrainz" in texts
    assert "ReccoBeats" in texts
    assert "Spotify artist genres" in texts
    coverage = _frame_with(at, "from")
    energy = coverage.set_index("field").loc["energy"]
    assert energy["coverage"] > 0.5
    assert "demo (file)" in energy["from"]
    chart = json.loads(at.get("plotly_chart")[1].proto.spec)            # the mood map
    shapes = chart["layout"]["shapes"]
    assert [s["x0"] for s in shapes][:1] == [0.5]
    assert any(w.value.startswith("ReccoBeats is a third-party") for w in at.warning)
    assert at.button(key="enrich.run.reccobeats").disabled


def test_changing_thresholds_recomputes_moods(demo_copy):
    at = _enrich_page("demo")
    demo = demo_copy
    before = dict(demo.query("SELECT mood, count(*) FROM track_view GROUP BY ALL"))
    at.number_input(key="enrich.th_high").set_value(0.95)
    at.button[[b.label for b in at.button].index("Apply thresholds")].click().run()
    assert not at.exception
    after = dict(demo.query("SELECT mood, count(*) FROM track_view GROUP BY ALL"))
    assert after["energetic"] < before["energetic"]
    assert after["happy"] > before["happy"]
    rules = _frame_with(at, "rule").set_index("mood")["rule"]
    assert rules["energetic"] == "valence ≥ 0.50 and energy ≥ 0.95"


def test_label_editor_sets_and_resets_manual_labels(demo_copy):
    at = _enrich_page("demo")
    demo = demo_copy
    at.text_input(key="enrich.label_search").set_value("a").run()
    editor_key = "enrich.labels_editor.0"
    track_id = demo.query("SELECT track_id FROM track_view WHERE title ILIKE '%a%' OR artist ILIKE '%a%'"
                          " OR album ILIKE '%a%' ORDER BY artist, title, track_id LIMIT 1")[0][0]
    at.session_state[editor_key] = {"edited_rows": {"0": {"mood": "sad", "tags": "rainy, late"}},
                                    "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="enrich.label_save").click().run()
    assert not at.exception, at.exception
    assert demo.query("SELECT mood, tags FROM track_view WHERE track_id = ?", [track_id]) == [
        ("sad", ["rainy", "late"])]
    at.checkbox(key="enrich.label_manual").check().run()
    at.session_state["enrich.labels_editor.1"] = {"edited_rows": {"0": {"select": True}}, "added_rows": [],
                                                  "deleted_rows": []}
    at.run()
    at.button(key="enrich.bulk_reset").click().run()
    assert not at.exception
    assert demo.query("SELECT count(*) FROM classifications WHERE origin = 'manual'") == [(0,)]


def test_user_library_page_and_reccobeats_opt_in(isolated_settings, fake_reccobeats, monkeypatch):
    from tests.enrich.conftest import add_tracks, spotify_id

    lib = open_library(str(isolated_settings / "library.duckdb"))
    add_tracks(lib, 3)
    fake_reccobeats.add_track(spotify_id(1), energy=0.8, valence=0.9)
    monkeypatch.setenv("RECCOBEATS_URL", fake_reccobeats.url)
    at = _enrich_page("mine")
    assert at.button(key="enrich.run.reccobeats").disabled
    at.checkbox(key="enrich.rb_opt_in").check().run()
    assert not at.button(key="enrich.run.reccobeats").disabled
    at.button(key="enrich.run.reccobeats").click().run()
    assert not at.exception, at.exception
    assert any("1 with data" in s.value for s in at.success)
    assert lib.query("SELECT mood FROM track_view WHERE track_id = ?", [spotify_id(1)]) == [("energetic",)]
    assert len(fake_reccobeats.log) == 1


@pytest.mark.parametrize("choice", ["mine"])
def test_empty_library_renders(isolated_settings, choice):
    at = _enrich_page(choice)
    assert any("No track has both energy and valence" in i.value for i in at.info)
