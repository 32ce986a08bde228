"""Sign-in round trip against the fake accounts service: state kept server-side, PKCE, disconnect."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from lib.spotify import (
    AuthorizationFailed,
    begin_authorization,
    complete_authorization,
    connect_client,
    disconnect,
    is_connected,
)


@pytest.fixture
def fresh(settings, tmp_path):
    """Settings for the fake with no token stored yet."""
    return replace(settings, token_cache=str(tmp_path / "auth" / "token.json"))


def _follow(url: str) -> dict:
    """What the browser does: open the authorize URL, read the redirect back to the app."""
    answer = requests.get(url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    return {k: v[-1] for k, v in parse_qs(urlsplit(answer.headers["Location"]).query).items()}


@pytest.mark.parametrize("pkce", [False, True])
def test_connect_round_trip(fake_spotify, fresh, pkce):
    cfg = replace(fresh, spotify_client_secret="" if pkce else fresh.spotify_client_secret)
    url = begin_authorization(cfg)
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(fake_spotify.url + "/authorize?")
    assert ("code_challenge" in query) is pkce
    assert query["redirect_uri"] == [cfg.spotify_redirect_uri]

    back = _follow(url)
    complete_authorization(cfg, back["code"], back["state"])

    assert is_connected(cfg)
    assert stat.S_IMODE(os.stat(cfg.token_cache).st_mode) == 0o600
    assert connect_client(cfg).me()["display_name"] == "Jane"


def test_state_must_match_and_is_single_use(fake_spotify, fresh):
    back = _follow(begin_authorization(fresh))

    with pytest.raises(AuthorizationFailed, match="unknown, expired or was already used"):
        complete_authorization(fresh, back["code"], "forged-state")
    complete_authorization(fresh, back["code"], back["state"])
    with pytest.raises(AuthorizationFailed):
        complete_authorization(fresh, back["code"], back["state"])      # replayed callback


def test_pkce_verifier_is_kept_server_side(fake_spotify, fresh):
    """The redirect opens a new session: the verifier must come from the 0600 pending file, not memory."""
    cfg = replace(fresh, spotify_client_secret="")
    url = begin_authorization(cfg)
    pending = fresh.token_cache + ".pending"
    assert stat.S_IMODE(os.stat(pending).st_mode) == 0o600
    back = _follow(url)
    os.remove(pending)                                          # lose the server-side store…
    with pytest.raises(AuthorizationFailed):
        complete_authorization(cfg, back["code"], back["state"])   # …and the callback cannot complete
    assert not is_connected(cfg)


def test_denied_and_wrong_secret(fake_spotify, fresh):
    fake_spotify.deny_authorization = True
    back = _follow(begin_authorization(fresh))
    assert back["error"] == "access_denied"
    with pytest.raises(AuthorizationFailed, match="access_denied"):
        complete_authorization(fresh, None, back["state"], back["error"])

    wrong = replace(fresh, spotify_client_secret="nope")
    back = _follow(begin_authorization(wrong))
    with pytest.raises(AuthorizationFailed, match="invalid_client"):
        complete_authorization(wrong, back["code"], back["state"])
    assert not is_connected(wrong)


def test_unregistered_redirect_uri_is_refused(fake_spotify, fresh):
    cfg = replace(fresh, spotify_redirect_uri="http://localhost:8501/")
    answer = requests.get(begin_authorization(cfg), allow_redirects=False, timeout=5)
    assert answer.status_code == 400
    assert "redirect" in answer.text.lower()


def test_disconnect_forgets_the_token(fake_spotify, settings):
    assert is_connected(settings)
    assert disconnect(settings) is True
    assert not os.path.exists(settings.token_cache)
    assert not is_connected(settings)
    assert disconnect(settings) is False
