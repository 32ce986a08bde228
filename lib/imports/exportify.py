"""Read an Exportify CSV, any layout watsonbox's or pavelkomarov's exporter wrote, block by block with Arrow."""

from __future__ import annotations

import csv
import io
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from lib.errors import ValidationError
from lib.imports.exportify_convert import ROWS_SCHEMA, BlockFormat, convert_block
from lib.imports.headers import PAVELKOMAROV, header_names, normalize

# Bytes of CSV parsed and converted at a time (~2,500 rows). Arrow's streaming reader reads and parses
# ahead of the batches taken (about 32 blocks; not configurable), so the block bounds that memory:
# parsing a 200 MB file peaked at 368 MB RSS with 4 MB blocks, 232 MB with 1 MB (from a file, not mapped:
# a memory map keeps every page read resident, 363 MB).
PARSE_BLOCK = 1 << 20
MAX_REPORTED = 100      # skipped rows and dropped values spelled out; the rest are counted


@dataclass(frozen=True)
class RowError:
    """A line of the file that could not be imported (or a value left out of it), and why."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class Report:
    """The first MAX_REPORTED messages, and how many there were."""

    shown: list[RowError] = field(default_factory=list)
    count: int = 0

    def add(self, messages: list[tuple[int, str]], count: int) -> None:
        """Add messages (in any order of lines): those of the first MAX_REPORTED lines are kept."""
        self.shown.extend(RowError(line, text) for line, text in messages)
        if len(self.shown) > 2 * MAX_REPORTED:
            self.done()
        self.count += count

    def done(self) -> None:
        self.shown = sorted(self.shown, key=lambda e: e.line)[:MAX_REPORTED]


@dataclass
class ParsedCsv:
    """What reading the file found: its layout, row counts, skipped rows and left-out values."""

    exporter: str                           # 'watsonbox' | 'pavelkomarov'
    rows: int = 0                           # records after the header (blank lines are none)
    imported: int = 0                       # rows handed on as track occurrences
    local_count: int = 0
    episode_count: int = 0
    unavailable_count: int = 0
    errors: Report = field(default_factory=Report)
    warnings: Report = field(default_factory=Report)


def _open(data: bytes | Path, source: str) -> pa.NativeFile:
    try:
        if isinstance(data, bytes):
            return pa.BufferReader(data)
        with data.open("rb"):  # the OS's own words for a missing or unreadable file
            return pa.OSFile(str(data))
    except OSError as exc:
        raise ValidationError(f"cannot read {data if isinstance(data, Path) else source}: "
                              f"{exc.strerror or exc}") from exc


def _header(file: pa.NativeFile, source: str) -> tuple[list[str], int, int]:
    """The header record, how many physical lines it spans, and its size in bytes."""
    head = file.read_at(min(file.size(), 1 << 20), 0)
    file.seek(0)
    text = head.decode("utf-8", errors="replace").removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError(f"{source}: the file is empty") from None
    except csv.Error as exc:
        raise ValidationError(f"{source}: cannot read the header line ({exc})") from exc
    if any("\ufffd" in h for h in header):
        raise ValidationError(f"{source}: line 1: not UTF-8 text; save the file as UTF-8 CSV")
    size = len("\n".join(text.split("\n")[:reader.line_num]).encode("utf-8"))
    return header, reader.line_num, size


def _format(header: list[str], source: str) -> BlockFormat:
    known = header_names()
    names = [known.get(normalize(h)) for h in header]
    if "uri" not in names or "title" not in names or "artist_names" not in names:
        if len(header) == 1 and ";" in header[0]:
            # A spreadsheet set to a European language saves CSV with ';', decimal commas and its own
            # spelling of dates and true/false: guessing those back would import wrong values.
            raise ValidationError(f"{source}: its columns are separated by ';', not ',' as Exportify writes them —"
                                  " it was probably saved again by a spreadsheet. Import the file as Exportify wrote"
                                  " it (export it again if needed); nothing was imported")
        raise ValidationError(f"{source}: not an Exportify CSV — it needs the columns Track URI, Track Name and "
                              f"Artist Name(s), in any language Exportify writes "
                              f"(found: {', '.join(h for h in header if h) or 'no header'})")
    columns = {name: i for i, name in reversed(list(enumerate(names))) if name is not None}  # the first wins
    headers = {name: " ".join(header[i].split()) for name, i in columns.items()}
    headers.update({name: name for name in ("uri", "title", "explicit", "added_at") if name not in headers})
    # Every layout of watsonbox's has artist URIs; pavelkomarov's has none, or bare 'Artist IDs'.
    uris = columns.get("artist_uris")
    exporter = "watsonbox" if uris is not None and normalize(header[uris]) not in PAVELKOMAROV else "pavelkomarov"
    return BlockFormat(columns, headers, exporter)


def _odd_row(text: str, width: int) -> str:
    """A row with the wrong number of fields: a local file or an episode written short, or an error."""
    start = text.lstrip('"')
    if start.startswith("spotify:local:"):
        return "local"
    if start.startswith("spotify:episode:"):
        return "episode"
    return "blank" if not text.strip(', "\r\n') else "error"


@dataclass
class _Next:
    """Where the next record of the file starts: its record number (the header is 1) and its line."""

    record: int
    line: int


def _place(spans: np.ndarray, at: _Next, set_aside: deque, errors: Report) -> np.ndarray:
    """The first line of each row of a batch, given the lines each spans. Arrow leaves out the rows it
    sets aside (record number, lines spanned, problem), reported a block ahead: those among or right
    after the batch's rows are placed here, and their problems reported with their lines."""
    n = len(spans)
    positions, sizes, problems = [], [], []  # a set-aside row's position: how many good rows precede it
    while set_aside and set_aside[0][0] <= at.record + n + len(positions):
        record, span, problem = set_aside.popleft()
        positions.append(record - at.record - len(positions))
        sizes.append(span)
        problems.append(problem)
    good = np.concatenate(([0], np.cumsum(spans))).astype(np.int64)        # lines of the good rows before k
    aside = np.concatenate(([0], np.cumsum(sizes, dtype=np.int64)))       # lines of the set-aside rows before j
    before = np.searchsorted(np.array(positions, dtype=np.int64), np.arange(n), side="right")
    errors.add([(at.line + int(good[positions[j]] + aside[j]), problem)
                for j, problem in enumerate(problems) if problem], sum(1 for p in problems if p))
    lines = at.line + good[:-1] + aside[before]
    at.record, at.line = at.record + n + len(positions), at.line + int(good[-1] + aside[-1])
    return lines


