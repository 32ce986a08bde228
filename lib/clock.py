"""The one clock: every time the library stores is UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """Now, as an aware UTC datetime."""
    return datetime.now(UTC)


def stored_now() -> datetime:
    """Now as the library stores it: naive UTC (DuckDB TIMESTAMP columns hold UTC without a zone)."""
    return datetime.now(UTC).replace(tzinfo=None)


def as_stored(moment: datetime) -> datetime:
    """An aware datetime as naive UTC; a naive one is taken to be UTC already."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def utc(year: int, month: int = 1, day: int = 1, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """A fixed moment in UTC, naive as the library stores it (demo times, reference 'now's)."""
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC).replace(tzinfo=None)
