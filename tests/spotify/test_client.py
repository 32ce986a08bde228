"""The client's fault policy against the fake over real HTTP (spotipy with its own requests.Session)."""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

import pytest

from lib.spotify import (
    NotConfigured,
    NotConnected,
    PlaylistNotReadable,
    QuotaExceeded,
    RateLimited,
    ReconnectRequired,
    SpotifyApiError,
    SpotifyUnavailable,
    connect_client,
)
from lib.spotify.errors import SpotifyError


def test_short_429_waits_retry_after_and_retries(fake_spotify, client, sleeps):
    fake_spotify.inject("rate_limit", path="/me/?$", retry_after=3)

    assert client.me()["id"] == "jane123"
    assert sleeps == [3.0]
    assert client.request_count == 2
    assert fake_spotify.count("GET", "/me/?$") == 2


def test_persistent_short_429_gives_up(fake_spotify, client):
    fake_spotify.inject("rate_limit", times=None)

    with pytest.raises(RateLimited):
        client.me()
    assert fake_spotify.count() == client.max_rate_limit_waits + 1


@pytest.mark.parametrize(("kind", "retry_after", "reason"), [("quota", 61389, "QUOTA_EXCEEDED"),
                                                             ("rate_limit", 3600, None)])
def test_quota_or_long_retry_after_stops_at_once(fake_spotify, client, sleeps, kind, retry_after, reason):
    fake_spotify.inject(kind, retry_after=retry_after)

    with pytest.raises(QuotaExceeded) as info:
        client.saved_tracks_page(0)
    assert info.value.retry_after == retry_after
    assert info.value.reason == reason
    assert info.value.until is not None
    assert sleeps == []
    assert fake_spotify.count() == 1
    assert "try again after" in str(info.value)


def test_5xx_retried_with_backoff_then_fails_clearly(fake_spotify, client, sleeps):
    fake_spotify.inject("server_error", times=None, status=503)

    with pytest.raises(SpotifyUnavailable, match="503"):
        client.saved_tracks_page(0)
    assert fake_spotify.count() == client.max_retries + 1
    assert len(sleeps) == client.max_retries
    assert sleeps == sorted(sleeps)                       # growing backoff


def test_transient_5xx_and_dropped_connection_recover(fake_spotify, client):
    fake_spotify.inject("server_error", status=500)
    fake_spotify.inject("drop", path="/me/tracks$")

    assert client.me()["id"] == "jane123"
    assert client.saved_tracks_page(0)["total"] == 0


def test_timeout_is_retried_then_unavailable(fake_spotify, settings):
    from dataclasses import replace

    slow = connect_client(replace(settings, http_timeout=0.3), sleep=lambda s: None, max_retries=1)
    fault = fake_spotify.inject("slow", times=None, delay=0.6)

    with pytest.raises(SpotifyUnavailable, match="ReadTimeout"):
        slow.me()
    assert fault.fired == 2                                    # one retry, then a clear failure


def test_writes_are_not_retried_on_5xx(fake_spotify, client):
    d = fake_spotify.data
    tid = d.make_tracks(1)[0]
    pid = d.add_playlist("Mine", [])
    fake_spotify.inject("server_error", method="POST")

    with pytest.raises(SpotifyUnavailable):
        client.call("playlist_add_items", pid, [tid], idempotent=False)
    assert fake_spotify.count("POST") == 1


def test_401_refreshes_once_and_continues(fake_spotify, client, settings):
    before = json.loads(Path(settings.token_cache).read_text())["access_token"]
    fake_spotify.expire_access_tokens()

    assert client.me()["id"] == "jane123"
    after = json.loads(Path(settings.token_cache).read_text())
    assert after["access_token"] != before
    assert after["refresh_token"]
    assert stat.S_IMODE(os.stat(settings.token_cache).st_mode) == 0o600


def test_invalid_grant_means_reconnect(fake_spotify, client):
    fake_spotify.revoke_refresh_tokens("revoked")
    fake_spotify.expire_access_tokens()

    with pytest.raises(ReconnectRequired, match="expired or was revoked"):
        client.me()


def test_expired_cached_token_with_revoked_refresh_token(fake_spotify, settings):
    token = json.loads(Path(settings.token_cache).read_text())
    token["expires_at"] = 0                                    # spotipy refreshes before the request
    Path(settings.token_cache).write_text(json.dumps(token))
    fake_spotify.revoke_refresh_tokens("expired")

    with pytest.raises(ReconnectRequired):
        connect_client(settings).me()


def test_unreadable_playlist_and_removed_endpoints(fake_spotify, client):
    d = fake_spotify.data
    ids = d.make_tracks(3)
    theirs = d.add_playlist("Bob's", ids, owner="bob")

    with pytest.raises(PlaylistNotReadable):
        client.playlist_items_page(theirs, 0)
    assert "items" not in client.sp.playlist(theirs)
    with pytest.raises(SpotifyApiError) as info:
        client.call("tracks", ids)                              # batch GET removed in 2026
    assert info.value.status == 403
    with pytest.raises(SpotifyApiError, match="Invalid limit"):
        client.saved_tracks_page(0, limit=51)


def test_not_configured_and_not_connected(settings, tmp_path):
    from dataclasses import replace

    with pytest.raises(NotConfigured):
        connect_client(replace(settings, spotify_client_id=""))
    with pytest.raises(NotConnected):
        connect_client(replace(settings, token_cache=str(tmp_path / "none.json")))
    assert issubclass(NotConnected, SpotifyError)


def test_tokens_never_logged(fake_spotify, client, settings, caplog):
    caplog.set_level(logging.DEBUG)
    fake_spotify.expire_access_tokens()
    fake_spotify.inject("server_error", status=500)

    client.me()
    client.saved_tracks_page(0)

    token = json.loads(Path(settings.token_cache).read_text())
    text = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert "Sending" in text                                    # spotipy did log its requests…
    assert token["access_token"] not in text                   # …but never a token
    assert token["refresh_token"] not in text
    assert fake_spotify.client_secret not in text


def test_pkce_single_use_refresh_tokens_are_replaced(fake_spotify, tmp_path):
    from tests.fakes.spotify_server import connected_settings

    cfg = connected_settings(fake_spotify, tmp_path / "pkce", pkce=True)
    fake_spotify.rotate_refresh_tokens = True
    client = connect_client(cfg, sleep=lambda s: None)
    first = json.loads(Path(cfg.token_cache).read_text())["refresh_token"]
    for _ in range(2):                                          # the second refresh needs the rotated token
        fake_spotify.expire_access_tokens()
        assert client.me()["id"] == "jane123"
        client._me = None
    assert json.loads(Path(cfg.token_cache).read_text())["refresh_token"] != first
