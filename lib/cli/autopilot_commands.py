"""CLI: `autopilot` — do what is due (cron/systemd/--loop), `--install`, `--status`, `schedule` a task."""

from __future__ import annotations

import sys
import time

EXIT_CODES = ("exit codes: 0 done (or nothing due), 1 a step failed (see the output and the Jobs page), "
              "2 paused: Spotify's quota is used up, the next run after the Retry-After resumes, "
              "3 another autopilot is running for this library (this one did nothing)")


def register(sub, common) -> None:
    p = sub.add_parser(
        "autopilot", parents=[common], help="do what is due: sync, listening history, enrichment, scheduled pushes",
        description="Does what the schedules say is due, in order: incremental sync of the chosen sources, "
                    "listening history, enrichment of new tracks by the providers chosen for autopilot, then "
                    "the pushes of due rules. Nothing due: no Spotify request. Safe to run every few minutes. "
                    + EXIT_CODES + ".")
    p.add_argument("--loop", action="store_true", help="keep running in the foreground (container, terminal)")
    p.add_argument("--every", type=int, default=5, metavar="MIN", help="--loop: minutes between runs (default 5)")
    p.add_argument("--install", choices=("cron", "systemd"), help="print a cron line or a systemd user timer")
    p.add_argument("--write", action="store_true", help="--install: also install it (asks first)")
    p.add_argument("--yes", action="store_true", help="--write: do not ask")
    p.add_argument("--status", action="store_true", help="show every task's schedule, last and next run")
    p.set_defaults(func=cmd_autopilot)

    s = sub.add_parser("schedule", parents=[common], help="set when a rule is pushed (or listening history read)",
                       description="schedule --rule ID off | hours N | daily HH:MM | weekly DAY HH:MM  "
                                   "[--merge]. Times are UTC; DAY is 0 (Monday) to 6 or a name.")
    s.add_argument("--rule", metavar="ID", help="the rule (default: the listening-history task)")
    s.add_argument("when", nargs="+", help="off | hours N | daily HH:MM | weekly DAY HH:MM")
    s.add_argument("--merge", action="store_true", help="keep tracks added on Spotify (default: overwrite, "
                                                        "but never a playlist edited on Spotify)")
    s.set_defaults(func=cmd_schedule)


def _library(args):
    from lib.cli import open_cli_library

    return open_cli_library(args)


def _target(args) -> str:
    from lib.config import load_settings

    return args.db or load_settings().db


def cmd_autopilot(args) -> int:
    if args.install:
        return _install(args)
    if args.status:
        return _status(_library(args))
    if not args.loop:
        return _run(args)
    print(f"autopilot: running every {args.every} min; Ctrl-C stops", flush=True)
    while True:
        _run(args)
        time.sleep(max(1, args.every) * 60)


def _run(args) -> int:
    from lib.autopilot import EXIT_BUSY, AutopilotBusy, instance_lock, run_once
    from lib.cli.spotify_commands import cli_settings

    try:
        with instance_lock(_target(args)):
            report = run_once(_library(args), cli_settings())
    except AutopilotBusy as exc:
        print(f"autopilot: {exc}", file=sys.stderr)
        return EXIT_BUSY
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    for line in report.lines:
        print(f"{stamp} autopilot: {line}", flush=True)
    if report.job_id is not None:
        print(f"{stamp} autopilot: {report.requests} Spotify request(s), job #{report.job_id}", flush=True)
    return report.code


def _status(library) -> int:
    from lib.autopilot import last_check, paused_until, task_states

    check = last_check(library)
    print(f"last autopilot check: {check:%Y-%m-%d %H:%M} UTC" if check else "autopilot has never run")
    pause = paused_until(library)
    if pause:
        print(f"paused until {pause:%Y-%m-%d %H:%M} UTC (Spotify quota)")
    print(f"{'task':32} {'schedule':28} {'last run (UTC)':17} {'outcome':9} next run (UTC)")
    for t in task_states(library):
        last = f"{t.last_run_at:%Y-%m-%d %H:%M}" if t.last_run_at else "-"
        upcoming = "due now" if t.due else f"{t.next_run_at:%Y-%m-%d %H:%M}" if t.next_run_at else "-"
        print(f"{t.task[:32]:32} {t.schedule.describe()[:28]:28} {last:17} {(t.last_status or '-'):9} {upcoming}")
    return 0


def _install(args) -> int:
    from lib.autopilot.install import installation, write

    inst = installation(args.install, _target(args))
    print(inst.text)
    if not args.write:
        how = "crontab -e and paste the line above" if inst.kind == "cron" else \
            "save the units above, then: " + " && ".join(" ".join(c) for c in inst.enable)
        print(f"\nTo turn it on: {how} (or run again with --write).")
        return 0
    if not args.yes:
        answer = input("Install this now? [y/N] ").strip().lower()
        if answer not in ("y", "yes"):
            print("nothing installed")
            return 1
    for line in write(inst):
        print(line)
    return 0


def cmd_schedule(args) -> int:
    from lib.autopilot import LISTENING_TASK, WEEKDAYS, Schedule, rule_task, set_schedule
    from lib.errors import ValidationError

    words = list(args.when)
    kind, rest = words[0], words[1:]
    try:
        if kind == "off":
            schedule = Schedule("off")
        elif kind == "hours" and len(rest) == 1:
            schedule = Schedule("hours", every_hours=int(rest[0]))
        elif kind == "daily" and len(rest) == 1:
            schedule = Schedule("daily", at_time=rest[0])
        elif kind == "weekly" and len(rest) == 2:
            names = [w.lower() for w in WEEKDAYS]
            day = names.index(rest[0].lower()) if rest[0].lower() in names else int(rest[0])
            schedule = Schedule("weekly", at_time=rest[1], weekday=day)
        else:
            raise ValidationError("Say when: off | hours N | daily HH:MM | weekly DAY HH:MM.")
    except ValueError as exc:
        raise ValidationError(f"Cannot read the schedule {' '.join(words)!r}: {exc}") from None
    schedule = Schedule(schedule.kind, schedule.every_hours, schedule.at_time, schedule.weekday,
                        "merge" if args.merge else "overwrite")
    task = rule_task(args.rule) if args.rule else LISTENING_TASK
    set_schedule(_library(args), task, schedule)
    print(f"{task}: {schedule.describe()}" + (f", {schedule.mode}" if args.rule else ""))
    return 0
