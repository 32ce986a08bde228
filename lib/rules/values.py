"""Value shapes of conditions: how each is checked, bound for SQL and Python, and shown in words."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import re2

from lib.clock import as_stored
from lib.rules.limits import MAX_LIST, MAX_NUMBER, MAX_REGEX, MAX_TEXT
from lib.rules.semantics import compile_regex, fold

# Dates and times in rules lie in these years, so every window around them (the day after, …) exists.
FIRST_YEAR, LAST_YEAR = 1, 9998
_EARLIEST, _LATEST = datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59, 999999)  # noqa: DTZ001 - naive UTC, as stored


@dataclass(frozen=True)
class Shape:
    """What a condition's value looks like: check (normalise or ValueError), bind (value, now) and show."""

    name: str
    check: Callable[[Any], Any]
    bind: Callable[[Any, Any], dict]
    show: Callable[[Any], dict]


def describe_value(value: Any) -> str:
    kind = "null" if value is None else type(value).__name__
    try:
        text = repr(value)
    except ValueError:   # an integer too long to print
        return f"a {kind} too large to show"
    return f"{text if len(text) <= 80 else text[:77] + '...'} ({kind})"


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return abs(value) <= MAX_NUMBER if isinstance(value, int) else math.isfinite(value) and abs(value) <= MAX_NUMBER


def whole(value: int | float) -> int | float:
    """2010.0 → 2010: whole numbers stay whole when saved and exported."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _pair(value: Any, what: str) -> list:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ValueError(f"value must be a list of two {what} [low, high], got {describe_value(value)}")
    return list(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"value must be a text, got {describe_value(value)}")
    if len(value) > MAX_TEXT:
        raise ValueError(f"texts in rules hold at most {MAX_TEXT} characters, got {len(value)}")
    return value


def _texts(value: Any) -> list:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"value must be a list of texts, got {describe_value(value)}")
    if len(value) > MAX_LIST:
        raise ValueError(f"value lists hold at most {MAX_LIST} items, got {len(value)}")
    return [_text(v) for v in value]


def _regex(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"value must be a regular expression (a text), got {describe_value(value)}")
    if len(value) > MAX_REGEX:
        raise ValueError(f"regular expressions hold at most {MAX_REGEX} characters, got {len(value)}")
    try:
        compile_regex(value)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else exc
        raise ValueError(f"invalid regular expression {value!r}: {reason}") from None
    return value


def _number(value: Any) -> int | float:
    if not _is_number(value):
        raise ValueError(f"value must be a number (finite, at most 2^53 in size), got {describe_value(value)}")
    return whole(value)


def _numbers(value: Any) -> list:
    if not isinstance(value, list) or not all(_is_number(v) for v in value):
        raise ValueError(f"value must be a list of numbers, got {describe_value(value)}")
    if len(value) > MAX_LIST:
        raise ValueError(f"value lists hold at most {MAX_LIST} items, got {len(value)}")
    return [whole(v) for v in value]


def _number_pair(value: Any) -> list:
    low, high = _pair(value, "numbers")
    if not (_is_number(low) and _is_number(high)):
        raise ValueError(f"between needs two numbers, got {describe_value(value)}")
    if low > high:
        raise ValueError(f"between: low {low} is greater than high {high}")
    return [whole(low), whole(high)]


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"value must be true or false, got {describe_value(value)}")
    return value


def parse_time(text: Any) -> tuple[datetime, bool]:
    """An ISO date or timestamp → (naive UTC datetime, True if it was a date without a time)."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"expected an ISO date or timestamp such as '2024-05-31', got {describe_value(text)}")
    raw = text.strip()
    try:
        if len(raw) == 10:
            moment, is_date = datetime.combine(date.fromisoformat(raw), datetime.min.time()), True
        else:
            moment, is_date = datetime.fromisoformat(raw.replace("Z", "+00:00")), False
        moment = as_stored(moment)
    except (ValueError, OverflowError):
        raise ValueError(f"{raw[:40]!r} is not an ISO date (YYYY-MM-DD) or timestamp (YYYY-MM-DDTHH:MM:SS)") from None
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValueError(f"{raw!r} is out of range: dates in rules lie in the years {FIRST_YEAR}–{LAST_YEAR}")
    return moment, is_date


