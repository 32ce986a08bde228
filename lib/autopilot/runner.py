"""One autopilot run: sync the chosen sources, read listening history, enrich new tracks, push due rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from lib.autopilot.tasks import ENRICH_SETTING, TaskState, paused_until, task_states
from lib.clock import stored_now
from lib.config import Settings
from lib.errors import AutoPlaylistsError
from lib.store import create_job, set_job_status, update_job
from lib.store.db import Library
from lib.store.schedule_store import record_run

# Exit codes of `python -m lib autopilot` (README: "Autopilot").
EXIT_OK, EXIT_FAILED, EXIT_PAUSED, EXIT_BUSY = 0, 1, 2, 3


@dataclass
class RunReport:
    """What one run did; `code` is the exit code."""

    code: int = EXIT_OK
    lines: list[str] = field(default_factory=list)
    requests: int = 0
    job_id: int | None = None
    paused_until: datetime | None = None

    def say(self, line: str) -> None:
        self.lines.append(line)


class _QuotaStop(Exception):
    def __init__(self, until: datetime | None, message: str):
        super().__init__(message)
        self.until = until


def run_once(library: Library, settings: Settings, *, now: datetime | None = None, client=None) -> RunReport:
    """Do what is due. Nothing due, or a quota pause in effect: no Spotify request at all."""
    now = now or stored_now()
    report = RunReport()
    pause = paused_until(library, now)
    if pause is not None:
        report.code, report.paused_until = EXIT_PAUSED, pause
        report.say(f"paused: Spotify asked to wait until {pause:%Y-%m-%d %H:%M} UTC; nothing done")
        return report
    due = [t for t in task_states(library, now) if t.due]
    if not due:
        report.say("nothing due")
        return report
    pushes = [t for t in due if t.rule_id]
    report.job_id = create_job(library, "autopilot", ", ".join(t.task for t in due), message="running")
    try:
        if client is None:
            from lib.spotify import connect_client

            client = connect_client(settings)
        start = client.request_count
        try:
            if pushes:
                _sync(library, client, report)
            if any(t.task == "listening" for t in due) or pushes:
                _listening(library, client, report, due, now)
            if pushes:
                _enrich(library, settings, report)
            for task in pushes:
                _push(library, client, report, task, now)
        finally:
            report.requests = client.request_count - start
    except _QuotaStop as stop:
        report.code, report.paused_until = EXIT_PAUSED, stop.until
        report.say(f"stopped: {stop}; the next run resumes after that")
    except AutoPlaylistsError as exc:         # not connected, sign-in expired, ...
        report.code = EXIT_FAILED
        report.say(f"failed: {exc}")
    status = {EXIT_OK: "done", EXIT_PAUSED: "paused"}.get(report.code, "failed")
    summary = "; ".join(report.lines) or status
    update_job(library, report.job_id, add_requests=report.requests, progress={"tasks": len(due)})
    set_job_status(library, report.job_id, status, summary[:1000], paused_until=report.paused_until)
    return report


def _fail(report: RunReport, line: str) -> None:
    report.code = max(report.code, EXIT_FAILED) if report.code != EXIT_PAUSED else report.code
    report.say(line)


def _sync(library: Library, client, report: RunReport) -> None:
    from lib.spotify.sync import sync_library
    from lib.store.sync_store import spotify_sources

    chosen = [s for s in spotify_sources(library) if s["selected"]]
    if not chosen:
        report.say("sync: no Spotify sources chosen (pick them on 'Connect & sync'); pushing what is stored")
        return
    summary = sync_library(library, client, liked=any(s["kind"] == "liked" for s in chosen),
                           playlist_ids=[s["spotify_id"] for s in chosen if s["kind"] == "playlist"],
                           remember_selection=False, parent_job_id=report.job_id)
    if summary.status == "paused":
        raise _QuotaStop(summary.paused_until, f"sync paused ({summary.message})")
    if summary.status == "failed":
        _fail(report, f"sync failed: {summary.message}")
    else:
        report.say(f"sync: {summary.message}")


def _listening(library: Library, client, report: RunReport, due: list[TaskState], now: datetime) -> None:
    from lib.spotify.listening import read_listening

    result = read_listening(library, client, parent_job_id=report.job_id)
    listening = next((t for t in due if t.task == "listening"), None)
    if result.status == "paused":
        _record(library, "listening", None, "paused", result.message, result.job_id, listening)
        raise _QuotaStop(result.paused_until, f"listening history paused ({result.message})")
    _record(library, "listening", now, result.status, result.message, result.job_id, listening)
    if result.status == "failed":
        _fail(report, f"listening: {result.message}")
    else:
        report.say(f"listening: {result.message}")


def _enrich(library: Library, settings: Settings, report: RunReport) -> None:
    from lib.enrich.registry import get_feature_provider
    from lib.enrich.runner import run_enrichment
    from lib.store.enrichment_store import count_pending, get_setting

    for provider_id in get_setting(library, ENRICH_SETTING, []) or []:
        try:
            spec = get_feature_provider(provider_id)
            if not spec.runnable or not count_pending(library, spec.id, spec.version, require=spec.require):
                continue
            result = run_enrichment(library, provider_id, settings)
        except AutoPlaylistsError as exc:
            _fail(report, f"enrich {provider_id}: {exc}")
            continue
        report.say(f"enrich: {result.message}")


def _push(library: Library, client, report: RunReport, task: TaskState, now: datetime) -> None:
    from lib.push.apply import PushInterrupted, PushNeedsDecision
    from lib.push.service import push_rule
    from lib.spotify.errors import QuotaExceeded

    mode = "merge" if task.schedule.mode == "merge" else "auto"   # auto: overwrite unless edited on Spotify
    job_id = create_job(library, "push", task.rule_id, parent_id=report.job_id, message=f"autopilot, {mode}")
    start = client.request_count
    try:
        outcome = push_rule(library, client, task.rule_id, mode=mode, now=now)
        created = "; playlist created" if outcome.preview.link is None else ""
        status, message = "done", f"{outcome.plan.summary()}{created}" if outcome.write_calls else "up to date"
    except PushNeedsDecision as exc:
        status, message = "skipped", f"not pushed: {exc}"
    except (QuotaExceeded, PushInterrupted) as exc:
        cause = exc if isinstance(exc, QuotaExceeded) else exc.cause
        if not isinstance(cause, QuotaExceeded):
            status, message = "failed", str(exc)
        else:
            _finish_push(library, client, job_id, start, "paused", str(exc), cause.until)
            _record(library, task.task, None, "paused", str(exc), job_id, task)
            raise _QuotaStop(cause.until, f"push of {task.rule_id} paused ({exc})") from None
    except AutoPlaylistsError as exc:
        status, message = "failed", str(exc)
    _finish_push(library, client, job_id, start, "done" if status == "skipped" else status, message, None)
    _record(library, task.task, now, status, message, job_id, task)
    line = f"push {task.rule_id}: {message}"
    _fail(report, line) if status == "failed" else report.say(line)


def _finish_push(library, client, job_id, start, status, message, until) -> None:
    update_job(library, job_id, add_requests=client.request_count - start)
    set_job_status(library, job_id, status, message[:1000], paused_until=until)


def _record(library: Library, task: str, ran_at, status: str, message: str, job_id, state: TaskState | None) -> None:
    if state is None:             # ran along with the pushes, not on its own schedule
        return
    with library.transaction() as cur:
        record_run(cur, task, ran_at, status, message, job_id)
