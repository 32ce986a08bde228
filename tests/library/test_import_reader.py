"""The Exportify reader: block by block like the whole file, exact line numbers, bounded reports."""

from __future__ import annotations

import pytest

import lib.imports.exportify as exportify
from lib.errors import ValidationError
from lib.imports import import_exportify_csv, parse_exportify

from .test_import import CLASSIC, IDS, classic_row, multiline_csv


def _parse(data):
    parsed, rows = parse_exportify(data)
    return rows, [str(e) for e in parsed.errors.shown], (parsed.rows, parsed.imported, parsed.local_count)


def _mixed() -> bytes:
    """Multi-line records, short rows (set aside by Arrow), blank lines and bad values, interleaved."""
    rows = []
    for i, track_id in enumerate(IDS):
        title = f"Song {i}\nsecond line" if i % 4 == 0 else f"Song {i}"
        rows.append(classic_row(track_id, title=title, energy="x" if i % 7 == 3 else "0.5"))
        if i % 5 == 2:
            rows.append('"too","few"\r\n')
        if i % 6 == 1:
            rows.append("\r\n")
        if i % 9 == 4:
            rows.append('"spotify:local:a:b:c:1","c\nd","","a"\r\n')
    return (CLASSIC + "".join(rows)).encode()


def _lines_by_hand(data: bytes) -> tuple[list[int], list[int]]:
    """Where each good row and each short row starts, counted with the csv module."""
    import csv
    import io

    reader = csv.reader(io.StringIO(data.decode(), newline=""))
    next(reader)
    good, short, start = [], [], reader.line_num + 1
    for row in reader:
        if len(row) == 26:
            good.append(start)
        elif row and not row[0].startswith("spotify:local:"):
            short.append(start)
        start = reader.line_num + 1
    return good, short


@pytest.mark.parametrize("block", [256, 512, 4096, 1 << 20])
def test_block_wise_parse_matches_whole_file_with_exact_lines(monkeypatch, block):
    data = _mixed()
    monkeypatch.setattr(exportify, "PARSE_BLOCK", block)
    parsed, rows = parse_exportify(data)
    good, short = _lines_by_hand(data)
    assert rows["line"].to_pylist() == [line for k, line in enumerate(good) if k % 7 != 3]
    assert [e.line for e in parsed.errors.shown] == sorted(short + [good[k] for k in range(len(good)) if k % 7 == 3])
    locals_ = sum(1 for i in range(len(IDS)) if i % 9 == 4)
    assert (parsed.rows, parsed.local_count) == (len(IDS) + len(short) + locals_, locals_)


def test_a_path_is_read_like_bytes(tmp_path, monkeypatch, classic_csv):
    monkeypatch.setattr(exportify, "PARSE_BLOCK", 512)
    for data in (multiline_csv(), b"\xef\xbb\xbf" + classic_csv, multiline_csv().replace(b"\r\n", b"\n").rstrip(b"\n")):
        path = tmp_path / "Some.csv"
        path.write_bytes(data)
        from_path, from_bytes = _parse(path), _parse(data)
        assert from_path[0].equals(from_bytes[0])
        assert from_path[1:] == from_bytes[1:]


def test_a_record_longer_than_a_block(monkeypatch):
    monkeypatch.setattr(exportify, "PARSE_BLOCK", 1024)
    block = max(1024, 2 * len(CLASSIC))

    def with_title(title):
        return (CLASSIC + classic_row(IDS[0]) + classic_row(IDS[1], title=title) + classic_row(IDS[2])).encode()

    long_title = "Long " + "x" * block  # a block and a half with the rest of its row
    rows, errors, _ = _parse(with_title(long_title))
    assert (errors, rows["title"].to_pylist()) == ([], ["Song", long_title, "Song"])
    with pytest.raises(ValidationError, match="unreadable CSV .*block"):
        _parse(with_title("x" * 3 * block))


def test_a_missing_file_is_a_clear_error(library, tmp_path):
    with pytest.raises(ValidationError, match=f"cannot read {tmp_path / 'Gone.csv'}: No such file"):
        import_exportify_csv(library, tmp_path / "Gone.csv")
    assert library.query_one("SELECT count(*) FROM sources") == (0,)


def test_text_that_is_not_utf8_names_its_line(library):
    data = (CLASSIC + classic_row(IDS[0]) + classic_row(IDS[1], title="caf\udce9")).encode("utf-8", "surrogateescape")
    with pytest.raises(ValidationError, match="line 3: not UTF-8 text"):
        import_exportify_csv(library, data, file_name="latin.csv")
    assert library.query_one("SELECT count(*) FROM sources") == (0,)


def test_many_bad_rows_report_the_first_ones_and_a_count(monkeypatch):
    monkeypatch.setattr(exportify, "PARSE_BLOCK", 4096)
    bad = [classic_row(IDS[0], energy="x"), '"too","few"\r\n']
    data = (CLASSIC + "".join(bad[i % 2] for i in range(3000)) + classic_row(IDS[1])).encode()
    parsed, rows = parse_exportify(data)
    assert (parsed.errors.count, rows.num_rows) == (3000, 1)
    assert [e.line for e in parsed.errors.shown] == list(range(2, 2 + exportify.MAX_REPORTED))
