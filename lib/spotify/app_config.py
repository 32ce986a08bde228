"""The user's Spotify app (client id, optional secret, redirect URI) entered in the UI, kept in a 0600 file.

Environment variables and .streamlit/secrets.toml win; the file only fills what they leave empty, so the
sign-in callback (a new Streamlit session) and the CLI see what was typed on the Connect page.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from lib.config import Settings
from lib.spotify.files import write_private

CLIENT_ID = re.compile(r"[0-9a-fA-F]{32}")


def app_file(settings: Settings) -> Path:
    return Path(settings.token_cache).with_name(Path(settings.token_cache).name + ".app")


def saved_app(settings: Settings) -> dict:
    try:
        data = json.loads(app_file(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def check_client_id(client_id: str) -> str:
    """The id itself if it looks like a Spotify Client ID (32 hexadecimal characters), else a clear error."""
    from lib.spotify.errors import NotConfigured

    if not client_id:
        raise NotConfigured("Enter the Client ID shown on your app's page in the Spotify developer dashboard.")
    if not CLIENT_ID.fullmatch(client_id):
        raise NotConfigured(f"{client_id[:40]!r} is not a Spotify Client ID: it is 32 characters 0-9 and a-f, as "
                            "shown under 'Client ID' on your app's page in the developer dashboard (the secret is "
                            "a different value).")
    return client_id


def save_app(settings: Settings, client_id: str, client_secret: str = "", redirect_uri: str = "") -> None:
    """Remember the app typed into the UI (the secret may be empty: PKCE; the redirect URI may be empty:
    it then follows the address the app runs at)."""
    client_id = check_client_id(client_id.strip())
    redirect_uri = redirect_uri.strip()
    if redirect_uri and not redirect_uri.startswith(("http://127.0.0.1", "http://[::1]", "https://")):
        from lib.spotify.errors import NotConfigured

        raise NotConfigured(f"Spotify accepts only https:// or loopback (http://127.0.0.1:PORT/) redirect URIs, "
                            f"not {redirect_uri!r} (localhost is refused too).")
    write_private(app_file(settings), json.dumps({"client_id": client_id, "client_secret": client_secret.strip(),
                                                  "redirect_uri": redirect_uri.strip()}))


def forget_app(settings: Settings) -> None:
    app_file(settings).unlink(missing_ok=True)


def resolve_app(settings: Settings) -> Settings:
    """Settings with the saved app filled in where env/secrets configured nothing."""
    if settings.spotify_client_id:
        return settings
    saved = saved_app(settings)
    if not saved.get("client_id"):
        return settings
    return replace(settings, spotify_client_id=saved["client_id"],
                   spotify_client_secret=saved.get("client_secret") or "",
                   spotify_redirect_uri=saved.get("redirect_uri") or settings.spotify_redirect_uri,
                   redirect_configured=settings.redirect_configured or bool(saved.get("redirect_uri")))


def follow_app_address(settings: Settings, app_url: str | None) -> Settings:
    """Settings whose redirect URI is the address the app is open at (`app_url`, e.g. from the browser),
    unless one was configured. Spotify refuses `localhost`, so it becomes 127.0.0.1 (open the app there)."""
    if settings.redirect_configured or not app_url:
        return settings
    return replace(settings, spotify_redirect_uri=redirect_for(app_url))


def redirect_for(app_url: str) -> str:
    """http://HOST:PORT/ of an app address, with localhost spelled 127.0.0.1."""
    parts = urlsplit(app_url)
    host = parts.hostname or "127.0.0.1"
    if host == "localhost":
        host = "127.0.0.1"
    host = f"[{host}]" if ":" in host else host
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme or 'http'}://{host}{port}/"


def app_source(settings: Settings) -> str:
    """Where the app's client id comes from: 'settings' (env/secrets), 'saved' (UI) or 'none'."""
    if settings.spotify_client_id:
        return "settings"
    return "saved" if saved_app(settings).get("client_id") else "none"
