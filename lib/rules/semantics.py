"""What both the SQL compiler and the Python evaluator share: case folding, `now`, time bounds, sort keys."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from lib.rules.values import time_bounds

_MAX_CASED = 0x1F000   # beyond this no code point has a lowercase form


@lru_cache(maxsize=1)
def _lower_table() -> dict[int, str]:
    # DuckDB's lower() maps each code point on its own; Python's str.lower() is context-sensitive
    # (final sigma) and turns 'İ' into two code points. Per-code-point mapping matches DuckDB.
    table = {}
    for cp in range(_MAX_CASED):
        if 0xD800 <= cp < 0xE000:
            continue
        ch = chr(cp)
        low = ch.lower()
        if low != ch:
            table[cp] = low if len(low) == 1 else ch.lower()[0]
    return table


def fold(text: str) -> str:
    """Lowercase text exactly as DuckDB's lower() does."""
    return text.translate(_lower_table())


def normalize_now(now: datetime | None) -> datetime:
    """The evaluation time as a naive UTC datetime (track_view timestamps are naive UTC)."""
    if now is None:
        return datetime.now(UTC).replace(tzinfo=None)
    if isinstance(now, str):
        now = datetime.fromisoformat(now.replace("Z", "+00:00"))
    elif not isinstance(now, datetime) and isinstance(now, date):
        now = datetime.combine(now, datetime.min.time())
    if now.tzinfo is not None:
        now = now.astimezone(UTC).replace(tzinfo=None)
    return now


def window(operator: str, value, now: datetime) -> tuple[datetime | None, datetime | None, bool]:
    """(low, high, high_inclusive) that a time condition's positive form tests (low is inclusive)."""
    if operator in ("in_last_days", "not_in_last_days"):
        return now - timedelta(microseconds=round(float(value) * 86_400_000_000)), now, True
    return time_bounds(operator, value)


def random_key(track_id: str, seed: int | None) -> str:
    """Deterministic shuffle key, identical to the SQL md5(track_id || ':' || seed)."""
    return hashlib.md5(f"{track_id}:{seed or 0}".encode()).hexdigest()


def seed_text(seed: int | None) -> str:
    return f":{seed or 0}"
