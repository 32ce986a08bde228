"""CLI commands of the library area, run through lib.cli.main and as a separate process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

from lib.cli import main
from lib.demo.exportify import exportify_csv
from lib.store import open_library

ROOT = Path(__file__).resolve().parents[2]


def test_demo_info_export(tmp_path, capsys):
    db = str(tmp_path / "d.duckdb")
    assert main(["demo", "--db", db]) == 0
    assert main(["info", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "Liked Songs" in out
    assert "coverage:" in out
    target = tmp_path / "tracks.csv"
    assert main(["export", "tracks", "--db", db, "--out", str(target)]) == 0
    frame = pd.read_csv(target, encoding="utf-8-sig", keep_default_na=False)
    assert len(frame) == open_library(db).query_one("SELECT count(*) FROM tracks")[0]
    assert frame["track_id"].is_unique
    assert any("; " in g for g in frame["genres"])
    assert main(["export", "sources", "--db", db, "--out", str(tmp_path / "s.csv")]) == 0


def test_demo_refuses_to_overwrite_a_real_library(tmp_path, small_demo, capsys):
    db = str(tmp_path / "mine.duckdb")
    csv_file = tmp_path / "Mix.csv"
    csv_file.write_bytes(exportify_csv(small_demo))
    assert main(["import-csv", str(csv_file), "--db", db]) == 0
    assert main(["demo", "--db", db]) == 1
    assert "--force" in capsys.readouterr().err
    assert open_library(db).query_one("SELECT count(*) FROM sources") == (1,)


def test_import_csv_reports_and_exits_nonzero_on_bad_file(tmp_path, small_demo, capsys):
    db = str(tmp_path / "mine.duckdb")
    good = tmp_path / "Liked_Songs.csv"
    good.write_bytes(exportify_csv(small_demo, layout="new"))
    bad = tmp_path / "notes.csv"
    bad.write_text("a,b\n1,2\n")
    assert main(["import-csv", str(good), str(bad), "--db", db]) == 1
    captured = capsys.readouterr()
    assert "Liked Songs" in captured.out
    assert "not an Exportify CSV" in captured.err
    assert main(["import-csv", str(good), str(bad), "--name", "X", "--db", db]) == 1


def test_import_csv_of_a_file_with_no_importable_row_exits_1_and_changes_nothing(tmp_path, capsys):
    db = str(tmp_path / "mine.duckdb")
    header = '"Track URI","Track Name","Artist Name(s)"\n'
    keep = tmp_path / "keep.csv"
    keep.write_text(header + '"spotify:track:4uLU6hMCjMI75M1A2tKUQC","Hello","Adele"\n')
    assert main(["import-csv", str(keep), "--db", db]) == 0
    bare = tmp_path / "bare.csv"
    bare.write_text(header + '"429 rows","of","bare ids"\n' * 3)
    assert main(["import-csv", str(bare), "--db", db]) == 1
    err = capsys.readouterr().err
    assert "bare.csv: no row can be imported (3 of its 3 row(s) are unreadable, the first: line 2:" in err
    assert "nothing was changed" in err
    assert open_library(db).query("SELECT name, track_count FROM sources") == [("keep", 1)]


def test_cli_import_while_app_reads(tmp_path, small_demo):
    """A CLI import in another process and reads in this one share the file without lock errors."""
    db = str(tmp_path / "shared.duckdb")
    library = open_library(db)
    big = tmp_path / "big.csv"
    from lib.demo import generate_demo

    big.write_bytes(exportify_csv(generate_demo(seed=3, n_tracks=3000)))
    proc = subprocess.Popen([sys.executable, "-m", "lib", "import-csv", str(big), "--db", db], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = set()
    while proc.poll() is None:
        seen.add(library.query_one("SELECT count(*) FROM track_view")[0])
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert seen <= {0, library.query_one("SELECT count(*) FROM track_view")[0]}  # never a half import
    assert library.query_one("SELECT count(*) FROM tracks")[0] > 2900
