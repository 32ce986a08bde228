"""A deep link opened first after a restart still runs inside the app frame and shows its page."""

from __future__ import annotations

from tests.e2e.harness import streamlit_server, wait_for_app


def test_deep_link_on_a_fresh_server_goes_through_the_app(page, tmp_path):
    env = {"AUTOPLAYLISTS_DB": str(tmp_path / "library.duckdb"),
           "AUTOPLAYLISTS_DEMO_DB": str(tmp_path / "demo.duckdb"),
           "AUTOPLAYLISTS_SECRETS_FILE": str(tmp_path / "none.toml")}
    with streamlit_server(env, log_path=tmp_path / "streamlit.log") as url:
        page.goto(url + "rules")
        wait_for_app(page)
        page.get_by_role("heading", name="Rules", exact=True).wait_for()
        # Our navigation (page titles) and the app frame's library switch, not Streamlit's file-name fallback.
        page.locator("[data-testid='stSidebarNav']").get_by_text("Sources & import").wait_for()
        page.locator("[data-testid='stSidebar']").get_by_text("Demo library", exact=True).first.wait_for()
        wait_for_app(page)
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.url.endswith("/rules")
