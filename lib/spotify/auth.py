"""Spotify sign-in: auth managers pointed at settings' URLs, the 0600 token cache, state/PKCE store, disconnect."""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from pathlib import Path

import requests
from spotipy.cache_handler import CacheFileHandler
from spotipy.exceptions import SpotifyOauthError
from spotipy.oauth2 import SpotifyOAuth, SpotifyPKCE

from lib.config import Settings
from lib.spotify.app_config import check_client_id, resolve_app
from lib.spotify.errors import AuthorizationFailed, NotConfigured, NotConnected, ReconnectRequired
from lib.spotify.files import write_private

CORE_SCOPES = ["playlist-modify-private", "playlist-modify-public", "playlist-read-collaborative",
               "playlist-read-private", "user-library-read"]
# Asked for at sign-in; a token granted before they were added still works for everything else.
LISTENING_SCOPES = {
    "user-read-recently-played": "reads what you played (play count, last played, plays in the last 30 days)",
    "user-top-read": "reads your top tracks of the last 4 weeks, 6 months and year (top ranks)",
}
SCOPES = sorted([*CORE_SCOPES, *LISTENING_SCOPES])
PENDING_TTL_S = 600
_SECRET_PATTERNS = [
    re.compile(r"(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+"),
    re.compile(r"(['\"]?(?:access_token|refresh_token|code|code_verifier|client_secret)['\"]?\s*[:=]\s*['\"]?)"
               r"[^'\",&\s}]+"),
]


def redact(text: str) -> str:
    """Hide bearer/basic credentials and token-like fields in a piece of text."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: f"{m.group(1)} ***" if m.lastindex else "***", text)
    return text


class _RedactTokens(logging.Filter):
    """spotipy logs request headers and bodies at DEBUG; tokens must never reach a log."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install_log_redaction() -> None:
    for name in ("spotipy", "spotipy.client", "spotipy.oauth2", "spotipy.cache_handler"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _RedactTokens) for f in logger.filters):
            logger.addFilter(_RedactTokens())
    # Without a handler anywhere, Python prints spotipy's error lines to stderr; our errors say it better.
    root = logging.getLogger("spotipy")
    if not any(isinstance(h, logging.NullHandler) for h in root.handlers):
        root.addHandler(logging.NullHandler())


class PrivateCacheFileHandler(CacheFileHandler):
    """spotipy's JSON token cache format, written atomically with mode 0600."""

    def save_token_to_cache(self, token_info):
        write_private(Path(self.cache_path), json.dumps(token_info))


class _NoInteractive:
    """spotipy would prompt on stdin or bind a port when it has no usable token; we ask for Connect instead."""

    def get_auth_response(self, *args, **kwargs):
        raise NotConnected("Spotify is not connected (or the stored sign-in lacks a permission): "
                           "open 'Connect & sync' and connect again.")

    get_authorization_code = get_auth_response
    _get_auth_response = get_auth_response


class AppOAuth(_NoInteractive, SpotifyOAuth):
    pass


class AppPKCE(_NoInteractive, SpotifyPKCE):
    pass


def uses_pkce(settings: Settings) -> bool:
    return not resolve_app(settings).spotify_client_secret


def granted_scopes(settings: Settings) -> set[str]:
    """The scopes of the stored sign-in (empty when there is none)."""
    return set(str((cached_token(settings) or {}).get("scope") or "").split())


def missing_scopes(settings: Settings) -> list[str]:
    """Listening scopes the stored sign-in lacks (connect again to grant them)."""
    granted = granted_scopes(settings)
    return [scope for scope in LISTENING_SCOPES if scope not in granted]


def make_auth_manager(settings: Settings, *, signing_in: bool = False) -> SpotifyOAuth | SpotifyPKCE:
    """An auth manager for the configured app (secret → Authorization Code, none → PKCE).

    Signing in asks for every scope. Otherwise the manager asks for what the stored token holds of
    them (spotipy discards a cached token whose scope lacks a requested one, and writes the requested
    scope back on refresh), so an older sign-in keeps working and keeps its real scope."""
    settings = resolve_app(settings)
    if not settings.spotify_client_id:
        raise NotConfigured("Spotify is not configured: enter your app's client id on 'Connect & sync', or set "
                            "SPOTIPY_CLIENT_ID (see .streamlit/secrets.toml.example).")
    check_client_id(settings.spotify_client_id)
    install_log_redaction()
    common = dict(client_id=settings.spotify_client_id, redirect_uri=settings.spotify_redirect_uri,
                  scope=SCOPES if signing_in else sorted({*CORE_SCOPES, *(granted_scopes(settings) & set(SCOPES))}),
                  cache_handler=PrivateCacheFileHandler(cache_path=settings.token_cache),
                  open_browser=False, requests_timeout=settings.http_timeout, requests_session=requests.Session())
    if uses_pkce(settings):
        manager = AppPKCE(**common)
    else:
        manager = AppOAuth(client_secret=settings.spotify_client_secret, show_dialog=False, **common)
    base = settings.spotify_accounts_url.rstrip("/")
    # The URLs are class attributes in spotipy; set them on the instance so tests/proxies can redirect.
    manager.OAUTH_AUTHORIZE_URL = f"{base}/authorize"
    manager.OAUTH_TOKEN_URL = f"{base}/api/token"
    return manager


