"""Jobs (sync, fetch_tracks, enrich, import, push) with progress, resume state and status history.

A running job records its process (host, pid, start time); one whose process is gone (killed) is
shown as interrupted, and stored so the next time the library is opened.
"""

from __future__ import annotations

import functools
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from lib.clock import as_stored
from lib.store.db import Library

JOB_STATUSES = ("queued", "running", "paused", "done", "failed", "interrupted")
INTERRUPTED_MESSAGE = "interrupted: the process running it ended before it finished"


def _process_start(pid: int) -> str:
    """The process's start time in clock ticks since boot ('' where /proc cannot tell), so a pid that
    was reused by another process does not keep a dead job alive."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


@functools.cache
def _host() -> str:
    return socket.gethostname()


def current_owner() -> str:
    return f"{_host()}:{os.getpid()}:{_process_start(os.getpid())}"


def owner_alive(owner: str | None) -> bool:
    """Whether the process that owns a job still runs (a job of another machine is taken to run)."""
    if not owner:
        return False
    host, pid, start = ([""] * 3 + owner.rsplit(":", 2))[-3:]
    if host != _host():
        return True
    if not pid.isdigit() or not pid_alive(int(pid)):
        return False
    return not start or _process_start(int(pid)) in ("", start)


def pid_alive(pid: int) -> bool:
    """Whether a process of this machine with that id runs (another user's counts)."""
    try:
        os.kill(pid, 0)
    except PermissionError:
        return True
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class Job:
    job_id: int
    kind: str
    target: str | None
    parent_id: int | None
    status: str
    progress: dict
    resume_state: dict | None
    message: str | None
    paused_until: datetime | None
    requests: int
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    owner: str | None = None


_COLUMNS = ("job_id, kind, target, parent_id, status, progress, resume_state, message, paused_until,"
            " requests, created_at, updated_at, finished_at, owner")


def _row_to_job(row: tuple) -> Job:
    values = list(row)
    values[5] = json.loads(values[5]) if values[5] else {}
    values[6] = json.loads(values[6]) if values[6] else None
    job = Job(*values)
    if job.status == "running" and not owner_alive(job.owner):
        return replace(job, status="interrupted", message=INTERRUPTED_MESSAGE)
    return job


def mark_interrupted_jobs(library: Library) -> list[int]:
    """Store 'interrupted' for running jobs whose process is gone; return their ids."""
    running = library.query("SELECT job_id, owner FROM jobs WHERE status = 'running'")
    dead = [job_id for job_id, owner in running if not owner_alive(owner)]
    if dead:
        with library.transaction() as cur:
            for job_id in dead:
                set_job_status(library, job_id, "interrupted", INTERRUPTED_MESSAGE, cursor=cur)
    return dead


@contextmanager
def _writing(library: Library, cursor) -> Iterator:
    """The caller's cursor (its transaction), else a transaction of its own."""
    if cursor is not None:
        yield cursor
        return
    with library.transaction() as cur:
        yield cur


def create_job(library: Library, kind: str, target: str | None = None, *,
               parent_id: int | None = None, status: str = "running", message: str | None = None,
               cursor=None) -> int:
    """Start a job and record its first status event; return its id (``cursor``: in a caller's transaction)."""
    with _writing(library, cursor) as cur:
        (job_id,) = cur.execute(
            "INSERT INTO jobs (kind, target, parent_id, status, message, progress, owner)"
            " VALUES (?, ?, ?, ?, ?, '{}', ?) RETURNING job_id",
            [kind, target, parent_id, status, message, current_owner()],
        ).fetchone()
        cur.execute("INSERT INTO job_events (job_id, status, message) VALUES (?, ?, ?)",
                    [job_id, status, message])
    return job_id


def update_job(library: Library, job_id: int, *, progress: dict[str, Any] | None = None,
               resume_state: dict | None = None, add_requests: int = 0, message: str | None = None,
               cursor=None) -> None:
    """Record progress (merged into the stored dict) without changing the status (``cursor``: as above)."""
    with _writing(library, cursor) as cur:
        if progress:
            (current,) = cur.execute("SELECT progress FROM jobs WHERE job_id = ?", [job_id]).fetchone()
            progress = {**(json.loads(current) if current else {}), **progress}
        cur.execute("UPDATE jobs SET progress = coalesce(?, progress), resume_state = coalesce(?, resume_state),"
                    " message = coalesce(?, message), requests = requests + ?, updated_at = current_timestamp"
                    " WHERE job_id = ?", [json.dumps(progress) if progress else None,
                                          None if resume_state is None else json.dumps(resume_state), message,
                                          add_requests, job_id])


def set_job_status(library: Library, job_id: int, status: str, message: str | None = None, *,
                   paused_until: datetime | None = None, cursor=None) -> None:
    """Move a job to a new status and append it to the job's history (``cursor``: as above)."""
    if status not in JOB_STATUSES:
        raise ValueError(f"unknown job status {status!r}; expected one of {', '.join(JOB_STATUSES)}")
    finished = status in ("done", "failed")
    with _writing(library, cursor) as cur:
        cur.execute(
            "UPDATE jobs SET status = ?, message = coalesce(?, message), paused_until = ?,"
            " updated_at = current_timestamp, owner = CASE WHEN ? THEN ? ELSE owner END,"
            " finished_at = CASE WHEN ? THEN current_timestamp ELSE NULL END WHERE job_id = ?",
            [status, message, as_stored(paused_until) if paused_until else None, status == "running",
             current_owner(), finished, job_id],
        )
        cur.execute("INSERT INTO job_events (job_id, status, message) VALUES (?, ?, ?)",
                    [job_id, status, message])


def get_job(library: Library, job_id: int) -> Job | None:
    row = library.query_one(f"SELECT {_COLUMNS} FROM jobs WHERE job_id = ?", [job_id])
    return _row_to_job(row) if row else None


def list_jobs(library: Library, *, kind: str | None = None, parent_id: int | None = None,
              limit: int = 100) -> list[Job]:
    """Newest first; filter by kind and/or parent."""
    rows = library.query(
        f"SELECT {_COLUMNS} FROM jobs WHERE (? IS NULL OR kind = ?) AND (? IS NULL OR parent_id = ?)"
        " ORDER BY job_id DESC LIMIT ?",
        [kind, kind, parent_id, parent_id, limit],
    )
    return [_row_to_job(r) for r in rows]


def latest_job(library: Library, kind: str, target: str | None = None) -> Job | None:
    row = library.query_one(
        f"SELECT {_COLUMNS} FROM jobs WHERE kind = ? AND (? IS NULL OR target = ?)"
        " ORDER BY job_id DESC LIMIT 1",
        [kind, target, target],
    )
    return _row_to_job(row) if row else None


def job_events(library: Library, job_id: int) -> list[tuple[datetime, str, str | None]]:
    return library.query(
        "SELECT event_at, status, message FROM job_events WHERE job_id = ? ORDER BY event_at, rowid",
        [job_id],
    )
