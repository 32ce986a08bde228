"""Spotify: sign-in (auth), the fault-tolerant client and the incremental, resumable sync."""

from lib.spotify.app_config import app_source, check_client_id, follow_app_address, forget_app, resolve_app, save_app
from lib.spotify.auth import (
    LISTENING_SCOPES,
    SCOPES,
    begin_authorization,
    complete_authorization,
    disconnect,
    is_connected,
    make_auth_manager,
    missing_scopes,
    uses_pkce,
)
from lib.spotify.client import PAGE_LIMIT, WRITE_LIMIT, SpotifyClient, connect_client
from lib.spotify.errors import (
    AuthorizationFailed,
    NotConfigured,
    NotConnected,
    PlaylistNotReadable,
    QuotaExceeded,
    RateLimited,
    ReconnectRequired,
    SpotifyApiError,
    SpotifyError,
    SpotifyUnavailable,
)
from lib.spotify.listening import ListeningResult, read_listening
from lib.spotify.listing import list_playlists
from lib.spotify.progress import SourceResult, SyncProgress, SyncSummary
from lib.spotify.sync import sync_library

__all__ = [
    "LISTENING_SCOPES", "ListeningResult", "check_client_id", "follow_app_address", "missing_scopes",
    "read_listening", "SourceResult", "SyncProgress", "SyncSummary", "app_source", "forget_app", "list_playlists",
    "resolve_app", "save_app", "sync_library",
    "PAGE_LIMIT", "SCOPES", "WRITE_LIMIT", "AuthorizationFailed", "NotConfigured", "NotConnected",
    "PlaylistNotReadable", "QuotaExceeded", "RateLimited", "ReconnectRequired", "SpotifyApiError", "SpotifyClient",
    "SpotifyError", "SpotifyUnavailable", "begin_authorization", "complete_authorization", "connect_client",
    "disconnect", "is_connected", "make_auth_manager", "uses_pkce",
]
