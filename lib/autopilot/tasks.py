"""What is due: every task's schedule, last and next run, read from the library (no Spotify request)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from lib.autopilot.schedule import LISTENING_TASK, Schedule, rule_task
from lib.clock import stored_now
from lib.errors import ValidationError
from lib.store import latest_job
from lib.store.db import Library
from lib.store.schedule_store import save_schedule, schedule_rows

ENRICH_SETTING = "autopilot.enrich"      # provider ids autopilot runs on new tracks


@dataclass(frozen=True)
class TaskState:
    task: str
    label: str
    schedule: Schedule
    last_run_at: datetime | None
    last_status: str | None
    last_message: str | None
    next_run_at: datetime | None
    due: bool

    @property
    def rule_id(self) -> str | None:
        return self.task.removeprefix("rule:") if self.task.startswith("rule:") else None


def task_states(library: Library, now: datetime | None = None, *, disabled: bool = False) -> list[TaskState]:
    """The listening task, then every enabled rule (every rule with `disabled`, for showing a disabled
    rule's saved schedule), with when each runs next; disabled rules never run."""
    from lib.rules.repo import list_rules

    now = now or stored_now()
    rows = schedule_rows(library)
    tasks = [(LISTENING_TASK, "Listening history & top tracks")]
    tasks += [(rule_task(s.rule_id), s.name) for s in list_rules(library) if s.enabled or disabled]
    paused = paused_until(library, now)
    out = []
    for task, label in tasks:
        row = rows.get(task) or {}
        schedule = Schedule.from_row(row)
        last = row.get("last_run_at")
        upcoming = schedule.next_run(last, row.get("updated_at"), now)
        if upcoming is not None and paused is not None:
            upcoming = max(upcoming, paused)
        out.append(TaskState(task, label, schedule, last, row.get("last_status"), row.get("last_message"),
                             upcoming, upcoming is not None and upcoming <= now))
    return out


def set_schedule(library: Library, task: str, schedule: Schedule) -> None:
    """Store a task's schedule (validated by Schedule); unknown rules are refused."""
    from lib.rules.repo import get_rule

    if task != LISTENING_TASK:
        rule_id = task.removeprefix("rule:")
        if not task.startswith("rule:") or get_rule(library, rule_id) is None:
            raise ValidationError(f"No rule {rule_id!r} to schedule.")
    save_schedule(library, task, kind=schedule.kind, every_hours=schedule.every_hours, at_time=schedule.at_time,
                  weekday=schedule.weekday, mode=schedule.mode)


def paused_until(library: Library, now: datetime | None = None) -> datetime | None:
    """The end of a quota pause still in effect (from the last autopilot run or sync), else None."""
    now = now or stored_now()
    ends = [job.paused_until for job in (latest_job(library, "autopilot"), latest_job(library, "sync"))
            if job is not None and job.status == "paused" and job.paused_until]
    until = max(ends, default=None)
    return until if until is not None and until > now else None


def last_check(library: Library) -> datetime | None:
    """When `python -m lib autopilot` last ran for this library: its lock file is rewritten by every run
    (a file, not a row, so that a run with nothing due writes nothing into the library)."""
    from lib.autopilot.lock import lock_path

    try:
        return datetime.fromtimestamp(lock_path(library.target).stat().st_mtime, UTC).replace(tzinfo=None)
    except OSError:
        return None
