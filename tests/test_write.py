"""The unit of work: one transaction, exactly the touched rows of track_view refreshed, one writer at a time."""

from __future__ import annotations

import threading

import pytest

from lib.errors import LibraryBusyError
from lib.store.catalog import Membership, SourceRecord, TrackRecord, replace_source_tracks, upsert_source, upsert_tracks
from tests.track_table import assert_track_table_exact


@pytest.fixture(autouse=True)
def _always_patch(monkeypatch):
    """These libraries are tiny: refresh the touched rows, never the whole table, so the touches are tested."""
    import lib.store.unit_of_work as unit_of_work

    monkeypatch.setattr(unit_of_work, "FULL_REFRESH_SHARE", 1.0)


def _seed(library) -> None:
    records = [TrackRecord(f"t{i}", f"Song {i}", [("a1" if i % 2 else "a2", "Old Name" if i % 2 else "Other")],
                           album_id=f"al{i % 3}", album_name=f"Album {i % 3}", release_date="1999")
               for i in range(10)]
    with library.write() as w:
        upsert_tracks(w.cur, records, "spotify")
        for sid in ("liked", "p1"):
            upsert_source(w.cur, SourceRecord(sid, "liked" if sid == "liked" else "playlist", sid.upper(), "spotify"))
        replace_source_tracks(w.cur, "liked", [Membership(i, f"t{i}") for i in range(0, 10, 2)])
        replace_source_tracks(w.cur, "p1", [Membership(i, f"t{i}") for i in range(5)])
        w.touch_all()


def _artists(library, track_id):
    return library.query_one("SELECT artists FROM track_view WHERE track_id = ?", [track_id])[0]


def test_touched_artist_refreshes_all_its_tracks(library):
    _seed(library)
    with library.write() as w:
        w.cur.execute("UPDATE artists SET name = 'New Name' WHERE artist_id = 'a1'")
        w.touch(artists=["a1"])
    assert {r[0] for r in library.query("SELECT artist FROM track_view WHERE track_id IN ('t1','t3','t9')")} \
        == {"New Name"}
    assert_track_table_exact(library)


def test_touched_source_refreshes_members_before_and_after(library):
    _seed(library)
    with library.write() as w:
        w.cur.execute("UPDATE sources SET name = 'Renamed' WHERE source_id = 'p1'")
        replace_source_tracks(w.cur, "p1", [Membership(0, "t8")])  # t0..t4 leave, t8 joins
        w.touch(sources=["p1"])
    assert library.query_one("SELECT playlists FROM track_view WHERE track_id = 't8'")[0] == ["Renamed"]
    assert library.query_one("SELECT playlists FROM track_view WHERE track_id = 't1'")[0] == []
    assert_track_table_exact(library)


def test_touched_album_and_track(library):
    _seed(library)
    with library.write() as w:
        w.cur.execute("UPDATE albums SET name = 'Best Of' WHERE album_id = 'al0'")
        w.cur.execute("UPDATE tracks SET title = 'Retitled' WHERE track_id = 't5'")
        w.cur.execute("DELETE FROM tracks WHERE track_id = 't7'")
        w.touch(albums=["al0"], tracks=["t5", "t7"])
    assert library.query_one("SELECT count(*) FROM track_view WHERE track_id = 't7'")[0] == 0
    assert_track_table_exact(library)


def test_untouched_change_is_caught_by_the_exactness_check(library):
    _seed(library)
    with library.write() as w:
        w.cur.execute("UPDATE artists SET name = 'Sneaky' WHERE artist_id = 'a2'")
    with pytest.raises(AssertionError, match="track_view differs"):
        assert_track_table_exact(library)


def test_error_rolls_back_everything(library):
    _seed(library)
    with pytest.raises(RuntimeError), library.write() as w:
        w.cur.execute("UPDATE tracks SET title = 'Lost' WHERE track_id = 't1'")
        w.touch(tracks=["t1"])
        raise RuntimeError("boom")
    assert library.query_one("SELECT title FROM tracks WHERE track_id = 't1'")[0] == "Song 1"
    assert_track_table_exact(library)


def test_writers_in_one_process_wait_for_each_other(library):
    """Two threads writing the same rows at once: without the write queue DuckDB raises
    'Conflict on tuple deletion'; with it both commit."""
    _seed(library)
    errors, barrier = [], threading.Barrier(4)

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(5):
                with library.write() as w:
                    w.cur.execute("UPDATE tracks SET title = ? WHERE track_id IN ('t1', 't2')", [f"w{n}-{i}"])
                    w.cur.execute("DELETE FROM source_tracks WHERE source_id = 'p1'")
                    replace_source_tracks(w.cur, "p1", [Membership(0, f"t{n}")])
                    w.touch(tracks=["t1", "t2"], sources=["p1"])
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert_track_table_exact(library)


def test_a_write_that_waits_too_long_says_so_in_one_sentence(tmp_path):
    from lib.store import open_library

    library = open_library(str(tmp_path / "busy.duckdb"), busy_timeout=0.2)
    entered, release = threading.Event(), threading.Event()

    def hold() -> None:
        with library.write():
            entered.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    entered.wait(5)
    try:
        with pytest.raises(LibraryBusyError) as info, library.write():
            pass
    finally:
        release.set()
        holder.join()
    message = str(info.value)
    assert "busy" in message
    assert "try again" in message
    assert "Conflict" not in message
    assert info.value.__cause__ is None
    assert (info.value.__context__ is None or info.value.__suppress_context__)


def test_another_process_holding_the_file_is_waited_for_then_named_plainly(tmp_path):
    import subprocess
    import sys

    from lib.store import open_library

    path = tmp_path / "held.duckdb"
    library = open_library(str(path), busy_timeout=0.3)
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]);"
                               " print('held', flush=True); time.sleep(30)", str(path)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LibraryBusyError) as info, library.write():
            pass
    finally:
        holder.kill()
        holder.wait()
    message = str(info.value)
    assert "in use by another program" in message
    assert "PID" not in message
    assert "lock" not in message.lower()
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__
    with library.write() as w:  # free again
        w.cur.execute("SELECT 1")


def test_nested_write_is_refused(library):
    with pytest.raises(RuntimeError, match="inside another write"), library.write(), library.write():
        pass


def test_demo_library_is_exact(demo_library):
    assert_track_table_exact(demo_library)