def _moment(value: Any) -> str:
    parse_time(value)
    return value


def _moment_pair(value: Any) -> list:
    low, high = _pair(value, "ISO dates")
    if parse_time(low)[0] > parse_time(high)[0]:
        raise ValueError(f"between: {low!r} is after {high!r}")
    return [low, high]


def _days(value: Any) -> int | float:
    if not _is_number(value) or value < 0 or value > 365_000:
        raise ValueError(f"value must be a number of days (0 to 365000), got {describe_value(value)}")
    return whole(value)


def _none(value: Any) -> None:
    if value is not None:
        raise ValueError(f"this operator takes no value, got {describe_value(value)}")


def shift(moment: datetime, delta: timedelta) -> datetime:
    """moment + delta, held to the datetimes that exist (a window reaching past them is open there)."""
    try:
        return moment + delta
    except OverflowError:
        return _LATEST if delta > timedelta(0) else _EARLIEST


def _end(text: str) -> datetime:
    """The first moment after `text`: the next midnight for a date, the next microsecond for a time."""
    moment, is_date = parse_time(text)
    return shift(moment, timedelta(days=1) if is_date else timedelta(microseconds=1))


def bind_before(value, now) -> dict:
    return {"hi": parse_time(value)[0]}


def bind_after(value, now) -> dict:
    return {"lo": _end(value)}


def _bind_moment_pair(value, now) -> dict:
    return {"lo": parse_time(value[0])[0], "hi": _end(value[1])}


def _bind_days(value, now) -> dict:
    return {"lo": shift(now, -timedelta(microseconds=round(float(value) * 86_400_000_000))),
            "hi": shift(now, timedelta(microseconds=1))}


def _fmt_number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _quote(value) -> str:
    return '"' + str(value).replace('"', '\\"') + '"'


def _one(fmt: Callable[[Any], str]) -> Callable[[Any], dict]:
    return lambda value: {"value": fmt(value)}


def _many(fmt: Callable[[Any], str]) -> Callable[[Any], dict]:
    return lambda value: {"value": "[" + ", ".join(fmt(v) for v in value) + "]"}


def _two(fmt: Callable[[Any], str]) -> Callable[[Any], dict]:
    return lambda value: {"lo": fmt(value[0]), "hi": fmt(value[1])}


TEXT = Shape("text", _text, lambda v, now: {"v": fold(v)}, _one(_quote))
TEXTS = Shape("texts", _texts, lambda v, now: {"v": [fold(x) for x in v]}, _many(_quote))
REGEX = Shape("regex", _regex, lambda v, now: {"v": v}, lambda v: {"value": f"/{v}/"})
NUMBER = Shape("number", _number, lambda v, now: {"v": float(v)}, _one(_fmt_number))
NUMBERS = Shape("numbers", _numbers, lambda v, now: {"v": [float(x) for x in v]}, _many(_fmt_number))
NUMBER_PAIR = Shape("number pair", _number_pair, lambda v, now: {"lo": float(v[0]), "hi": float(v[1])},
                    _two(_fmt_number))
BOOLEAN = Shape("boolean", _boolean, lambda v, now: {"v": bool(v)}, _one(lambda v: "yes" if v else "no"))
MOMENT = Shape("date", _moment, bind_before, _one(str))
MOMENT_PAIR = Shape("date pair", _moment_pair, _bind_moment_pair, _two(str))
DAYS = Shape("days", _days, _bind_days, _one(_fmt_number))
NONE = Shape("none", _none, lambda v, now: {}, lambda v: {})
