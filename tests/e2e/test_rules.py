"""Browser test: on the Rules page, editing a condition's number changes the live preview count."""

from __future__ import annotations

import shutil

from playwright.sync_api import expect

from lib.rules.examples import install_example_rules
from lib.store import open_library
from tests.e2e.harness import streamlit_server, wait_for_app


def test_edit_condition_updates_preview_count(page, demo_library, tmp_path):
    demo = tmp_path / "demo-rules.duckdb"
    shutil.copy(demo_library.target, demo)
    install_example_rules(open_library(str(demo)))
    env = {"AUTOPLAYLISTS_DEMO_DB": str(demo), "AUTOPLAYLISTS_DB": str(tmp_path / "mine.duckdb"),
           "SPOTIFY_TOKEN_CACHE": str(tmp_path / "token.json")}
    with streamlit_server(env, log_path=tmp_path / "streamlit.log") as url:
        page.goto(url)
        wait_for_app(page)
        page.get_by_test_id("stSidebar").get_by_text("Demo library").click()
        wait_for_app(page)
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Rules").click()
        wait_for_app(page)
        page.get_by_role("heading", name="Rules").wait_for()
        matching = page.get_by_test_id("stMetric").filter(has_text="Matching").get_by_test_id("stMetricValue")
        expect(matching).to_be_visible()
        before = matching.inner_text()
        assert int(before.replace(",", "")) > 0
        value = page.get_by_test_id("stMain").get_by_test_id("stNumberInput").locator("input").first
        assert float(value.input_value()) == 0.5     # calm-acoustic: acousticness ≥ 0.5
        value.fill("0.9")
        value.press("Enter")
        expect(matching).not_to_have_text(before)
        wait_for_app(page)
        after = int(matching.inner_text().replace(",", ""))
        assert 0 < after < int(before.replace(",", ""))
        assert page.get_by_test_id("stException").count() == 0
        page.screenshot(path=str(tmp_path / "rules.png"), full_page=True)
        shutil.copy(tmp_path / "rules.png", "/tmp/rules_page.png")
