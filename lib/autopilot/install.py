"""Turning autopilot on: a cron line or a systemd user timer for this checkout and library (text, or written)."""

from __future__ import annotations

import hashlib
import os
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from lib.config import PROJECT_ROOT
from lib.store import is_file_target

KINDS = ("cron", "systemd")


@dataclass(frozen=True)
class Installation:
    kind: str
    files: dict[Path, str]            # systemd: unit files to write; cron: empty
    text: str                         # what to print (the cron line, or the units)
    enable: list[list[str]]           # commands that switch it on once written


def command(db: str, python: str | None = None) -> str:
    """The shell command a scheduler runs: this checkout, this Python, this library."""
    python = python or sys.executable
    return f"cd {shlex.quote(str(PROJECT_ROOT))} && {shlex.quote(python)} -m lib autopilot --db {shlex.quote(db)}"


def _name(db: str) -> str:
    return "autoplaylists-" + hashlib.sha1(f"{PROJECT_ROOT}|{db}".encode()).hexdigest()[:8]


def installation(kind: str, db: str, *, every_minutes: int = 10, python: str | None = None,
                 config_home: str | None = None) -> Installation:
    """What `--install` prints or writes. Runs every `every_minutes`; each run is cheap when nothing is due."""
    if kind not in KINDS:
        raise ValueError(f"--install takes {' or '.join(KINDS)}, not {kind!r}")
    is_file = is_file_target(db)
    db = str(Path(db).expanduser().resolve()) if is_file else db
    log = Path(db).with_name(Path(db).name + ".autopilot.log") if is_file else None
    run = command(db, python)
    if kind == "cron":
        redirect = f" >> {shlex.quote(str(log))} 2>&1" if log else ""
        line = f"*/{every_minutes} * * * * {run}{redirect}  # {_name(db)}"
        return Installation("cron", {}, line, [])
    home = Path(config_home or os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    unit_dir, name = home / "systemd" / "user", _name(db)
    service = (f"[Unit]\nDescription=spotify-auto-playlists autopilot ({db})\n\n[Service]\nType=oneshot\n"
               f"ExecStart=/bin/sh -c {shlex.quote(run)}\n"
               "# exit 2 (quota pause) and 3 (another run active) are expected outcomes, not failures\n"
               "SuccessExitStatus=2 3\n")
    timer = (f"[Unit]\nDescription=Run spotify-auto-playlists autopilot every {every_minutes} minutes\n\n"
             f"[Timer]\nOnBootSec=2min\nOnUnitActiveSec={every_minutes}min\nPersistent=true\n\n"
             "[Install]\nWantedBy=timers.target\n")
    files = {unit_dir / f"{name}.service": service, unit_dir / f"{name}.timer": timer}
    text = "\n".join(f"# {path}\n{body}" for path, body in files.items())
    return Installation("systemd", files, text, [["systemctl", "--user", "daemon-reload"],
                                                 ["systemctl", "--user", "enable", "--now", f"{name}.timer"]])


def write(inst: Installation, run=subprocess.run) -> list[str]:
    """Install it: add the cron line to the user's crontab (once), or write the unit files and enable the
    timer. Returns what was done, line by line."""
    done = []
    if inst.kind == "cron":
        current = run(["crontab", "-l"], capture_output=True, text=True)
        existing = current.stdout if current.returncode == 0 else ""
        tag = inst.text.rsplit("# ", 1)[-1]
        if tag in existing:
            return [f"crontab already has the autopilot line ({tag}); nothing changed"]
        run(["crontab", "-"], input=existing.rstrip("\n") + ("\n" if existing.strip() else "") + inst.text + "\n",
            text=True, check=True)
        return ["added to your crontab: " + inst.text]
    for path, body in inst.files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
        done.append(f"wrote {path}")
    for cmd in inst.enable:
        result = run(cmd, capture_output=True, text=True)
        done.append(f"$ {' '.join(cmd)}" + ("" if result.returncode == 0 else
                                            f"  (failed: {(result.stderr or '').strip()[:200]}; run it yourself)"))
    return done
