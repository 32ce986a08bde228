"""Browser test: the Enrich page runs MusicBrainz against the fake and recomputes moods when a threshold changes."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from lib.store import open_library
from lib.store.catalog import EnrichmentValue
from tests.e2e.harness import streamlit_server, wait_for_app
from tests.enrich.conftest import add_tracks, add_values, isrc, spotify_id
from tests.fakes.musicbrainz_server import FakeMusicBrainz


def test_enrich_page_runs_musicbrainz_and_edits_thresholds(page, tmp_path):
    mine = open_library(str(tmp_path / "mine.duckdb"))
    add_tracks(mine, 8)
    add_values(mine, [v for i in range(8) for v in (
        EnrichmentValue(spotify_id(i), "energy", "features-file", "file", num_value=0.85),
        EnrichmentValue(spotify_id(i), "valence", "features-file", "file", num_value=0.9))])
    assert mine.query("SELECT DISTINCT mood FROM track_view") == [("energetic",)]
    with FakeMusicBrainz(rate_limit=20.0) as fake:
        for i in range(8):
            fake.add_recording(isrc(i), f"Song {i}", f"Artist {i % 3}", genres=[("bebop", 2)])
        env = {"AUTOPLAYLISTS_DB": mine.target, "AUTOPLAYLISTS_DEMO_DB": str(tmp_path / "demo.duckdb"),
               "SPOTIFY_TOKEN_CACHE": str(tmp_path / "token.json"), "MUSICBRAINZ_URL": fake.url,
               "MUSICBRAINZ_CONTACT": "e2e@example.com", "MUSICBRAINZ_RATE": "20"}
        with streamlit_server(env, log_path=tmp_path / "streamlit.log") as url:
            page.goto(url)
            wait_for_app(page)
            page.get_by_test_id("stSidebarNav").get_by_role("link", name="Enrich").click()
            wait_for_app(page)
            page.get_by_role("heading", name="Enrich").first.wait_for()
            box = page.locator(".st-key-enrich-provider-musicbrainz")
            expect(box).to_contain_text("pending 8")
            box.get_by_role("button", name="Run").click()
            success = page.get_by_test_id("stAlertContentSuccess")
            expect(success).to_contain_text(re.compile(r"MusicBrainz: 8 track\(s\), 8 with data"), timeout=30_000)
            wait_for_app(page)
            expect(box).to_contain_text("with data 8")
            assert fake.rate_limited_count == 0
            assert fake.log[0].headers["user-agent"].endswith("( e2e@example.com )")

            page.get_by_role("tab", name="Mood map").click()
            field = page.get_by_label("High-energy threshold")
            field.fill("0.95")
            page.get_by_role("button", name="Apply thresholds").click()
            wait_for_app(page)
            expect(page.get_by_text("valence ≥ 0.50 and energy ≥ 0.95")).to_be_attached()   # a grid cell
            assert page.get_by_test_id("stException").count() == 0
    assert mine.query("SELECT DISTINCT mood, genre_family FROM track_view") == [("happy", "jazz")]
