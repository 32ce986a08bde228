"""Errors of the enrichment area, with messages meant for the user."""

from __future__ import annotations

from datetime import datetime

from lib.errors import AutoPlaylistsError


class EnrichError(AutoPlaylistsError):
    """An enrichment could not run or finish."""


class ProviderNotConfigured(EnrichError):
    """The provider needs a setting or the user's consent before it may run."""


class ProviderUnavailable(EnrichError):
    """The service is down, rate-limits us for long, or keeps failing: stop and resume later.

    `partial` holds the batch result gathered before the failure, so nothing fetched is lost.
    """

    def __init__(self, message: str, *, retry_after: float | None = None, until: datetime | None = None,
                 partial=None):
        super().__init__(message)
        self.retry_after = retry_after
        self.until = until
        self.partial = partial


class ProviderResponseError(EnrichError):
    """One answer could not be used (malformed body, unexpected status, repeated timeouts)."""
