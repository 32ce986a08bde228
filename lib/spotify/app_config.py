"""The user's Spotify app (client id, optional secret, redirect URI) entered in the UI, kept in a 0600 file.

Environment variables and .streamlit/secrets.toml win; the file only fills what they leave empty, so the
sign-in callback (a new Streamlit session) and the CLI see what was typed on the Connect page.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from lib.config import Settings
from lib.spotify.files import write_private


def app_file(settings: Settings) -> Path:
    return Path(settings.token_cache).with_name(Path(settings.token_cache).name + ".app")


def saved_app(settings: Settings) -> dict:
    try:
        data = json.loads(app_file(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_app(settings: Settings, client_id: str, client_secret: str = "", redirect_uri: str = "") -> None:
    """Remember the app typed into the UI (the secret may be empty: PKCE)."""
    client_id = client_id.strip()
    if not client_id:
        from lib.spotify.errors import NotConfigured

        raise NotConfigured("Enter the Client ID shown on your app's page in the Spotify developer dashboard.")
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
                   spotify_redirect_uri=saved.get("redirect_uri") or settings.spotify_redirect_uri)


def app_source(settings: Settings) -> str:
    """Where the app's client id comes from: 'settings' (env/secrets), 'saved' (UI) or 'none'."""
    if settings.spotify_client_id:
        return "settings"
    return "saved" if saved_app(settings).get("client_id") else "none"
