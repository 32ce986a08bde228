"""SpotifyClient: spotipy on its own requests.Session with our fault policy (429, quota, 5xx, 401, invalid_grant)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import requests
import spotipy
from spotipy.exceptions import SpotifyException, SpotifyOauthError

from lib.clock import stored_now
from lib.config import Settings
from lib.spotify.auth import cached_token, make_auth_manager, oauth_failure
from lib.spotify.errors import (
    NotConnected,
    PlaylistNotReadable,
    QuotaExceeded,
    RateLimited,
    SpotifyApiError,
    SpotifyUnavailable,
)

PAGE_LIMIT = 50          # /me/tracks, /me/playlists, /playlists/{id}/items
WRITE_LIMIT = 100        # uris per playlist write


def _retry_after(exc: SpotifyException) -> float:
    headers = exc.headers or {}
    try:
        return max(0.0, float(headers.get("Retry-After", 1)))
    except (TypeError, ValueError):
        return 1.0


class SpotifyClient:
    """One signed-in user's connection. Every Web API request goes through `call()`.

    Policy: a short 429 (Retry-After ≤ `max_short_wait`) is waited out and retried; 429
    QUOTA_EXCEEDED or a long Retry-After raises `QuotaExceeded` at once; 5xx, timeouts and
    dropped connections are retried with backoff `max_retries` times (never for writes, which
    might have been applied) and then raise `SpotifyUnavailable`; a 401 refreshes the token once;
    `invalid_grant` raises `ReconnectRequired`.
    """

    def __init__(self, sp: spotipy.Spotify, auth_manager, *, max_short_wait: float = 10.0, max_retries: int = 3,
                 max_rate_limit_waits: int = 5, backoff: float = 0.5, sleep: Callable[[float], None] = time.sleep):
        self.sp = sp
        self.auth_manager = auth_manager
        self.max_short_wait = max_short_wait
        self.max_retries = max_retries
        self.max_rate_limit_waits = max_rate_limit_waits
        self.backoff = backoff
        self.sleep = sleep
        self.request_count = 0
        self._me: dict | None = None

    # --- the policy -------------------------------------------------------------------------
    def call(self, fn: str | Callable, *args, idempotent: bool = True, **kwargs) -> Any:
        """Run one spotipy method (by name) or callable under the fault policy."""
        func = getattr(self.sp, fn) if isinstance(fn, str) else fn
        failures = rate_waits = 0
        refreshed = False
        while True:
            self.request_count += 1
            try:
                return func(*args, **kwargs)
            except SpotifyOauthError as exc:
                raise oauth_failure(exc) from None
            except SpotifyException as exc:
                status = exc.http_status
                if status == 429:
                    wait = _retry_after(exc)
                    if exc.reason == "QUOTA_EXCEEDED" or wait > self.max_short_wait:
                        until = stored_now() + timedelta(seconds=wait)
                        raise QuotaExceeded(wait, until, exc.reason if isinstance(exc.reason, str) else None) \
                            from None
                    rate_waits += 1
                    if rate_waits > self.max_rate_limit_waits:
                        raise RateLimited(f"Spotify kept rate-limiting after {rate_waits - 1} waits; "
                                          "try again in a minute.") from None
                    self.sleep(wait)
                    continue
                if status == 401 and not refreshed:
                    refreshed = True
                    self.refresh_token()
                    continue
                if status >= 500 and idempotent and failures < self.max_retries:
                    failures += 1
                    self._backoff(failures)
                    continue
                if status >= 500:
                    raise SpotifyUnavailable(f"Spotify answered {status} {self._short(exc)} "
                                             f"(after {failures + 1} attempt(s)); try again later.") from None
                if status == 403 and "registered" in self._short(exc):
                    raise SpotifyApiError("Spotify refused this account: add it under User Management of your "
                                          "app in the developer dashboard (Development Mode allows 5 users).",
                                          status) from None
                raise SpotifyApiError(f"Spotify refused the request ({status}): {self._short(exc)}", status) \
                    from None
            except requests.RequestException as exc:
                if idempotent and failures < self.max_retries:
                    failures += 1
                    self._backoff(failures)
                    continue
                raise SpotifyUnavailable(f"Could not reach Spotify ({type(exc).__name__}) after {failures + 1} "
                                         "attempt(s); check the connection and try again.") from None

    def _backoff(self, failures: int) -> None:
        self.sleep(self.backoff * (2 ** (failures - 1)) * (1 + random.random() / 4))

    @staticmethod
    def _short(exc: SpotifyException) -> str:
        text = str(exc.msg or "").split("\n")[-1].strip()
        return text[:200]

    def refresh_token(self) -> None:
        """Force a refresh (the server said 401 though our cache thought the token was fresh)."""
        token = cached_token_from(self.auth_manager)
        if not token or not token.get("refresh_token"):
            raise NotConnected("Spotify is not connected: open 'Connect & sync' and connect.")
        try:
            self.auth_manager.refresh_access_token(token["refresh_token"])
        except SpotifyOauthError as exc:
            raise oauth_failure(exc) from None

    # --- reads used by sync, enrichment and push ---------------------------------------------
    def me(self) -> dict:
        if self._me is None:
            self._me = self.call("me")
        return self._me

    def saved_tracks_page(self, offset: int, limit: int = PAGE_LIMIT) -> dict:
        return self.call("current_user_saved_tracks", limit=limit, offset=offset)

    def playlists_page(self, offset: int, limit: int = PAGE_LIMIT) -> dict:
        # Explicit offsets, not `next`: historically that link pointed at a removed endpoint.
        return self.call("current_user_playlists", limit=limit, offset=offset)

    def playlist_meta(self, playlist_id: str) -> dict:
        """Metadata only (snapshot_id, owner, totals) — cheap, one request."""
        return self.call("playlist", playlist_id,
                         fields="id,name,description,owner(id,display_name),collaborative,public,snapshot_id,uri")

    def playlist_items_page(self, playlist_id: str, offset: int, limit: int = PAGE_LIMIT) -> dict:
        try:
            return self.call("playlist_items", playlist_id, limit=limit, offset=offset,
                             additional_types=("track", "episode"))
        except SpotifyApiError as exc:
            if exc.status == 403:
                raise PlaylistNotReadable(f"Playlist {playlist_id} cannot be read: Development Mode apps only "
                                          "read playlists you own or collaborate on.", 403) from None
            raise

    def artist(self, artist_id: str) -> dict:
        return self.call("artist", artist_id)

    def track(self, track_id: str) -> dict:
        return self.call("track", track_id)

    def granted(self, scope: str) -> bool:
        """Whether the stored sign-in holds `scope` (asking without it gets a 403)."""
        token = cached_token_from(self.auth_manager) or {}
        return scope in str(token.get("scope") or "").split()

    def recently_played(self, *, after_ms: int | None = None, before_ms: int | None = None) -> dict:
        """A cursor page of plays, newest first (scope user-read-recently-played)."""
        return self.call("current_user_recently_played", limit=PAGE_LIMIT, after=after_ms, before=before_ms)

    def top_tracks(self, term: str) -> dict:
        """The first page (50) of the user's top tracks for a time range (scope user-top-read)."""
        return self.call("current_user_top_tracks", limit=PAGE_LIMIT, offset=0, time_range=term)

    def unfollow_playlist(self, playlist_id: str) -> None:
        """Delete (unfollow) a playlist: spotipy's helper still calls the removed /followers endpoint."""
        self.call(lambda: self.sp._delete("me/library", uris=f"spotify:playlist:{playlist_id}"))


def cached_token_from(auth_manager) -> dict | None:
    return auth_manager.cache_handler.get_cached_token()


def connect_client(settings: Settings, **policy) -> SpotifyClient:
    """A client for the stored sign-in; raises NotConfigured / NotConnected when there is none."""
    from lib.spotify.app_config import resolve_app

    settings = resolve_app(settings)  # an app saved on the Connect page counts, from the CLI too
    manager = make_auth_manager(settings)
    if not cached_token(settings):
        raise NotConnected("Spotify is not connected: open 'Connect & sync' in the app and connect "
                           "(or run the app once to sign in; the CLI reuses the stored sign-in).")
    # Our own Session: spotipy then mounts no urllib3 Retry that would sleep on hour-long Retry-After.
    sp = spotipy.Spotify(auth_manager=manager, requests_session=requests.Session(),
                         requests_timeout=settings.http_timeout, retries=0, status_retries=0)
    sp.prefix = settings.spotify_api_url.rstrip("/") + "/"
    return SpotifyClient(sp, manager, **policy)
