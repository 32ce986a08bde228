"""Opening a library: a mistyped --db makes nothing for a read, writers create and say so, read-only files read."""

from __future__ import annotations

import os

import pytest

from lib.cli import main
from lib.errors import LibraryError
from lib.store import open_library


def test_a_mistyped_db_for_a_read_command_creates_nothing(tmp_path, capsys):
    typo = tmp_path / "no-such-folder" / "libary.duckdb"
    assert main(["info", "--db", str(typo)]) == 1
    err = capsys.readouterr().err
    assert "There is no library at" in err
    assert str(typo) in err
    assert not typo.parent.exists()
    with pytest.raises(LibraryError, match="no library"):
        open_library(str(typo), create=False)
    assert not typo.parent.exists()


def test_a_command_that_writes_creates_the_library_and_says_so(tmp_path, capsys):
    from lib.demo import generate_demo
    from lib.demo.exportify import exportify_csv

    new = tmp_path / "new" / "mine.duckdb"
    csv = tmp_path / "Road_Trip.csv"
    csv.write_bytes(exportify_csv(generate_demo(3, 20), limit=5))
    assert main(["import-csv", "--db", str(new), str(csv)]) == 0
    assert f"created a new library at {new}" in capsys.readouterr().err
    assert main(["info", "--db", str(new)]) == 0
    assert "created" not in capsys.readouterr().err


def test_a_library_that_cannot_be_written_is_opened_read_only(tmp_path, monkeypatch):
    """(The suite runs as root, for whom every file is writable: the permission check is what is faked.)"""
    import lib.store.db as db

    path = tmp_path / "shared.duckdb"
    library = open_library(str(path))
    with library.write() as w:
        w.cur.execute("INSERT INTO artists (artist_id, name) VALUES ('a', 'A')")
    monkeypatch.setattr(db.os, "access", lambda p, mode: mode != os.W_OK and os.access(p, mode))
    readonly = open_library(str(path))
    assert readonly.read_only
    assert readonly.query("SELECT name FROM artists") == [("A",)]
    with pytest.raises(LibraryError, match="read-only"):
        readonly.execute("DELETE FROM artists")
    with readonly.cursor() as cur, pytest.raises(Exception, match="read-only"):  # DuckDB itself refuses too
        cur.execute("DELETE FROM artists")
