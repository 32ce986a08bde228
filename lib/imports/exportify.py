"""Read an Exportify CSV (classic or 24-column layout) into clean columns plus per-line errors."""

from __future__ import annotations

import csv
import io
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from lib.errors import ValidationError
from lib.imports.exportify_convert import BlockFormat, convert_block, empty_rows, rows_frame

# Header (case-insensitive) → our column; both Exportify layouts map onto the same names.
COLUMN_ALIASES = {
    "track uri": "uri", "spotify id": "uri", "track name": "title", "artist uri(s)": "artist_uris",
    "artist name(s)": "artist_names", "album uri": "album_uri", "album name": "album",
    "album release date": "release_date", "release date": "release_date", "disc number": "disc_number",
    "track number": "track_number", "track duration (ms)": "duration_ms", "duration (ms)": "duration_ms",
    "explicit": "explicit", "popularity": "popularity", "isrc": "isrc", "added by": "added_by",
    "added at": "added_at", "artist genres": "genres", "genres": "genres", "label": "label",
    "record label": "label", "danceability": "danceability", "energy": "energy", "key": "key",
    "loudness": "loudness", "mode": "mode", "speechiness": "speechiness", "acousticness": "acousticness",
    "instrumentalness": "instrumentalness", "liveness": "liveness", "valence": "valence", "tempo": "tempo",
    "time signature": "time_signature",
}
REQUIRED = ("uri", "title")
PARSE_BLOCK = 4 << 20   # bytes of CSV read and converted at a time (~10k rows)
PARSE_CHUNK = 20_000    # rows converted at a time by the careful reader
READ_AHEAD = 2          # blocks of a file read before they are asked for (Arrow's own is 32)
READ_AHEAD_WAIT = 2.0   # seconds a read beyond that waits before it goes ahead anyway (a record longer
                        # than the allowance needs more blocks); far longer than converting a block takes


@dataclass(frozen=True)
class RowError:
    """A line of the file that could not be imported, and why."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ParsedCsv:
    """The importable rows (one per track occurrence, file order) and what was skipped."""

    rows: pd.DataFrame | None               # columns: line, track_id, uri, title, ...; None when streamed
    layout: str                             # 'classic' | 'new'
    local_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    total_rows: int = 0


class RowSink(Protocol):
    """Where `read_exportify` hands the importable rows (ROWS_SCHEMA), a block of the file at a time."""

    def add(self, rows: pa.Table) -> None: ...

    def clear(self) -> None:
        """Forget every block added so far (the file is being read again, more carefully)."""


class _Collected:
    def __init__(self):
        self.tables: list[pa.Table] = []

    def add(self, rows: pa.Table) -> None:
        self.tables.append(rows)

    def clear(self) -> None:
        self.tables.clear()


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")  # Exportify and Excel often add a BOM
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{source}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 CSV") from exc


def _decode_start(chunk: bytes, size: int, source: str) -> str:
    """The first `len(chunk)` bytes of a `size`-byte body as text."""
    try:
        return chunk.decode("utf-8")
    except UnicodeDecodeError as exc:
        if size > len(chunk) and exc.start >= len(chunk) - 3:  # only a character cut in two at the chunk's end
            return chunk[:exc.start].decode("utf-8")
        return _decode(chunk, source)  # raises the readable error


def _header(text: str, source: str) -> tuple[list[str], int]:
    """The header record and how many physical lines it spans."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    try:
        return next(reader), reader.line_num
    except StopIteration:
        raise ValidationError(f"{source}: the file is empty") from None
    except csv.Error as exc:
        raise ValidationError(f"{source}: cannot read the header line ({exc})") from exc


