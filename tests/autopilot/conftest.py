"""Fixtures of the autopilot tests: the fake Spotify, connected settings, a library and a client."""

from __future__ import annotations

import pytest

from tests.fakes.spotify_server import connected_settings, fake_spotify  # noqa: F401 - fixture re-export

LIKED_RULE = {"id": "liked-songs", "name": "Liked songs",
              "match": {"conditions": [{"field": "liked", "operator": "eq", "value": True}]},
              "sort": [{"field": "title", "direction": "asc"}]}


@pytest.fixture
def settings(fake_spotify, tmp_path):  # noqa: F811
    return connected_settings(fake_spotify, tmp_path)


@pytest.fixture
def client(settings):
    from lib.spotify import connect_client

    return connect_client(settings, sleep=lambda s: None)


@pytest.fixture
def lib(settings):
    from lib.store import open_library

    return open_library(settings.db)
