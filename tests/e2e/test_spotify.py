"""Browser: Connect (authorize redirect through the fake accounts service, PKCE) → pick → sync → jobs."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from lib.store import open_library
from tests.e2e.harness import free_port, sign_in, streamlit_server, wait_for_app
from tests.fakes.spotify_server import fake_spotify  # noqa: F401 - fixture


def test_connect_and_sync(page, fake_spotify, tmp_path):  # noqa: F811
    port = free_port()
    redirect = f"http://127.0.0.1:{port}/"
    fake_spotify.redirect_uris = [redirect]
    d = fake_spotify.data
    ids = d.make_tracks(160)
    d.like(ids[:120])
    d.add_playlist("Road trip", ids[100:160])
    d.add_playlist("Bob's mix", ids[:5], owner="bob")
    env = {"AUTOPLAYLISTS_DB": str(tmp_path / "library.duckdb"), "AUTOPLAYLISTS_DEMO_DB": str(tmp_path / "demo.duckdb"),
           "SPOTIFY_TOKEN_CACHE": str(tmp_path / "token.json"), "SPOTIPY_CLIENT_ID": fake_spotify.client_id,
           "SPOTIPY_CLIENT_SECRET": "", "SPOTIPY_REDIRECT_URI": redirect, "SPOTIFY_API_URL": fake_spotify.api_url,
           "SPOTIFY_ACCOUNTS_URL": fake_spotify.accounts_url}

    with streamlit_server(env, port=port, log_path=tmp_path / "streamlit.log") as base:
        page.goto(base)
        wait_for_app(page)
        page.get_by_role("link", name="Connect & sync").click()
        wait_for_app(page)
        sign_in(page)
        page.wait_for_url(re.compile(re.escape(base) + "spotify"))
        wait_for_app(page)
        expect(page.get_by_text("Connected as")).to_be_visible()
        assert "code=" not in page.url

        page.locator("[data-testid='stMultiSelect'] input").click()
        page.get_by_role("option", name=re.compile("Road trip")).click()
        page.keyboard.press("Escape")
        page.get_by_role("button", name="Sync now").click()
        expect(page.get_by_text(re.compile(r"Sync done"))).to_be_visible(timeout=60_000)
        expect(page.get_by_text("Bob's mix").first).to_be_attached()    # listed as unreadable

        page.get_by_role("link", name="Jobs").click()
        wait_for_app(page)
        expect(page.get_by_text("Status history of job")).to_be_visible()

    lib = open_library(env["AUTOPLAYLISTS_DB"])
    assert lib.query_one("SELECT count(*) FROM source_tracks WHERE source_id = 'liked'")[0] == 120
    assert lib.query_one("SELECT count(*) FROM source_tracks WHERE source_id LIKE 'playlist:%'")[0] == 60
    assert fake_spotify.count("POST", "/api/token$", api_only=False) == 1
