"""Errors of the Spotify area, with messages meant for the user (never containing tokens)."""

from __future__ import annotations

from datetime import datetime

from lib.errors import AutoPlaylistsError


class SpotifyError(AutoPlaylistsError):
    """Base class of everything that can go wrong talking to Spotify."""


class NotConfigured(SpotifyError):
    """No client id: the user has not registered/entered their Spotify app yet."""


class ReconnectRequired(SpotifyError):
    """The stored sign-in is missing, expired or revoked: the user must connect again."""


class NotConnected(ReconnectRequired):
    """There is no stored sign-in at all."""


class AuthorizationFailed(SpotifyError):
    """The sign-in callback could not be completed (bad state, denied, code rejected)."""


class SpotifyApiError(SpotifyError):
    """Spotify answered with an error that retrying will not fix (4xx other than 401/429)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class PlaylistNotReadable(SpotifyApiError):
    """403 on a playlist's items: Development Mode apps only read owned or collaborative playlists."""


class RateLimited(SpotifyError):
    """Short 429s kept coming after the retries we allow."""


class QuotaExceeded(SpotifyError):
    """429 QUOTA_EXCEEDED or a long Retry-After: stop now and resume after `until`."""

    def __init__(self, retry_after: float, until: datetime, reason: str | None = None):
        self.retry_after = retry_after
        self.until = until
        self.reason = reason
        what = "Spotify's daily quota for this app is used up" if reason == "QUOTA_EXCEEDED" else \
            f"Spotify asked to wait {retry_after:.0f} s"
        super().__init__(f"{what}; try again after {until:%Y-%m-%d %H:%M} UTC. Everything fetched so far is kept.")


class SpotifyUnavailable(SpotifyError):
    """5xx answers, timeouts or dropped connections persisted through the bounded retries."""
