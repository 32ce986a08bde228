"""The store: migrations, transactions, the flattened view and cross-process locking."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb
import pytest

from lib.store import (
    SEARCH_COLUMNS,
    TRACK_VIEW_COLUMNS,
    applied_migrations,
    create_job,
    get_job,
    job_events,
    open_library,
    refresh_track_view,
    set_job_status,
    update_job,
)
from lib.store.db import ROW_GROUP_SIZE


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
    with memory_library.transaction() as cur:
        cur.execute("INSERT INTO tracks (track_id, uri, title, origin) VALUES ('t', 'spotify:track:t', 'T', 'demo')")
        cur.execute("INSERT INTO enrichment_values (track_id, field, provider, precedence, num_value) VALUES"
                    " ('t', 'energy', 'reccobeats', 2, 0.2), ('t', 'energy', 'manual', 0, 0.8),"
                    " ('t', 'energy', 'computed', 3, 0.5)")
        refresh_track_view(cur)
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


def test_library_files_use_small_row_groups_so_scans_use_every_core(library):
    """A 40,000-track table spans several row groups (DuckDB scans one row group per thread)."""
    with library.transaction() as cur:
        cur.execute("INSERT INTO artists (artist_id, name) SELECT 'a' || i, 'Artist ' || i FROM range(40000) t(i)")
    (groups,) = library.query_one("SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('artists')")
    assert groups == -(-40_000 // ROW_GROUP_SIZE)


def test_libraries_in_one_process_share_the_file_and_release_it(library):
    other = open_library(library.target)
    with library.cursor() as first, other.cursor() as second:
        first.execute("INSERT INTO artists (artist_id, name) VALUES ('x', 'X')")
        assert second.execute("SELECT name FROM artists").fetchall() == [("X",)]
    # Every connection is closed: another DuckDB instance (here: a plain connect) may open the file.
    con = duckdb.connect(library.target)
    assert con.execute("SELECT count(*) FROM artists").fetchone() == (1,)
    con.close()


def test_work_that_runs_out_of_memory_is_run_again_with_more(library):
    """A list of 4 million numbers cannot spill to disk: at 16 MB DuckDB runs out, the work is rolled back
    and run again with the limit doubled until it fits; the limit is put back afterwards."""
    from lib.store import atomic, retry_out_of_memory

    attempts = []
    with library.cursor() as cur:
        cur.execute("SET memory_limit = '16MB'")
        cur.execute("CREATE TABLE numbers (n BIGINT[])")

        def work():
            attempts.append(cur.execute("SELECT current_setting('memory_limit')").fetchone()[0])
            with atomic(cur):
                cur.execute("INSERT INTO numbers SELECT list(i) FROM range(4000000) t(i)")
                return cur.execute("SELECT len(n) FROM numbers").fetchone()[0]

        assert retry_out_of_memory(cur, work) == 4_000_000
        assert len(attempts) > 1  # failed at least once, rolled back each time
        assert attempts[0] == "15.2 MiB"
        assert cur.execute("SELECT count(*) FROM numbers").fetchone()[0] == 1
        assert cur.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "15.2 MiB"
        cur.execute("DELETE FROM numbers")
        cur.execute("SET memory_limit = '1MB'")  # too little even with three doublings: the error comes through
        with pytest.raises(duckdb.OutOfMemoryException):
            retry_out_of_memory(cur, work)
        assert cur.execute("SELECT count(*) FROM numbers").fetchone()[0] == 0


def test_overlapping_retries_keep_the_raised_limit_until_the_last_one_ends(library):
    """Connections to one file share DuckDB's limit: a retry that ends while another is under way must not
    put the limit back under it; the last one to end puts back the limit from before the first."""
    import threading

    from lib.store import atomic, retry_out_of_memory

    def shown(cur):
        return cur.execute("SELECT current_setting('memory_limit')").fetchone()[0]

    outer_done, inner_raised, seen = threading.Event(), threading.Event(), []

    def inner_retry():  # starts while the outer retry has the limit raised, and ends after it
        with library.cursor() as inner:
            def inner_work():
                with atomic(inner):
                    inner.execute("INSERT INTO b SELECT list(i) FROM range(2000000) t(i)")
                inner_raised.set()
                outer_done.wait(10)
                seen.append(shown(inner))
            retry_out_of_memory(inner, inner_work)

    with library.cursor() as outer:
        outer.execute("SET memory_limit = '16MB'")
        outer.execute("CREATE TABLE a (n BIGINT[]); CREATE TABLE b (n BIGINT[])")
        thread = threading.Thread(target=inner_retry)

        def outer_work():
            with atomic(outer):
                outer.execute("INSERT INTO a SELECT list(i) FROM range(1000000) t(i)")
            thread.start()
            assert inner_raised.wait(10)

        retry_out_of_memory(outer, outer_work)
        outer_done.set()
        thread.join(10)
        (figure, unit), = [limit.split() for limit in seen]
        assert (unit, float(figure) > 30.5) == ("MiB", True)  # the inner retry's limit was kept to its end
        assert shown(outer) == "15.2 MiB"                     # and the one from before both put back
        assert outer.execute("SELECT count(*) FROM a, b").fetchone() == (1,)
