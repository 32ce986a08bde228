"""The autopilot CLI: install text for cron and systemd (and writing it), status, schedule, exit codes."""

from __future__ import annotations

import subprocess

from lib.autopilot import last_check
from lib.autopilot.install import installation, write
from lib.cli import main
from lib.config import PROJECT_ROOT
from lib.rules.repo import save_rule
from lib.store.schedule_store import schedule_rows
from tests.autopilot.conftest import LIKED_RULE


def test_install_prints_a_cron_line_for_this_checkout_and_library(tmp_path, capsys):
    db = str(tmp_path / "lib.duckdb")
    assert main(["autopilot", "--install", "cron", "--db", db]) == 0
    out = capsys.readouterr().out
    line = out.splitlines()[0]
    assert line.startswith("*/10 * * * * cd ")
    assert str(PROJECT_ROOT) in line
    assert f"-m lib autopilot --db {db}" in line
    assert f">> {db}.autopilot.log 2>&1" in line
    assert "crontab -e" in out


def test_install_systemd_writes_units_and_enables_the_timer(tmp_path):
    db = str(tmp_path / "lib.duckdb")
    inst = installation("systemd", db, config_home=str(tmp_path / "config"))
    calls = []

    def run(cmd, **kwargs):
        calls.append(cmd)
        return subprocess.CompletedProcess(cmd, 0, "", "")

    done = write(inst, run=run)
    service, timer = sorted(inst.files)
    assert service.read_text().count("ExecStart=") == 1
    assert f"--db {db}" in service.read_text()
    assert "SuccessExitStatus=2 3" in service.read_text()
    assert "OnUnitActiveSec=10min" in timer.read_text()
    assert calls[-1][:4] == ["systemctl", "--user", "enable", "--now"]
    assert any(line.startswith("wrote ") for line in done)


def test_cron_write_adds_the_line_once(tmp_path):
    inst = installation("cron", str(tmp_path / "lib.duckdb"))
    crontab = {"text": "0 1 * * * backup\n"}

    def run(cmd, **kwargs):
        if cmd == ["crontab", "-l"]:
            return subprocess.CompletedProcess(cmd, 0, crontab["text"], "")
        crontab["text"] = kwargs["input"]
        return subprocess.CompletedProcess(cmd, 0, "", "")

    write(inst, run=run)
    assert crontab["text"] == "0 1 * * * backup\n" + inst.text + "\n"
    assert "already has" in write(inst, run=run)[0]


def test_schedule_and_status_commands(tmp_path, capsys):
    from lib.store import open_library

    db = str(tmp_path / "lib.duckdb")
    save_rule(open_library(db), LIKED_RULE)
    assert main(["schedule", "--rule", "liked-songs", "weekly", "friday", "18:00", "--merge", "--db", db]) == 0
    assert main(["schedule", "hours", "2", "--db", db]) == 0
    rows = schedule_rows(open_library(db))
    assert (rows["rule:liked-songs"]["weekday"], rows["rule:liked-songs"]["mode"]) == (4, "merge")
    assert rows["listening"]["every_hours"] == 2
    assert main(["schedule", "--rule", "nope", "daily", "07:00", "--db", db]) == 1
    assert main(["schedule", "--rule", "liked-songs", "daily", "25:00", "--db", db]) == 1
    capsys.readouterr()
    assert main(["autopilot", "--status", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "autopilot has never run" in out
    assert "every Friday at 18:00 UTC" in out
    assert "due now" in out                       # the listening task: hourly and never run


def test_nothing_due_exits_0_without_a_sign_in(tmp_path, capsys, monkeypatch):
    from lib.store import open_library

    monkeypatch.setenv("SPOTIFY_TOKEN_CACHE", str(tmp_path / "no-token.json"))
    assert main(["autopilot", "--db", str(tmp_path / "missing.duckdb")]) == 1      # a mistyped --db in cron
    assert "no library" in capsys.readouterr().err
    library = open_library(str(tmp_path / "lib.duckdb"))
    assert last_check(library) is None
    assert main(["autopilot", "--db", str(tmp_path / "lib.duckdb")]) == 0
    assert "nothing due" in capsys.readouterr().out
    assert last_check(library) is not None             # the app can tell autopilot is running


def test_schedule_times_daily_weekly_and_hourly():
    from datetime import datetime, timedelta

    import pytest

    from lib.autopilot import Schedule
    from lib.errors import ValidationError

    now = datetime(2026, 12, 2, 9, 0)                # a Wednesday
    daily = Schedule("daily", at_time="07:30")
    assert daily.next_run(None, now - timedelta(hours=1), now) == datetime(2026, 12, 3, 7, 30)   # set after 07:30
    assert daily.next_run(datetime(2026, 12, 1, 7, 31), None, now) == datetime(2026, 12, 2, 7, 30)  # due
    weekly = Schedule("weekly", at_time="18:00", weekday=4)
    assert weekly.next_run(None, now, now) == datetime(2026, 12, 4, 18, 0)
    assert weekly.next_run(datetime(2026, 12, 4, 18, 1), None, now) == datetime(2026, 12, 11, 18, 0)
    hourly = Schedule("hours", every_hours=6)
    assert hourly.next_run(None, now, now) == now
    assert hourly.next_run(now, None, now) == now + timedelta(hours=6)
    assert Schedule().next_run(None, None, now) is None
    for bad in ({"kind": "hours", "every_hours": 0}, {"kind": "daily", "at_time": "7:30"},
                {"kind": "weekly", "at_time": "07:30", "weekday": 7}, {"kind": "sometimes"}):
        with pytest.raises(ValidationError):
            Schedule(**bad)
