"""Fixtures of the push tests: the fake Spotify and a client connected to it."""

from __future__ import annotations

import pytest

from tests.fakes.spotify_server import connected_settings, fake_spotify  # noqa: F401


@pytest.fixture
def client(fake_spotify, tmp_path):  # noqa: F811
    from lib.spotify import connect_client

    return connect_client(connected_settings(fake_spotify, tmp_path), sleep=lambda s: None)
