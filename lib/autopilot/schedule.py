"""Schedules (off / every N hours / daily at HH:MM / weekly), pure: validation, when due, next run. Times are UTC."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from lib.errors import ValidationError

KINDS = ("off", "hours", "daily", "weekly")
MODES = ("overwrite", "merge")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
LISTENING_TASK = "listening"
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def rule_task(rule_id: str) -> str:
    return f"rule:{rule_id}"


@dataclass(frozen=True)
class Schedule:
    """When a task runs. `mode` (pushes only): overwrite makes the playlist exactly the rule unless it was
    edited on Spotify since the last push (then the push waits for a decision); merge keeps outside additions."""

    kind: str = "off"
    every_hours: int | None = None
    at_time: str | None = None          # 'HH:MM' UTC
    weekday: int | None = None          # 0 = Monday
    mode: str = "overwrite"

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValidationError(f"Schedule must be one of {', '.join(KINDS)}, not {self.kind!r}.")
        if self.mode not in MODES:
            raise ValidationError(f"Push mode must be overwrite or merge, not {self.mode!r}.")
        if self.kind == "hours" and not (isinstance(self.every_hours, int) and 1 <= self.every_hours <= 24 * 7):
            raise ValidationError(f"'Every N hours' needs N between 1 and 168, not {self.every_hours!r}.")
        if self.kind in ("daily", "weekly") and not (isinstance(self.at_time, str) and _HHMM.match(self.at_time)):
            raise ValidationError(f"The time must be HH:MM (24-hour, UTC), not {self.at_time!r}.")
        if self.kind == "weekly" and self.weekday not in range(7):
            raise ValidationError(f"The weekday must be 0 (Monday) to 6 (Sunday), not {self.weekday!r}.")

    @classmethod
    def from_row(cls, row: dict | None) -> Schedule:
        if not row:
            return cls()
        return cls(row["kind"], row["every_hours"], row["at_time"], row["weekday"], row["mode"] or "overwrite")

    def describe(self) -> str:
        if self.kind == "off":
            return "off"
        if self.kind == "hours":
            return "every hour" if self.every_hours == 1 else f"every {self.every_hours} hours"
        if self.kind == "daily":
            return f"daily at {self.at_time} UTC"
        return f"every {WEEKDAYS[self.weekday]} at {self.at_time} UTC"

    def _slot(self, day: datetime) -> datetime:
        hours, minutes = map(int, self.at_time.split(":"))
        return day.replace(hour=hours, minute=minutes, second=0, microsecond=0)

    def latest_slot(self, now: datetime) -> datetime | None:
        """The most recent daily/weekly moment at or before `now`."""
        if self.kind not in ("daily", "weekly"):
            return None
        slot = self._slot(now)
        if slot > now:
            slot -= timedelta(days=1)
        if self.kind == "weekly":
            slot -= timedelta(days=(slot.weekday() - self.weekday) % 7)
        return slot

    def next_run(self, last_run: datetime | None, since: datetime | None, now: datetime) -> datetime | None:
        """When the task is due next (≤ now: due). `last_run`: its last completed run; `since`: when the
        schedule was set (a new daily/weekly schedule waits for its first slot, an hourly one runs at once)."""
        if self.kind == "off":
            return None
        if self.kind == "hours":
            return now if last_run is None else last_run + timedelta(hours=self.every_hours)
        baseline = last_run or since or now
        step = timedelta(days=7 if self.kind == "weekly" else 1)
        slot = self.latest_slot(baseline)
        while slot <= baseline:
            slot += step
        return slot
