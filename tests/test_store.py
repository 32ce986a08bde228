"""The store: migrations, transactions, the flattened view and cross-process locking."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import duckdb
import pytest

from lib.errors import LibraryError
from lib.store import (
    SEARCH_COLUMNS,
    TRACK_VIEW_COLUMNS,
    applied_migrations,
    create_job,
    get_job,
    job_events,
    open_library,
    set_job_status,
    update_job,
)


def test_migrations_apply_once(library):
    with library.cursor() as cur:
        first = applied_migrations(cur)
    again = open_library(library.target)
    with again.cursor() as cur:
        assert applied_migrations(cur) == first
    assert "001_core" in first


def test_track_view_has_documented_columns(library):
    with library.cursor() as cur:
        cols = [r[0] for r in cur.execute("DESCRIBE track_view").fetchall()]
    assert cols == [*TRACK_VIEW_COLUMNS, *SEARCH_COLUMNS]


def test_failed_transaction_leaves_nothing(library):
    with pytest.raises(RuntimeError), library.transaction() as cur:
        cur.execute("INSERT INTO artists (artist_id, name) VALUES ('a', 'A')")
        raise RuntimeError("boom")
    assert library.query("SELECT count(*) FROM artists") == [(0,)]


def test_precedence_manual_beats_online(memory_library):
    with memory_library.write() as w:
        w.cur.execute("INSERT INTO tracks (track_id, uri, title, origin) VALUES ('t', 'spotify:track:t', 'T', 'demo')")
        w.cur.execute("INSERT INTO enrichment_values (track_id, field, provider, precedence, num_value) VALUES"
                      " ('t', 'energy', 'reccobeats', 2, 0.2), ('t', 'energy', 'manual', 0, 0.8),"
                      " ('t', 'energy', 'computed', 3, 0.5)")
        w.touch(tracks=["t"])
    assert memory_library.query("SELECT energy, liked, artists FROM track_view") == [(0.8, False, [])]


def test_jobs_keep_status_history(memory_library):
    job = create_job(memory_library, "fetch_tracks", "liked")
    update_job(memory_library, job, progress={"page": 2}, add_requests=3)
    set_job_status(memory_library, job, "paused", "quota exceeded")
    stored = get_job(memory_library, job)
    assert (stored.status, stored.progress, stored.requests) == ("paused", {"page": 2}, 3)
    assert [e[1] for e in job_events(memory_library, job)] == ["running", "paused"]


def test_other_process_holding_the_file_is_waited_for(library, tmp_path):
    """A CLI job holding the file briefly must not surface a raw lock error here."""
    holder = textwrap.dedent(f"""
        import duckdb, time, sys
        con = duckdb.connect({library.target!r})
        con.execute("INSERT INTO artists (artist_id, name) VALUES ('x', 'X')")
        print('locked', flush=True)
        time.sleep(1.5)
        con.close()
    """)
    proc = subprocess.Popen([sys.executable, "-c", holder], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    assert library.query("SELECT name FROM artists") == [("X",)]
    proc.wait(timeout=10)


def test_libraries_in_one_process_share_the_file_and_release_it(library):
    other = open_library(library.target)
    with library.cursor() as first, other.cursor() as second:
        first.execute("INSERT INTO artists (artist_id, name) VALUES ('x', 'X')")
        assert second.execute("SELECT name FROM artists").fetchall() == [("X",)]
    # Every connection is closed: another DuckDB instance (here: a plain connect) may open the file.
    con = duckdb.connect(library.target)
    assert con.execute("SELECT count(*) FROM artists").fetchone() == (1,)
    con.close()


def test_a_memory_limit_too_small_says_which_setting_to_raise(tmp_path):
    """No retry with more memory: the work is rolled back and the message names the setting."""
    from lib.config import PROJECT_ROOT

    code = textwrap.dedent("""
        import sys
        from lib.errors import LibraryError
        from lib.store import open_library
        library = open_library(sys.argv[1], memory_limit="48MB")
        try:
            with library.write() as w:
                w.cur.execute("CREATE TABLE numbers AS SELECT list(i) AS n FROM range(12000000) t(i)")
        except LibraryError as exc:
            print(exc)
            print(exc.__cause__ is None and exc.__suppress_context__)
        print(library.query_one("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'numbers'")[0])
    """)
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "small.duckdb")], cwd=PROJECT_ROOT, text=True,
                         capture_output=True, check=True)
    message, plain, tables = out.stdout.strip().splitlines()
    assert "AUTOPLAYLISTS_MEMORY_LIMIT" in message
    assert "[library]" in message
    assert "48MB" in message
    assert (plain, tables) == ("True", "0")


def test_extensions_are_never_installed_or_loaded_behind_the_users_back(library, tmp_path):
    with library.cursor() as cur:
        settings = cur.execute("SELECT current_setting('autoinstall_known_extensions'),"
                               " current_setting('autoload_known_extensions')").fetchone()
    assert settings == (False, False)
    sqlite = tmp_path / "other.sqlite"
    sqlite.write_bytes(b"SQLite format 3\x00" + bytes(4080))
    with pytest.raises(LibraryError, match="Cannot open library"):
        open_library(str(sqlite))


def test_stored_times_are_utc_whatever_the_machine_zone(tmp_path):
    """DEFAULT current_timestamp and Python's clock agree on UTC on a machine set to New York."""
    from lib.config import PROJECT_ROOT

    code = textwrap.dedent("""
        import sys
        from lib.clock import stored_now
        from lib.store import create_job, get_job, open_library
        library = open_library(sys.argv[1])
        job = get_job(library, create_job(library, "sync"))
        print(abs((job.created_at - stored_now()).total_seconds()) < 60)
    """)
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "tz.duckdb")], cwd=PROJECT_ROOT, text=True,
                         capture_output=True, env={**os.environ, "TZ": "America/New_York"}, check=True)
    assert out.stdout.strip() == "True"


def test_only_a_remote_target_may_load_extensions():
    from lib.store.db import _config

    assert _config("/data/library.duckdb", "512MB")["autoload_known_extensions"] is False
    assert _config("md:my_library", "512MB")["autoinstall_known_extensions"] is True