class _PacedFile:
    """A file that Arrow's CSV reader reads at most READ_AHEAD blocks ahead of the batches taken.

    Arrow's streaming reader reads up to 32 blocks ahead on a thread of its own (not configurable),
    which for a 40 MB file is the whole file in memory at once.
    """

    def __init__(self, path: Path, start: int):
        self.file = path.open("rb")
        self.file.seek(start)
        self.allowance = threading.Semaphore(READ_AHEAD)
        self.lock = threading.Lock()
        self.owed = 0
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        # After READ_AHEAD_WAIT the read goes ahead, owing the allowance a block that the next batch
        # taken pays back (rather than adding a block of read-ahead for good).
        waited_out = not self.allowance.acquire(timeout=READ_AHEAD_WAIT)
        with self.lock:
            self.owed += waited_out
            return b"" if self.file.closed else self.file.read(size)

    def readable(self) -> bool:
        return True

    def taken(self) -> None:
        with self.lock:
            if self.owed:
                self.owed -= 1
                return
        self.allowance.release()

    def close(self) -> None:
        with self.lock:
            self.file.close()
        self.allowance.release(READ_AHEAD + 1)  # a read still waiting ends at once
        self.closed = True


class CsvInput:
    """A CSV's bytes, in memory or read from a file as needed: a large file is never held whole
    unless the careful reader needs it."""

    def __init__(self, data: bytes | Path):
        self.data, self.path = (data, None) if isinstance(data, bytes) else (None, Path(data))
        head = self.read_head(3)
        self.start = 3 if head == b"\xef\xbb\xbf" else 0  # the BOM is skipped, not sliced off (a copy)

    def read_head(self, size: int, start: int = 0) -> bytes:
        if self.data is not None:
            return self.data[start:start + size]
        with self.path.open("rb") as file:
            file.seek(start)
            return file.read(size)

    @property
    def size(self) -> int:
        return len(self.data) if self.data is not None else self.path.stat().st_size

    def stream(self) -> pa.NativeFile | _PacedFile:
        """The body after the BOM: memory is read in place, a file as its batches are taken."""
        if self.data is not None:
            return pa.BufferReader(pa.py_buffer(self.data).slice(self.start))
        return _PacedFile(self.path, self.start)

    def physical_lines(self) -> int:
        """Lines of the body, a last line without a newline included."""
        if self.data is not None:
            return self.data.count(b"\n", self.start) + (0 if self.data.endswith(b"\n") else 1)
        count, last = 0, b"\n"
        with self.path.open("rb") as file:
            file.seek(self.start)
            while block := file.read(4 << 20):
                count, last = count + block.count(b"\n"), block[-1:]
        return count + (0 if last == b"\n" else 1)

    def read_all(self) -> bytes:
        return self.data if self.data is not None else self.path.read_bytes()


def _fast_parts(source: CsvInput, width: int, skip: int, convert) -> list | None:
    """Arrow's streaming CSV reader for the common, well-formed file, each block handed to
    `convert(raw, lines)` as it is read (bounded memory); None when a row needs the careful reader."""
    invalid = []

    def on_invalid(row) -> str:
        invalid.append(row)
        return "skip"

    parts, line = [], skip + 1
    pool = pa.default_memory_pool()
    stream = source.stream()
    try:
        reader = pa_csv.open_csv(
            stream if isinstance(stream, pa.NativeFile) else pa.PythonFile(stream, mode="r"),
            read_options=pa_csv.ReadOptions(skip_rows=skip, autogenerate_column_names=True, block_size=PARSE_BLOCK,
                                            use_threads=False),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True, invalid_row_handler=on_invalid),
            convert_options=pa_csv.ConvertOptions(column_types={f"f{i}": pa.string() for i in range(width)},
                                                  strings_can_be_null=False))
        for batch in reader:
            if isinstance(stream, _PacedFile):
                stream.taken()
            if invalid or batch.num_columns != width:
                return None
            # Line numbers: each record starts one line after the previous one ended (quoted fields may span lines).
            spans = np.ones(batch.num_rows, dtype=np.int64)
            for column in batch.columns:
                spans += pc.count_substring(column, "\n").to_numpy(zero_copy_only=False)
            lines = np.concatenate(([0], np.cumsum(spans)[:-1])) + line
            line += int(spans.sum())
            parts.append(convert(batch.columns, lines))
            del batch
            pool.release_unused()  # Arrow's allocator keeps freed pages otherwise: ~50 MB over a 40 MB file
    except (pa.ArrowInvalid, ValueError):  # e.g. invalid UTF-8: the careful reader says where
        return None
    finally:
        stream.close()
    if invalid or line - 1 != source.physical_lines():
        return None  # blank lines were skipped somewhere: let the careful reader number them
    return parts


