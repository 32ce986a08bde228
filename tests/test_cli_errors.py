"""Every CLI command answers OS errors and a closed pipe with one clear line, never a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lib.cli import main
from lib.rules import save_rule
from lib.store import open_library
from tests.rules.trackdata import write_tracks

ROOT = Path(__file__).resolve().parents[1]
RULE = {"id": "loud", "name": "Loud", "match": {"conditions": [{"field": "energy", "operator": "gte", "value": 0.5}]}}
CSV = "Track URI,Track Name,Artist Name(s)\nspotify:track:4uLU6hMCjMI75M1A2tKUQC,Song,Artist\n"


@pytest.fixture
def db(tmp_path) -> str:
    path = str(tmp_path / "lib.duckdb")
    library = open_library(path)
    write_tracks(library, [{"track_id": f"t{i:03d}", "title": f"T{i}", "energy": 0.9} for i in range(400)])
    save_rule(library, RULE)
    library.close()
    return path


def _bad_paths(tmp_path: Path) -> dict[str, str]:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    return {"missing folder": str(tmp_path / "missing" / "x.json"), "a directory": str(folder),
            "missing file": str(tmp_path / "nope.json")}


COMMANDS = [
    ("rules", "export", "{path}"), ("rules", "import", "{path}"), ("rules", "validate", "{path}"),
    ("export", "tracks", "--out", "{path}"), ("import-csv", "{path}"), ("enrich", "--import-file", "{path}"),
    ("preview", "--rules", "{path}", "--rule", "loud"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_bad_paths_give_one_clear_error(tmp_path, db, capsys, command):
    for what, path in _bad_paths(tmp_path).items():
        if command[0] in ("rules", "export") and command[1] in ("export", "tracks") and what == "missing file":
            continue    # writing a new file is fine
        code = main([part.format(path=path) for part in command] + ["--db", db])
        out, err = capsys.readouterr()
        assert code == 1, (what, out, err)
        assert "Traceback" not in err
        assert err.startswith("error:") or ": invalid" in err, (what, err)
        assert Path(path).name in err, (what, err)


def _make_read_only(path: str) -> bool:
    os.chmod(path, 0o444)
    if os.access(path, os.W_OK):     # root ignores modes; an immutable file it cannot write
        return subprocess.run(["chattr", "+i", path], capture_output=True).returncode == 0 \
            if shutil.which("chattr") else False
    return True


def test_import_into_a_read_only_library(tmp_path, db, capsys):
    csv_file = tmp_path / "list.csv"
    csv_file.write_text(CSV, encoding="utf-8")
    if not _make_read_only(db):
        pytest.skip("cannot make a file read-only here")
    try:
        code = main(["import-csv", str(csv_file), "--db", db])
        out, err = capsys.readouterr()
        assert code == 1
        assert err.startswith("error:")
        assert len(err.strip().splitlines()) == 1, err
        assert "lib.duckdb" in err
    finally:
        subprocess.run(["chattr", "-i", db], capture_output=True)
        os.chmod(db, 0o644)


@pytest.mark.parametrize("command", [["rules", "list"], ["rules", "export", "-"], ["info"],
                                     ["preview", "--saved", "--rule", "loud"],
                                     ["preview", "--saved", "--rule", "loud", "--format", "csv"]],
                         ids=lambda c: " ".join(c))
def test_a_closed_pipe_ends_quietly(db, command):
    proc = subprocess.Popen([sys.executable, "-m", "lib", *command, "--db", db], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()      # like `| head` that has read what it wanted
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, err
    assert err == ""
