"""What both the SQL compiler and the Python evaluator share: text folding, regexes, `now`, sort keys."""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import date, datetime
from functools import lru_cache

import re2

from lib.clock import as_stored, stored_now

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


def strip_accents(text: str) -> str:
    """Text without combining marks, as DuckDB's strip_accents(): NFD, drop every mark (M*), NFC."""
    if text.isascii():
        return text
    text = text.partition("\x00")[0]    # DuckDB reads a non-ASCII text only up to its first NUL
    kept = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.category(ch).startswith("M"))
    return unicodedata.normalize("NFC", kept)


def fold(text: str) -> str:
    """Text with case and accents removed, exactly as DuckDB's strip_accents(lower(text))."""
    return strip_accents(text.translate(_lower_table()))


FOLD_SQL = "strip_accents(lower({}))"


@lru_cache(maxsize=256)
def compile_regex(pattern: str):
    """The RE2 pattern, case-insensitive, as DuckDB's regexp_matches(..., 'i') reads it."""
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False   # a bad pattern is reported to the user, not to stderr
    return re2.compile(pattern, options)


def regex_hit(text: str, v: str) -> bool:
    """Whether the pattern matches the text as stored or with its accents removed."""
    pattern = compile_regex(v)
    return pattern.search(text) is not None or pattern.search(strip_accents(text)) is not None


def normalize_now(now: datetime | date | str | None) -> datetime:
    """The evaluation time as a naive UTC datetime (track_view timestamps are naive UTC)."""
    if now is None:
        return stored_now()
    if isinstance(now, str):
        try:
            now = datetime.fromisoformat(now.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{now!r} is not an ISO date (YYYY-MM-DD) or timestamp") from None
    elif not isinstance(now, datetime) and isinstance(now, date):
        now = datetime.combine(now, datetime.min.time())
    return as_stored(now)


def random_key(track_id: str, seed: int | None) -> str:
    """Deterministic shuffle key, identical to the SQL md5(track_id || ':' || seed)."""
    return hashlib.md5(f"{track_id}:{seed or 0}".encode()).hexdigest()


def seed_text(seed: int | None) -> str:
    return f":{seed or 0}"
