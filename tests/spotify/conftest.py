"""Fixtures of the Spotify tests: the fake server, connected settings, a client that never sleeps."""

from __future__ import annotations

import pytest

from tests.fakes.spotify_server import connected_settings, fake_spotify  # noqa: F401 - fixture re-export


@pytest.fixture
def settings(fake_spotify, tmp_path):  # noqa: F811
    return connected_settings(fake_spotify, tmp_path)


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client(settings, sleeps):
    from lib.spotify import connect_client

    return connect_client(settings, sleep=sleeps.append)


@pytest.fixture
def lib(settings):
    from lib.store import open_library

    return open_library(settings.db)


def env_for(settings) -> dict[str, str]:
    """Environment variables that make the app/CLI see `settings` (a fake-connected configuration)."""
    return {"AUTOPLAYLISTS_DB": settings.db, "AUTOPLAYLISTS_DEMO_DB": settings.demo_db,
            "SPOTIFY_TOKEN_CACHE": settings.token_cache, "SPOTIPY_CLIENT_ID": settings.spotify_client_id,
            "SPOTIPY_CLIENT_SECRET": settings.spotify_client_secret,
            "SPOTIPY_REDIRECT_URI": settings.spotify_redirect_uri, "SPOTIFY_API_URL": settings.spotify_api_url,
            "SPOTIFY_ACCOUNTS_URL": settings.spotify_accounts_url, "AUTOPLAYLISTS_HTTP_TIMEOUT": "5"}


@pytest.fixture
def app_env(settings, monkeypatch):
    for key, value in env_for(settings).items():
        monkeypatch.setenv(key, value)
    return settings