def cached_token(settings: Settings) -> dict | None:
    try:
        return json.loads(Path(settings.token_cache).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_connected(settings: Settings) -> bool:
    """A token with a refresh token is stored (it may still turn out to be revoked)."""
    token = cached_token(settings)
    return bool(token and token.get("refresh_token"))


def oauth_failure(exc: SpotifyOauthError) -> ReconnectRequired:
    """Translate a token-endpoint error into a clear, token-free message."""
    error = getattr(exc, "error", None) or "unknown_error"
    if error == "invalid_grant":
        return ReconnectRequired("Your Spotify sign-in has expired or was revoked (refresh tokens last 6 months). "
                                 "Open 'Connect & sync' and connect again.")
    if error == "invalid_client":
        return ReconnectRequired("Spotify rejected the app's credentials (invalid_client): check the client id "
                                 "and secret, then connect again.")
    return ReconnectRequired(f"Spotify sign-in failed ({error}); connect again.")


# --- the authorization round trip (state and PKCE verifier kept server-side) ---------------------
def _pending_path(settings: Settings) -> Path:
    return Path(settings.token_cache).with_name(Path(settings.token_cache).name + ".pending")


def _load_pending(path: Path) -> dict:
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    now = time.time()
    return {k: v for k, v in entries.items() if now - v.get("created", 0) < PENDING_TTL_S}


def begin_authorization(settings: Settings) -> str:
    """Remember a fresh state (and PKCE verifier) server-side; return the URL to send the user to.

    The redirect back starts a new Streamlit session, so nothing may live in session state.
    """
    manager = make_auth_manager(settings, signing_in=True)
    state = secrets.token_urlsafe(24)
    entry = {"created": time.time()}
    if isinstance(manager, SpotifyPKCE):
        manager.get_pkce_handshake_parameters()
        entry["verifier"] = manager.code_verifier
    path = _pending_path(settings)
    pending = _load_pending(path)
    pending[state] = entry
    write_private(path, json.dumps(pending))
    return manager.get_authorize_url(state=state)


def complete_authorization(settings: Settings, code: str | None, state: str | None,
                           error: str | None = None) -> None:
    """Handle the redirect back: check `state`, exchange `code` for a token and store it (0600)."""
    path = _pending_path(settings)
    pending = _load_pending(path)
    entry = pending.pop(state or "", None)
    write_private(path, json.dumps(pending))
    if entry is None:
        raise AuthorizationFailed("This sign-in link is unknown, expired or was already used. Click Connect again.")
    if error:
        raise AuthorizationFailed(f"Spotify did not grant access ({error}). Click Connect to try again.")
    if not code:
        raise AuthorizationFailed("Spotify sent no authorization code back. Click Connect to try again.")
    manager = make_auth_manager(settings, signing_in=True)
    try:
        if isinstance(manager, SpotifyPKCE):
            if not entry.get("verifier"):
                raise AuthorizationFailed("The sign-in was started without PKCE; click Connect again.")
            manager.code_verifier = entry["verifier"]
            manager.code_challenge = manager._get_code_challenge()
            manager.get_access_token(code, check_cache=False)
        else:
            manager.get_access_token(code, as_dict=False, check_cache=False)
    except SpotifyOauthError as exc:
        raise AuthorizationFailed(f"Spotify rejected the sign-in ({getattr(exc, 'error', None) or 'error'}). "
                                  "Check the client id/secret and redirect URI, then connect again.") from None
    except requests.RequestException as exc:
        raise AuthorizationFailed(f"Could not reach Spotify's accounts service: {type(exc).__name__}.") from None


def disconnect(settings: Settings) -> bool:
    """Forget the stored sign-in (token cache and pending states); True if there was one."""
    existed = Path(settings.token_cache).exists()
    Path(settings.token_cache).unlink(missing_ok=True)
    _pending_path(settings).unlink(missing_ok=True)
    return existed
