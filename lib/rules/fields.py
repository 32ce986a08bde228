"""The fields a rule can test: their types, operators, SQL column and what the UI needs to know."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lib.rules.operators import NEGATIVE_TWINS, OPERATORS_BY_TYPE  # noqa: F401 (re-exported)
from lib.store.track_view import TRACK_VIEW_COLUMNS

if TYPE_CHECKING:
    from lib.store import Library

# Custom fields (x_<name>) are stored in these MAP columns; which one a condition reads follows
# from its operator and value (numbers → custom_num, text → custom_text).
CUSTOM_PREFIX = "x_"
CUSTOM_NAME = re.compile(r"x_[a-z0-9_]{1,60}")
CUSTOM_OPERATORS = tuple(dict.fromkeys(OPERATORS_BY_TYPE["text"] + OPERATORS_BY_TYPE["number"]))
_NUMBER_ONLY = set(OPERATORS_BY_TYPE["number"]) - set(OPERATORS_BY_TYPE["text"])
_TEXT_ONLY = set(OPERATORS_BY_TYPE["text"]) - set(OPERATORS_BY_TYPE["number"])

LABELS = {
    "title": "title", "artist": "artist", "artists": "artists", "album": "album", "isrc": "ISRC",
    "mood": "mood", "genre_family": "genre family", "genres": "genres", "playlists": "playlists",
    "tags": "tags", "release_date": "release date", "release_year": "release year", "decade": "decade",
    "duration_s": "duration (s)", "duration_ms": "duration (ms)", "explicit": "explicit", "liked": "liked",
    "added_at": "added", "liked_at": "liked on", "label": "label", "track_id": "track id", "uri": "URI",
    "origin": "origin", "source_ids": "source ids",
    "play_count": "plays", "last_played_at": "last played", "top_rank_short": "top rank (4 weeks)",
    "top_rank_medium": "top rank (6 months)", "top_rank_long": "top rank (year)",
}

_HIDDEN_COLUMNS = {"custom_num", "custom_text", "play_times"}


@dataclass(frozen=True)
class FieldInfo:
    """A rule field: its name, logical type and (for custom fields) the map column holding it.

    `counts` = (timestamp-list column, days): a number computed when the rule runs, the column's
    moments in the `days` before `now` — a count relative to now stored in track_view would go stale."""

    name: str
    type: str                      # text | list | number | boolean | date | timestamp
    label: str
    custom_column: str | None = None
    counts: tuple[str, int] | None = None

    @property
    def operators(self) -> tuple[str, ...]:
        return OPERATORS_BY_TYPE[self.type]


FIELDS: dict[str, FieldInfo] = {
    name: FieldInfo(name, kind, LABELS.get(name, name.replace("_", " ")))
    for name, kind in TRACK_VIEW_COLUMNS.items() if name not in _HIDDEN_COLUMNS
}
FIELDS["plays_last_30_days"] = FieldInfo("plays_last_30_days", "number", "plays in the last 30 days",
                                         counts=("play_times", 30))

SORTABLE_TYPES = ("text", "number", "boolean", "date", "timestamp")
RANDOM_SORT = "random"


def is_custom(name: str) -> bool:
    return name.startswith(CUSTOM_PREFIX) and name not in FIELDS


def custom_kind(operator: str, value) -> str:
    """'number' or 'text': which custom map a condition on an x_ field reads."""
    if operator in _NUMBER_ONLY:
        return "number"
    if operator in _TEXT_ONLY:
        return "text"
    sample = value[0] if isinstance(value, list) and value else value
    if isinstance(sample, bool):
        return "text"
    return "number" if isinstance(sample, int | float) else "text"


def field_info(name: str, operator: str | None = None, value=None) -> FieldInfo | None:
    """The field called `name`, or None; custom fields get their type from the operator and value."""
    if name in FIELDS:
        return FIELDS[name]
    if CUSTOM_NAME.fullmatch(name):
        kind = custom_kind(operator or "eq", value)
        column = "custom_num" if kind == "number" else "custom_text"
        return FieldInfo(name, kind, name[len(CUSTOM_PREFIX):].replace("_", " "), column)
    return None


def available_fields(library: Library) -> list[dict]:
    """Every field with its type and what the UI shows: real range for numbers, known values for lists."""
    from lib.rules.field_stats import field_stats

    return field_stats(library)
