"""Browser: with no redirect URI configured, Connect follows the port the app runs on and the sign-in returns."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.harness import free_port, sign_in, streamlit_server, wait_for_app
from tests.fakes.spotify_server import fake_spotify  # noqa: F401 - fixture


def test_connect_on_another_port(page, fake_spotify, tmp_path):  # noqa: F811
    port = free_port()
    here = f"http://127.0.0.1:{port}/"
    fake_spotify.redirect_uris = [here]          # the only redirect the fake accepts: this app's own port
    fake_spotify.data.like(fake_spotify.data.make_tracks(3))
    env = {"AUTOPLAYLISTS_DB": str(tmp_path / "library.duckdb"), "AUTOPLAYLISTS_DEMO_DB": str(tmp_path / "demo.duckdb"),
           "SPOTIFY_TOKEN_CACHE": str(tmp_path / "token.json"), "SPOTIPY_CLIENT_ID": fake_spotify.client_id,
           "SPOTIPY_CLIENT_SECRET": "", "SPOTIFY_API_URL": fake_spotify.api_url,
           "SPOTIFY_ACCOUNTS_URL": fake_spotify.accounts_url, "AUTOPLAYLISTS_SECRETS_FILE": str(tmp_path / "none")}

    with streamlit_server(env, port=port, log_path=tmp_path / "streamlit.log") as base:
        page.goto(base + "spotify")
        wait_for_app(page)
        expect(page.get_by_test_id("stCaptionContainer").get_by_text(f"Open this app at {here}")).to_be_visible()
        expect(page.get_by_text("redirect " + here)).to_be_visible()
        assert "8501" not in page.locator("[data-testid='stMain']").inner_text()
        sign_in(page)
        wait_for_app(page)
        expect(page.get_by_text("Connected as")).to_be_visible()
    assert fake_spotify.count("POST", "/api/token$", api_only=False) == 1
