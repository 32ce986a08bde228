"""Browser test: rule as text ↔ form, explain a track, near misses with relax, and box selections → conditions."""

from __future__ import annotations

import re
import shutil

from playwright.sync_api import expect

from tests.e2e.harness import demo_env, open_demo, streamlit_server, wait_for_app


def _number(locator) -> int:
    return int(locator.inner_text().replace(",", ""))


def _drag_box(page, chart, left: float, right: float, top: float = 0.15, bottom: float = 0.85) -> None:
    """Mouse down, move and up over the plot area of a Plotly chart (fractions of its drag layer)."""
    area = chart.locator(".nsewdrag").first
    area.wait_for()
    box = area.bounding_box()
    page.mouse.move(box["x"] + box["width"] * left, box["y"] + box["height"] * top)
    page.mouse.down()
    for step in range(1, 6):
        page.mouse.move(box["x"] + box["width"] * (left + (right - left) * step / 5),
                        box["y"] + box["height"] * (top + (bottom - top) * step / 5))
    page.mouse.up()


def _view(main, name: str):
    """A button of the Form / Text / JSON switch."""
    return main.get_by_test_id("stButtonGroup").filter(has_text="JSON").get_by_text(name, exact=True)


def _switch(page, main, name: str) -> None:
    """Show the rule as Form or Text, and wait until the view is there."""
    text = main.get_by_role("textbox", name="Rule as text")
    _view(main, name).click()
    wait_for_app(page)
    if name == "Text":
        expect(text).to_be_visible()
    else:
        expect(text).to_have_count(0)


def test_text_explain_near_misses_and_box_selection(page, demo_library, tmp_path):
    env = demo_env(demo_library, tmp_path, "demo-explain", rules=True)
    with streamlit_server(env, log_path=tmp_path / "streamlit.log") as url:
        open_demo(page, url, "Rules")
        main = page.get_by_test_id("stMain")
        matching = main.get_by_test_id("stMetric").filter(has_text="Matching").get_by_test_id("stMetricValue")
        expect(matching).to_be_visible()
        start = _number(matching)

        # Text ↔ form: the same rule in both views.
        _switch(page, main, "Text")
        text = main.get_by_role("textbox", name="Rule as text")
        expect(text).to_have_value(re.compile(r"^acousticness:>=0\.5 energy:<0\.5 "))
        text.fill("acousticness:>=0.8 energy:<0.5 -explicit:true sort:energy limit:120m")
        text.press("Control+Enter")
        expect(matching).not_to_have_text(f"{start:,}")
        wait_for_app(page)
        narrowed = _number(matching)
        assert 0 < narrowed < start
        _switch(page, main, "Form")
        bound = main.get_by_test_id("stNumberInput").locator("input").first
        expect(bound).to_have_value("0.80")

        # Explain the track picked in the preview table: its first row is position 1.
        table = main.get_by_test_id("stDataFrame").first
        table.scroll_into_view_if_needed()
        grid = table.bounding_box()
        page.mouse.click(grid["x"] + 18, grid["y"] + 35 + 17)     # the first row's selection box
        expect(main.get_by_text("In the playlist at position 1.")).to_be_visible()

        # Explain a track found by search (the panel is open since a row is picked).
        search = main.get_by_placeholder(re.compile("title, artist or album"))
        search.fill("a")
        search.press("Enter")
        wait_for_app(page)
        verdict = main.get_by_test_id("stAlert").filter(has_text=re.compile(
            r"^(Did not match|In the playlist|Cut by the limit|Dropped as a duplicate)"))
        expect(verdict.first).to_be_visible()

        # Near misses: +N per condition, and a relax button sets the bound to its value.
        main.get_by_text("Near misses: what each condition keeps out").click()
        expect(main.get_by_text(re.compile(r"^\+\d[\d,]* tracks$")).first).to_be_visible()
        relax = main.get_by_role("button", name=re.compile(r"^0\.7: \d")).first
        wanted = int(relax.inner_text().split(": ")[1].replace(",", ""))
        relax.click()
        expect(matching).to_have_text(f"{wanted:,}")
        wait_for_app(page)
        expect(bound).to_have_value("0.70")

        # A box over the distribution's bars becomes a between condition.
        chart = main.get_by_test_id("stPlotlyChart").last
        chart.scroll_into_view_if_needed()
        before = _number(matching)
        _drag_box(page, chart, 0.2, 0.6)
        add = main.get_by_role("button", name="Add as conditions")
        expect(add).to_be_visible()
        selection = main.get_by_text(re.compile(r"^Selection: ")).inner_text()
        assert re.search(r"acousticness:[\d.]+\.\.[\d.]+", selection), selection
        add.click()
        expect(add).to_have_count(0)        # the chart starts unselected again
        wait_for_app(page)
        _switch(page, main, "Text")
        expect(main.get_by_role("textbox", name="Rule as text")).to_have_value(
            re.compile(r"acousticness:[\d.]+\.\.[\d.]+"))
        assert _number(matching) <= before

        # On Explore, a box on the scatter opens a new rule with between on both axes.
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Explore").click()
        wait_for_app(page)
        main.get_by_test_id("stButtonGroup").get_by_text("Charts", exact=True).click()
        wait_for_app(page)
        scatter = main.get_by_test_id("stPlotlyChart").filter(has_text="energy × valence")
        scatter.scroll_into_view_if_needed()
        _drag_box(page, scatter, 0.3, 0.7, 0.3, 0.7)
        main.get_by_role("button", name="Add as conditions to a new rule").click()
        wait_for_app(page)
        page.get_by_role("heading", name="Rules").wait_for()
        expect(main.get_by_role("textbox", name="Playlist name")).to_have_value("From Explore")
        _switch(page, main, "Text")
        expect(main.get_by_role("textbox", name="Rule as text")).to_have_value(
            re.compile(r"^energy:[\d.]+\.\.[\d.]+ valence:[\d.]+\.\.[\d.]+"))
        assert _number(matching) > 0
        assert page.get_by_test_id("stException").count() == 0
        page.screenshot(path=str(tmp_path / "explain.png"), full_page=True)
        shutil.copy(tmp_path / "explain.png", "/tmp/explain_page.png")
