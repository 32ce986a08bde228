"""Checking condition values by field type and operator, and reading ISO dates/times in them."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

import re2

MAX_LIST = 1000


@lru_cache(maxsize=256)
def compile_regex(pattern: str):
    """The RE2 pattern, case-insensitive, as DuckDB's regexp_matches(..., 'i') reads it."""
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False   # a bad pattern is reported to the user, not to stderr
    return re2.compile(pattern, options)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _describe(value: Any) -> str:
    kind = "null" if value is None else type(value).__name__
    return f"{value!r} ({kind})"


def _pair(value: Any, what: str) -> list:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ValueError(f"value must be a list of two {what} [low, high], got {_describe(value)}")
    return list(value)


def parse_time(text: Any) -> tuple[datetime, bool]:
    """An ISO date or timestamp → (naive UTC datetime, True if it was a date without a time)."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"expected an ISO date or timestamp such as '2024-05-31', got {_describe(text)}")
    raw = text.strip()
    try:
        if len(raw) == 10:
            return datetime.combine(date.fromisoformat(raw), datetime.min.time()), True
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{raw!r} is not an ISO date (YYYY-MM-DD) or timestamp (YYYY-MM-DDTHH:MM:SS)") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment, False


def time_bounds(operator: str, value: Any) -> tuple[datetime | None, datetime | None, bool]:
    """(low, high, high_inclusive) for before/after/between; a date means that whole day."""
    if operator == "before":
        moment, _ = parse_time(value)
        return None, moment, False
    if operator == "after":
        moment, is_date = parse_time(value)
        # Strictly after a day means from the next midnight on.
        return (moment + timedelta(days=1) if is_date else moment + timedelta(microseconds=1)), None, False
    low, _ = parse_time(value[0])
    high, high_is_date = parse_time(value[1])
    if high_is_date:
        return low, high + timedelta(days=1), False
    return low, high, True


def check_value(kind: str, operator: str, value: Any) -> Any:
    """The value normalised for storage, or ValueError saying what is wrong with it."""
    if operator in ("is_empty", "is_not_empty"):
        if value is not None:
            raise ValueError(f"operator {operator!r} takes no value, got {_describe(value)}")
        return None
    if kind in ("text", "list"):
        return _check_text(operator, value)
    if kind == "number":
        return _check_number(operator, value)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise ValueError(f"value must be true or false, got {_describe(value)}")
        return value
    return _check_time(operator, value)


def _check_text(operator: str, value: Any) -> Any:
    if operator in ("in", "not_in"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"value must be a list of texts, got {_describe(value)}")
        if len(value) > MAX_LIST:
            raise ValueError(f"value lists hold at most {MAX_LIST} items")
        return value
    if not isinstance(value, str):
        raise ValueError(f"value must be a text, got {_describe(value)}")
    if operator in ("matches", "not_matches"):
        try:
            compile_regex(value)
        except re2.error as exc:
            reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else exc
            raise ValueError(f"invalid regular expression {value!r}: {reason}") from None
    return value


def _check_number(operator: str, value: Any) -> Any:
    if operator == "between":
        low, high = _pair(value, "numbers")
        if not (_is_number(low) and _is_number(high)):
            raise ValueError(f"between needs two numbers, got {_describe(value)}")
        if low > high:
            raise ValueError(f"between: low {low} is greater than high {high}")
        return [low, high]
    if operator in ("in", "not_in"):
        if not isinstance(value, list) or not all(_is_number(v) for v in value):
            raise ValueError(f"value must be a list of numbers, got {_describe(value)}")
        if len(value) > MAX_LIST:
            raise ValueError(f"value lists hold at most {MAX_LIST} items")
        return value
    if not _is_number(value):
        raise ValueError(f"value must be a number, got {_describe(value)}")
    return value


def _check_time(operator: str, value: Any) -> Any:
    if operator in ("in_last_days", "not_in_last_days"):
        if not _is_number(value) or value < 0 or value > 365_000:
            raise ValueError(f"value must be a number of days (0 or more), got {_describe(value)}")
        return value
    if operator == "between":
        low, high = _pair(value, "ISO dates")
        first, _ = parse_time(low)
        last, _ = parse_time(high)
        if first > last:
            raise ValueError(f"between: {low!r} is after {high!r}")
        return [low, high]
    parse_time(value)
    return value