def _careful_table(text: str, width: int, source: str) -> tuple[list[pa.Array], np.ndarray, list[RowError]]:
    """Python's csv reader, one record at a time, so every odd row gets its own line number."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    rows, lines, errors = [], [], []
    try:
        next(reader)
        start = reader.line_num + 1
        for row in reader:
            if len(row) == width:
                rows.append(row)
                lines.append(start)
            elif row:  # blank lines are not rows
                errors.append(RowError(start, f"expected {width} fields, found {len(row)}"))
            start = reader.line_num + 1
    except csv.Error as exc:  # e.g. a NUL byte: the reader cannot resume, so the file is refused whole
        raise ValidationError(f"{source}: line {start}: unreadable CSV ({exc}); nothing was imported") from exc
    columns = list(zip(*rows, strict=True)) if rows else [()] * width
    return [pa.array(column, pa.string()) for column in columns], np.array(lines, dtype=np.int64), errors


def parse_exportify(data: bytes | Path, source: str = "file") -> ParsedCsv:
    """Parse an Exportify export into one frame of rows; bad rows become RowErrors with their line numbers."""
    collected = _Collected()
    parsed = read_exportify(data, source, collected)
    parsed.rows = rows_frame(pa.concat_tables([empty_rows(), *collected.tables]))
    return parsed


def read_exportify(data: bytes | Path, source: str, sink: RowSink) -> ParsedCsv:
    """Read an Exportify export block by block, handing each block's importable rows to `sink`.

    Memory stays bounded by a block whatever the file's size. Bad rows become RowErrors with their
    1-based line numbers; the returned ParsedCsv has no rows (the sink has them).
    """
    try:
        csv_input = CsvInput(data)
        size = csv_input.size - csv_input.start
        start = _decode_start(csv_input.read_head(1_000_000, csv_input.start), size, source)
    except OSError as exc:
        raise ValidationError(f"cannot read {data if isinstance(data, Path) else source}: "
                              f"{exc.strerror or exc}") from exc
    # The whole file is decoded only when the fast reader cannot take it (saves ~4 bytes per character).
    header, header_lines = _header(start, source)
    names = [COLUMN_ALIASES.get(h.strip().lower()) for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing or "artist_names" not in names:
        wanted = ", ".join(sorted({"Track URI", "Track Name", "Artist Name(s)"}))
        raise ValidationError(f"{source}: not an Exportify CSV — it needs the columns {wanted} "
                              f"(found: {', '.join(h for h in header if h) or 'no header'})")
    layout = "classic" if "artist_uris" in names or "Track Duration (ms)" in header else "new"
    width = len(header)
    headers = {name: header[i].strip() for i, name in reversed(list(enumerate(names))) if name is not None}
    headers.update({c: c for c in COLUMN_ALIASES.values() if c not in headers})
    columns = {name: i for i, name in reversed(list(enumerate(names))) if name is not None}
    fmt = BlockFormat(columns, headers, layout, caches={})

    def convert(raw: list[pa.Array], lines: np.ndarray) -> tuple[list[tuple[int, str]], int, int]:
        block = convert_block(raw, lines, fmt)
        sink.add(block.rows)
        return block.errors, block.local_count, len(lines)

    parts = _fast_parts(csv_input, width, header_lines, convert)
    unreadable: list[RowError] = []  # rows with the wrong number of fields (careful reader only)
    if parts is None:
        sink.clear()
        raw, lines, unreadable = _careful_table(_decode(csv_input.read_all(), source), width, source)
        parts = [convert([column.slice(begin, PARSE_CHUNK) for column in raw], lines[begin:begin + PARSE_CHUNK])
                 for begin in range(0, len(lines), PARSE_CHUNK)]
        del raw
    errors = sorted([*unreadable, *(RowError(line, reason) for part in parts for line, reason in part[0])],
                    key=lambda e: e.line)
    return ParsedCsv(rows=None, layout=layout, local_count=sum(part[1] for part in parts), errors=errors,
                     total_rows=len(unreadable) + sum(part[2] for part in parts))