def _text(column: pa.Array, lines: np.ndarray, source: str) -> pa.Array:
    try:
        return column.cast(pa.string())
    except pa.ArrowInvalid:
        bad = next(k for k, value in enumerate(column.to_pylist()) if not _is_utf8(value))
        raise ValidationError(f"{source}: line {lines[bad]}: not UTF-8 text; save the file as UTF-8 CSV "
                              "(nothing was imported)") from None


def _is_utf8(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _batches(reader, source: str):
    try:
        yield from reader
    except pa.ArrowInvalid as exc:
        raise ValidationError(f"{source}: unreadable CSV ({exc}); nothing was imported") from exc


def _joins_with_semicolons(data: bytes | Path, source: str, column: int, width: int, block_size: int) -> bool:
    """pavelkomarov's layout since 2025-07-22, told by the whole file: a ';' in any row's artist names."""
    name = f"f{column}"
    try:
        with _open(data, source) as file:
            reader = pa_csv.open_csv(
                file, read_options=pa_csv.ReadOptions(skip_rows=1, column_names=[f"f{i}" for i in range(width)],
                                                      block_size=block_size, use_threads=False),
                parse_options=pa_csv.ParseOptions(newlines_in_values=True, invalid_row_handler=lambda row: "skip"),
                convert_options=pa_csv.ConvertOptions(include_columns=[name], column_types={name: pa.binary()}))
            return any(pc.any(pc.match_substring(batch.column(0), ";")).as_py() for batch in reader)
    except pa.ArrowInvalid:  # empty or unreadable: reading the rows says what is wrong
        return False


def read_exportify(data: bytes | Path, source: str, sink: Callable[[pa.Table], None]) -> ParsedCsv:
    """Read an Exportify export a block at a time, handing each block's importable rows (ROWS_SCHEMA) to `sink`.

    Memory stays bounded by the blocks read ahead, whatever the file's size; bytes are read in place.
    Skipped rows and left-out values are reported by 1-based line, the first MAX_REPORTED of them.
    """
    file = _open(data, source)
    header, header_lines, header_size = _header(file, source)
    fmt = _format(header, source)
    width = len(header)
    parsed = ParsedCsv(fmt.exporter)
    block_size = max(PARSE_BLOCK, 2 * header_size)
    if fmt.exporter == "pavelkomarov":
        fmt.semicolons = _joins_with_semicolons(data, source, fmt.columns["artist_names"], width, block_size)
    set_aside: deque[tuple[int, int, str | None]] = deque()

    def on_invalid(row) -> str:
        kind, problem = _odd_row(row.text, width), None
        if kind != "blank":
            parsed.rows += 1
        if kind == "local":
            parsed.local_count += 1
        elif kind == "episode":
            parsed.episode_count += 1
        elif kind == "error":
            found = len(next(csv.reader(io.StringIO(row.text, newline="")), []))
            problem = f"expected {width} fields, found {found}"
        set_aside.append((row.number, row.text.count("\n") + 1, problem))
        return "skip"

    try:
        reader = pa_csv.open_csv(
            file, read_options=pa_csv.ReadOptions(skip_rows=1, column_names=[f"f{i}" for i in range(width)],
                                                  block_size=block_size,
                                                  use_threads=False),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False,
                                              invalid_row_handler=on_invalid),
            convert_options=pa_csv.ConvertOptions(column_types={f"f{i}": pa.binary() for i in range(width)},
                                                  strings_can_be_null=False))
    except pa.ArrowInvalid as exc:
        if "Empty CSV" in str(exc):  # nothing after the header
            return parsed
        raise ValidationError(f"{source}: unreadable CSV ({exc}); nothing was imported") from exc
    at = _Next(record=2, line=header_lines + 1)
    for batch in _batches(reader, source):
        spans = np.ones(batch.num_rows, dtype=np.int64)
        for column in batch.columns:
            spans += pc.count_substring(column, "\n").to_numpy(zero_copy_only=False)
        lines = _place(spans, at, set_aside, parsed.errors)
        raw = {i: _text(batch.column(i), lines, source) for i in fmt.columns.values()}  # the columns we read
        block = convert_block(raw, lines, fmt, MAX_REPORTED)
        parsed.errors.add(block.errors, block.counts["errors"])
        parsed.warnings.add(block.warnings, block.counts["warnings"])
        parsed.rows += block.counts["rows"]
        parsed.local_count += block.counts["local"]
        parsed.episode_count += block.counts["episode"]
        parsed.unavailable_count += block.counts["unavailable"]
        parsed.imported += block.rows.num_rows
        if block.rows.num_rows:
            sink(block.rows)
    _place(np.zeros(0, dtype=np.int64), at, set_aside, parsed.errors)  # rows set aside after the last batch
    parsed.errors.done()
    parsed.warnings.done()
    return parsed


def parse_exportify(data: bytes | Path, source: str = "file") -> tuple[ParsedCsv, pa.Table]:
    """The whole file's importable rows as one table, with what reading it found."""
    tables: list[pa.Table] = []
    parsed = read_exportify(data, source, tables.append)
    return parsed, pa.concat_tables([ROWS_SCHEMA.empty_table(), *tables])
