"""Autopilot schedules in the library: one row per task ('rule:<id>' or 'listening') with its last outcome."""

from __future__ import annotations

from datetime import datetime

from lib.clock import stored_now
from lib.store.db import Library

_COLUMNS = ("task", "kind", "every_hours", "at_time", "weekday", "mode", "last_run_at", "last_status",
            "last_message", "last_job_id", "updated_at")


def schedule_rows(library: Library) -> dict[str, dict]:
    """Every stored schedule by task."""
    rows = library.query(f"SELECT {', '.join(_COLUMNS)} FROM schedules ORDER BY task")
    return {row[0]: dict(zip(_COLUMNS, row, strict=True)) for row in rows}


def save_schedule(library: Library, task: str, *, kind: str, every_hours: int | None, at_time: str | None,
                  weekday: int | None, mode: str) -> None:
    """Insert or change a task's schedule; its last outcome is kept."""
    library.execute(
        "INSERT INTO schedules (task, kind, every_hours, at_time, weekday, mode, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (task) DO UPDATE SET kind = excluded.kind,"
        " every_hours = excluded.every_hours, at_time = excluded.at_time, weekday = excluded.weekday,"
        " mode = excluded.mode, updated_at = excluded.updated_at",
        [task, kind, every_hours, at_time, weekday, mode, stored_now()])


def record_run(cur, task: str, ran_at: datetime | None, status: str, message: str, job_id: int | None) -> None:
    """Remember a task's outcome (inside the caller's transaction); `ran_at` None keeps the task due
    (a quota stop: the next run does it)."""
    cur.execute("UPDATE schedules SET last_run_at = coalesce(?, last_run_at), last_status = ?, last_message = ?,"
                " last_job_id = ? WHERE task = ?", [ran_at, status, message[:500], job_id, task])

