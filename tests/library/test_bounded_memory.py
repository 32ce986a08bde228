"""The memory-bounded paths give the same results: block-wise CSV parsing from bytes or a file, the
ranged full view rebuild, and the view rebuilt in its own transaction."""

from __future__ import annotations

import pandas as pd
import pytest

import lib.imports.exportify as exportify
import lib.store.track_view as track_view
from lib.errors import AutoPlaylistsError, ValidationError
from lib.imports import import_exportify_csv, parse_exportify
from lib.store import open_library, refresh_track_view

from .test_import import CLASSIC, classic_row

IDS = [f"{i:02d}" + "4uLU6hMCjMI75M1A2tKUQC"[2:] for i in range(30)]


def _csv() -> bytes:
    rows = []
    for i, track_id in enumerate(IDS):
        title = f'Song {i}\nsecond line' if i % 4 == 0 else f"Song {i}"  # records spanning two lines
        rows.append(classic_row(track_id, title=title, energy="x" if i % 7 == 3 else f"0.{i % 10}"))
    return (CLASSIC + "".join(rows)).encode()


def test_block_wise_parse_matches_whole_file(monkeypatch, classic_csv):
    for data in (_csv(), classic_csv):
        whole = parse_exportify(data)
        monkeypatch.setattr(exportify, "PARSE_BLOCK", 512)  # many blocks, records cut across them
        blocks = parse_exportify(data)
        monkeypatch.undo()
        pd.testing.assert_frame_equal(blocks.rows, whole.rows)
        assert (blocks.errors, blocks.total_rows, blocks.local_count) == \
            (whole.errors, whole.total_rows, whole.local_count)
    parsed = parse_exportify(_csv())
    assert [e.line for e in parsed.errors] == [6, 15, 24, 32]  # two-line records (every 4th) counted
    assert parsed.rows["line"].tolist()[:3] == [2, 4, 5]


def test_careful_reader_in_chunks_keeps_line_numbers(monkeypatch):
    data = (CLASSIC + classic_row(IDS[0]) + '"too","few"\r\n' + classic_row(IDS[1]) + classic_row(IDS[2])).encode()
    whole = parse_exportify(data)
    monkeypatch.setattr(exportify, "PARSE_CHUNK", 1)
    chunked = parse_exportify(data)
    pd.testing.assert_frame_equal(chunked.rows, whole.rows)
    assert [str(e) for e in chunked.errors] == [str(e) for e in whole.errors] == ["line 3: expected 26 fields, found 2"]
    assert chunked.rows["line"].tolist() == [2, 4, 5]


def test_ranged_full_rebuild_equals_one_statement(library, monkeypatch, classic_csv):
    import_exportify_csv(library, classic_csv, file_name="Demo.csv")
    import_exportify_csv(library, _csv(), file_name="Liked_Songs.csv")
    monkeypatch.setattr(track_view, "REBUILD_RANGE", 7)
    with library.transaction() as cur:
        assert len(track_view.track_id_ranges(cur, 7)) > 3
        refresh_track_view(cur)
        ranged = cur.execute("SELECT * FROM track_view").fetchall()
        expected = cur.execute("SELECT * FROM track_view_source ORDER BY track_id").fetchall()
    assert ranged == expected  # same rows, same (track_id) order
    assert len(ranged) == library.query_one("SELECT count(*) FROM tracks")[0]


def test_a_path_is_read_block_by_block_like_bytes(tmp_path, monkeypatch, classic_csv):
    monkeypatch.setattr(exportify, "PARSE_BLOCK", 512)
    for data in (_csv(), b"\xef\xbb\xbf" + classic_csv, _csv().replace(b"\r\n", b"\n").rstrip(b"\n")):
        path = tmp_path / "Some.csv"
        path.write_bytes(data)
        from_path, from_bytes = parse_exportify(path), parse_exportify(data)
        pd.testing.assert_frame_equal(from_path.rows, from_bytes.rows)
        assert (from_path.errors, from_path.total_rows) == (from_bytes.errors, from_bytes.total_rows)


def test_a_missing_file_is_a_clear_error(library, tmp_path):
    with pytest.raises(ValidationError, match=f"cannot read {tmp_path / 'Gone.csv'}: No such file"):
        import_exportify_csv(library, tmp_path / "Gone.csv")
    assert library.query_one("SELECT count(*) FROM sources") == (0,)


def test_rows_committed_before_a_failed_view_refresh_are_shown_after_reopening(library, monkeypatch, classic_csv):
    """The rows and the flattened view are written in two transactions; a crash between them heals on open."""
    import lib.imports.store as store

    def boom(cur, track_ids=None):
        raise RuntimeError("killed")

    monkeypatch.setattr(store, "refresh_stale_track_view", boom)
    with pytest.raises(AutoPlaylistsError, match="rows were imported"):
        import_exportify_csv(library, classic_csv, file_name="Demo.csv")
    tracks = library.query_one("SELECT count(*) FROM tracks")[0]
    assert tracks > 100
    assert library.query_one("SELECT count(*) FROM track_view") == (0,)
    monkeypatch.undo()
    reopened = open_library(library.target)
    assert reopened.query_one("SELECT count(*) FROM track_view") == (tracks,)
    assert reopened.query_one("SELECT count(*) FROM meta WHERE key = 'track_view_stale'") == (0,)


def test_a_record_longer_than_the_read_ahead_is_read_whole(tmp_path, monkeypatch):
    """A file is read at most READ_AHEAD blocks ahead; a record spanning more blocks still parses."""
    monkeypatch.setattr(exportify, "PARSE_BLOCK", 256)
    monkeypatch.setattr(exportify, "READ_AHEAD_WAIT", 0.05)
    long_title = "Long " + "x" * 2000  # ~8 blocks
    data = (CLASSIC + classic_row(IDS[0]) + classic_row(IDS[1], title=long_title) + classic_row(IDS[2])).encode()
    path = tmp_path / "Long.csv"
    path.write_bytes(data)
    parsed = parse_exportify(path)
    assert parsed.errors == []
    assert parsed.rows["title"].tolist() == ["Song", long_title, "Song"]
    pd.testing.assert_frame_equal(parsed.rows, parse_exportify(data).rows)


def test_paced_file_reads_only_as_batches_are_taken(tmp_path, monkeypatch):
    monkeypatch.setattr(exportify, "READ_AHEAD_WAIT", 0.05)
    path = tmp_path / "blocks.bin"
    path.write_bytes(b"x" * 100)
    paced = exportify._PacedFile(path, 0)
    assert [paced.read(10) for _ in range(exportify.READ_AHEAD)] == [b"x" * 10] * exportify.READ_AHEAD
    assert paced.read(10) == b"x" * 10  # one more waits, then goes ahead owing a block
    paced.taken()                       # pays the debt back: still nothing allowed
    assert not paced.allowance.acquire(blocking=False)
    paced.taken()
    assert paced.allowance.acquire(blocking=False)  # now one read is allowed
    paced.close()
    assert paced.read(10) == b""  # a read after close (Arrow's thread winding down) ends quietly
