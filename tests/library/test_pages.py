"""AppTest: the Explore and Sources & import pages render on the demo library and import an upload."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


@pytest.fixture
def app(demo_library, monkeypatch):
    monkeypatch.setenv("AUTOPLAYLISTS_DEMO_DB", demo_library.target)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["app.library_choice"] = "demo"
    return at.run()


def test_explore_renders_and_filters(app):
    app.switch_page("pages/explore.py").run()
    assert not app.exception
    assert app.metric[0].value.replace(",", "").isdigit()
    assert int(app.metric[0].value.replace(",", "")) > 2900
    before = app.dataframe[-1].value
    app.text_input(key="explore.search").set_value("zzzz-no-such-track").run()
    assert not app.exception
    assert len(app.dataframe[-1].value) == 0
    assert len(before) == 100
    assert any("0 matching tracks" in c.value for c in app.caption)
    assert len(app.get("plotly_chart")) == 0          # charts are computed only when shown
    app.text_input(key="explore.search").set_value("").run()
    tables = len(app.dataframe)
    app.segmented_control(key="explore.view").set_value("Charts").run()
    assert not app.exception
    assert len(app.get("plotly_chart")) == 6
    assert len(app.dataframe) == tables - 1           # the track table is not read meanwhile
    assert not any("random sample" in c.value for c in app.caption)   # 3,000 demo tracks: no sample


def test_explore_new_search_filter_or_sort_goes_back_to_page_one(app):
    app.switch_page("pages/explore.py").run()
    app.number_input(key="explore.page").set_value(3).run()
    assert any("page 3 of" in c.value for c in app.caption)
    app.text_input(key="explore.search").set_value("a").run()
    assert any("page 1 of" in c.value for c in app.caption)
    app.number_input(key="explore.page").set_value(2).run()
    app.multiselect(key="explore.moods").set_value([app.multiselect(key="explore.moods").options[0]]).run()
    assert any("page 1 of" in c.value for c in app.caption)
    app.number_input(key="explore.page").set_value(2).run()
    app.selectbox(key="explore.sort").set_value("title").run()
    assert app.number_input(key="explore.page").value == 1
    assert not app.exception


def test_explore_shows_every_column_and_filters_by_range(app):
    from lib.store import TRACK_VIEW_COLUMNS

    app.switch_page("pages/explore.py").run()
    everything = [c for c in TRACK_VIEW_COLUMNS if c != "track_id"]
    app.multiselect(key="explore.columns").set_value(everything).run()
    assert not app.exception
    assert list(app.dataframe[-1].value.columns) == everything
    app.multiselect(key="explore.range_fields").set_value(["energy"]).run()
    slider = app.slider(key="explore.range.energy")
    slider.set_value((0.9, slider.max)).run()
    assert not app.exception
    assert (app.dataframe[-1].value["energy"] >= 0.9).all()


def test_library_page_renders_and_imports_to_my_library(app, small_demo):
    from lib.demo.exportify import exportify_csv

    app.switch_page("pages/library.py").run()
    assert not app.exception
    assert any("your own library" in i.value for i in app.info)
    uploader = app.file_uploader(key="library.files")
    uploader.upload("Road_Trip.csv", exportify_csv(small_demo, layout="new"), "text/csv")
    app.form_submit_button[0].click().run()
    assert not app.exception
    assert any("Road Trip" in s.value for s in app.success)
    from lib.store import open_library
    from ui.state import settings

    mine = open_library(settings().db)
    assert mine.query_one("SELECT name FROM sources") == ("Road Trip",)


def test_explore_search_ignores_accents_and_saves_as_rule(app, demo_library):
    title = demo_library.query_one("SELECT title FROM track_view WHERE title <> strip_accents(title) LIMIT 1")
    app.switch_page("pages/explore.py").run()
    assert app.button(key="explore.save_rule").disabled      # no filter yet: nothing to save
    if title:    # the demo holds accented titles: the plain spelling finds them
        plain = "".join(ch for ch in title[0] if ch.isascii())
        word = max(plain.split(), key=len)
        app.text_input(key="explore.search").set_value(word.lower()).run()
        assert not app.exception
        assert title[0] in list(app.dataframe[-1].value["title"])
    app.text_input(key="explore.search").set_value("love").run()
    found = int(next(c.value for c in app.caption if "matching tracks" in c.value).split()[0].replace(",", ""))
    app.button(key="explore.save_rule").click().run()
    assert not app.exception
    # The Rules page opens with the filters as a new, unsaved rule that finds the same tracks.
    assert app.session_state["rules.editing"] is None
    assert app.session_state["rules.meta"]["name"] == "Explore: love"
    root = app.session_state["rules.root"]
    assert [c["conditions"][0]["value"] for c in root["conditions"]] == ["love"]
    assert any(f"{found:,}" in m.value.replace(" ", "") or str(found) in m.value for m in app.metric), \
        [m.value for m in app.metric]


def _accented(library) -> str:
    track_id = library.query_one("SELECT min(track_id) FROM track_view")[0]
    library.execute("UPDATE track_view SET title = 'Canción de José Núñez' WHERE track_id = ?", [track_id])
    return track_id


@pytest.mark.parametrize("typed", ["jose", "JOSÉ", "nunez", "cancion de"])
def test_explore_search_ignores_case_and_accents(demo_library, app, typed):
    _accented(demo_library)
    app.switch_page("pages/explore.py").run()
    app.text_input(key="explore.search").set_value(typed).run()
    assert not app.exception
    assert "Canción de José Núñez" in list(app.dataframe[-1].value["title"])
