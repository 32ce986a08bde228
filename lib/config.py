"""Settings from environment variables and an optional secrets mapping (never from Streamlit)."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lib.errors import ConfigError
from lib.store.db import DEFAULT_MEMORY_LIMIT

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_DB = str(DATA_DIR / "library.duckdb")
DEFAULT_DEMO_DB = str(DATA_DIR / "demo.duckdb")
DEFAULT_TOKEN_CACHE = str(DATA_DIR / ".spotify_token.json")
DEFAULT_REDIRECT_URI = "http://127.0.0.1:8501/"
DEFAULT_SPOTIFY_API_URL = "https://api.spotify.com/v1/"
DEFAULT_SPOTIFY_ACCOUNTS_URL = "https://accounts.spotify.com"
DEFAULT_MUSICBRAINZ_URL = "https://musicbrainz.org/ws/2/"
DEFAULT_RECCOBEATS_URL = "https://api.reccobeats.com/v1/"
# A size as DuckDB takes and shows it: "144MB", "1.5 GiB", "134217728B" (figure, unit prefix).
SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([KMGT]i?)?B", re.IGNORECASE)


@dataclass(frozen=True)
class Settings:
    """Everything the app and CLI read from the outside world, resolved once."""

    db: str = DEFAULT_DB
    db_configured: bool = False
    demo_db: str = DEFAULT_DEMO_DB
    token_cache: str = DEFAULT_TOKEN_CACHE
    spotify_client_id: str = ""
    spotify_client_secret: str = field(default="", repr=False)
    spotify_redirect_uri: str = DEFAULT_REDIRECT_URI
    redirect_configured: bool = False          # False: the Connect page uses the address the app runs at
    spotify_api_url: str = DEFAULT_SPOTIFY_API_URL
    spotify_accounts_url: str = DEFAULT_SPOTIFY_ACCOUNTS_URL
    musicbrainz_url: str = DEFAULT_MUSICBRAINZ_URL
    musicbrainz_rate: float = 1.0
    musicbrainz_contact: str = ""
    reccobeats_url: str = DEFAULT_RECCOBEATS_URL
    http_timeout: float = 10.0
    memory_limit: str = DEFAULT_MEMORY_LIMIT   # DuckDB's memory for a library file


def _pick(env: Mapping[str, str], secrets: Mapping, env_key: str, secret_path: tuple[str, ...]):
    """Environment wins over secrets; secrets are looked up by a (section, key) path."""
    if env.get(env_key):
        return env[env_key]
    node = secrets
    for part in secret_path:
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node if node not in ("", None) else None


def secrets_file(env: Mapping[str, str] | None = None) -> Path:
    """Where the app's secrets live: $AUTOPLAYLISTS_SECRETS_FILE or .streamlit/secrets.toml."""
    env = os.environ if env is None else env
    return Path(env.get("AUTOPLAYLISTS_SECRETS_FILE") or PROJECT_ROOT / ".streamlit" / "secrets.toml")


def read_secrets_file(path: Path) -> dict:
    """The TOML secrets file as a dict; {} when it is absent."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc


def load_settings(env: Mapping[str, str] | None = None, secrets: Mapping | None = None) -> Settings:
    """Resolve settings from env vars (first) and secrets (second).

    `secrets` is a mapping such as st.secrets; when None, the secrets file is read, so the CLI
    sees the same configuration as the app.
    """
    env = os.environ if env is None else env
    if secrets is None:
        secrets = read_secrets_file(secrets_file(env))
    values: dict = {}
    spec = {
        "db": ("AUTOPLAYLISTS_DB", ("library", "db")),
        "demo_db": ("AUTOPLAYLISTS_DEMO_DB", ("library", "demo_db")),
        "token_cache": ("SPOTIFY_TOKEN_CACHE", ("spotify", "token_cache")),
        "spotify_client_id": ("SPOTIPY_CLIENT_ID", ("spotify", "client_id")),
        "spotify_client_secret": ("SPOTIPY_CLIENT_SECRET", ("spotify", "client_secret")),
        "spotify_redirect_uri": ("SPOTIPY_REDIRECT_URI", ("spotify", "redirect_uri")),
        "spotify_api_url": ("SPOTIFY_API_URL", ("spotify", "api_url")),
        "spotify_accounts_url": ("SPOTIFY_ACCOUNTS_URL", ("spotify", "accounts_url")),
        "musicbrainz_url": ("MUSICBRAINZ_URL", ("musicbrainz", "url")),
        "musicbrainz_rate": ("MUSICBRAINZ_RATE", ("musicbrainz", "rate")),
        "musicbrainz_contact": ("MUSICBRAINZ_CONTACT", ("musicbrainz", "contact")),
        "reccobeats_url": ("RECCOBEATS_URL", ("reccobeats", "url")),
        "http_timeout": ("AUTOPLAYLISTS_HTTP_TIMEOUT", ("http", "timeout")),
        "memory_limit": ("AUTOPLAYLISTS_MEMORY_LIMIT", ("library", "memory_limit")),
    }
    for name, (env_key, secret_path) in spec.items():
        value = _pick(env, secrets, env_key, secret_path)
        if value is not None:
            values[name] = value
    for name in ("musicbrainz_rate", "http_timeout"):
        if name in values:
            try:
                values[name] = float(values[name])
            except ValueError as exc:
                raise ConfigError(f"{name} must be a number, got {values[name]!r}") from exc
    if "memory_limit" in values and not SIZE.fullmatch(str(values["memory_limit"]).strip()):
        raise ConfigError(f"memory_limit must be a size such as 144MB or 1GB, got {values['memory_limit']!r}")
    values["db_configured"] = "db" in values
    values["redirect_configured"] = "spotify_redirect_uri" in values
    return Settings(**values)
