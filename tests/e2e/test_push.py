"""Browser test: preview a rule's diff, push it to the fake Spotify, see the diff go to zero."""

from __future__ import annotations

from lib.store import open_library, push_store
from tests.e2e.harness import streamlit_server, wait_for_app
from tests.fakes.spotify_server import FakeSpotify, connected_settings
from tests.push.helpers import UNSORTED_RULE, add_tracks, save
from tests.push.test_cli import settings_env


def metric(page, label: str) -> str:
    box = page.locator("[data-testid='stMetric']").filter(has_text=label)
    return box.locator("[data-testid='stMetricValue']").inner_text().strip()


def test_preview_push_and_diff_goes_to_zero(page, tmp_path):
    fake = FakeSpotify().start()
    try:
        settings = connected_settings(fake, tmp_path)
        library = open_library(settings.db)
        add_tracks(library, fake, 6)
        save(library, UNSORTED_RULE)
        env = {**settings_env(settings), "AUTOPLAYLISTS_DB": settings.db,
               "AUTOPLAYLISTS_DEMO_DB": str(tmp_path / "demo.duckdb")}
        with streamlit_server(env, log_path=tmp_path / "streamlit.log") as url:
            page.goto(url + "playlists")
            wait_for_app(page)
            page.get_by_text("will be created: 'All songs'").wait_for()
            assert metric(page, "To add") == "6"
            assert fake.writes() == []
            page.get_by_role("button", name="Push to Spotify").click()
            dialog = page.locator("[data-testid='stDialog']")
            dialog.get_by_role("button", name="Push now").click()
            page.get_by_text("Up to date: the playlist already matches the rule.").wait_for()
            wait_for_app(page)
            assert metric(page, "To add") == "0"
            assert metric(page, "Write calls") == "0"
        link = push_store.get_link(library, "all-songs")
        assert len(fake.data.playlist_uris(link.playlist_id)) == 6
    finally:
        fake.stop()
