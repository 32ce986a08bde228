"""Read an Exportify CSV (classic or 24-column layout) into clean columns plus per-line errors."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from lib.errors import ValidationError

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
NUMERIC_FIELDS = ("popularity", "danceability", "energy", "key", "loudness", "mode", "speechiness",
                  "acousticness", "instrumentalness", "liveness", "valence", "tempo", "time_signature")
_INTEGER_COLUMNS = ("duration_ms", "disc_number", "track_number")
_NUMBER_COLUMNS = frozenset((*NUMERIC_FIELDS, "duration_ms", "disc_number", "track_number"))
_TRACK_URI = re.compile(r"^spotify:track:([0-9A-Za-z]{22})$")
_TRACK_URL = re.compile(r"^https?://open\.spotify\.com/(?:intl-[a-z]+/)?track/([0-9A-Za-z]{22})")
_UNESCAPED_COMMA = re.compile(r"(?<!\\),")
PARSE_BLOCK = 4 << 20   # bytes of CSV read and converted at a time (~10k rows)
PARSE_CHUNK = 20_000    # rows converted at a time by the careful reader
_TRUE, _FALSE = {"true", "1", "yes", "y", "t"}, {"false", "0", "no", "n", "f"}


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
    """Where `read_exportify` hands the importable rows, a block of the file at a time."""

    def add(self, rows: pd.DataFrame) -> None: ...

    def clear(self) -> None:
        """Forget every block added so far (the file is being read again, more carefully)."""


class _Collected:
    def __init__(self):
        self.frames: list[pd.DataFrame] = []

    def add(self, rows: pd.DataFrame) -> None:
        self.frames.append(rows)

    def clear(self) -> None:
        self.frames.clear()


def split_names(value: str | None, layout: str) -> list[str]:
    """Split a multi-artist cell: ';' separates (newer files), else unescaped ',' with '\\,' kept."""
    if value is None or not value.strip():
        return []
    if ";" in value or layout == "new":
        parts = value.split(";")
    else:
        parts = [p.replace("\\,", ",") for p in _UNESCAPED_COMMA.split(value)]
    return [p.strip() for p in parts if p.strip()]


def split_list(value: str | None) -> list[str]:
    """Genres and similar: separated by ',' or ';' (escaped commas kept)."""
    if value is None or not value.strip():
        return []
    parts = re.split(r"(?<!\\)[,;]", value)
    return list(dict.fromkeys(p.replace("\\,", ",").strip() for p in parts if p.strip()))


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

    def stream(self):
        """The body after the BOM as an Arrow input stream (memory is read in place)."""
        if self.data is not None:
            return pa.BufferReader(pa.py_buffer(self.data).slice(self.start))
        stream = pa.input_stream(str(self.path))
        stream.read(self.start)
        return stream

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

    arrow_str = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' own 'str' dtype: no copy into objects
    parts, line = [], skip + 1
    try:
        # One thread reads no blocks ahead, which keeps ~20 MB fewer of them in memory at once.
        reader = pa_csv.open_csv(
            source.stream(),
            read_options=pa_csv.ReadOptions(skip_rows=skip, autogenerate_column_names=True, block_size=PARSE_BLOCK,
                                            use_threads=False),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True, invalid_row_handler=on_invalid),
            convert_options=pa_csv.ConvertOptions(column_types={f"f{i}": pa.string() for i in range(width)},
                                                  strings_can_be_null=False))
        for batch in reader:
            if invalid or batch.num_columns != width:
                return None
            # Line numbers: each record starts one line after the previous one ended (quoted fields may span lines).
            spans = np.ones(batch.num_rows, dtype=np.int64)
            for column in batch.columns:
                spans += pc.count_substring(column, "\n").to_numpy(zero_copy_only=False)
            lines = (np.concatenate(([0], np.cumsum(spans)[:-1])) + line).tolist()
            line += int(spans.sum())
            raw = batch.to_pandas(types_mapper=lambda t: arrow_str if t == pa.string() else None)
            raw.columns = range(width)
            parts.append(convert(raw, lines))
            del batch, raw
    except (pa.ArrowInvalid, ValueError):  # e.g. invalid UTF-8: the careful reader says where
        return None
    if invalid or line - 1 != source.physical_lines():
        return None  # blank lines were skipped somewhere: let the careful reader number them
    return parts


def _careful_table(text: str, width: int, source: str) -> tuple[pd.DataFrame, list[int], list[RowError]]:
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
    return pd.DataFrame({i: pd.Series(columns[i], dtype="str") for i in range(width)}), lines, errors


def _split_each(column: pd.Series, cache: dict[str, list[str]], split) -> list[list[str]]:
    """`split` of each cell, computed once per distinct value; equal cells share one list object."""
    codes, uniques = pd.factorize(column)
    parts = []
    for value in uniques.tolist():
        split_value = cache.get(value)
        if split_value is None:
            split_value = cache[value] = split(value)
        parts.append(split_value)
    return [parts[code] for code in codes.tolist()]


class _Problems:
    """The first reason each row is rejected for."""

    def __init__(self, index: pd.Index):
        self.bad = pd.Series(False, index=index)
        self.reasons = pd.Series("", index=index, dtype="str")

    def flag(self, mask: pd.Series, reason: str | pd.Series) -> None:
        new = mask & ~self.bad
        self.reasons.loc[new] = reason[new] if isinstance(reason, pd.Series) else reason
        self.bad = self.bad | mask


def _to_numeric(frame: pd.DataFrame, column: str, header: str, problems: _Problems) -> pd.Series:
    raw = frame[column]
    values = _arrow_numbers(raw)
    if values is None:  # some cell is not a plain number: pandas tells which
        values = pd.to_numeric(raw, errors="coerce")
    problems.flag(raw.ne("") & values.isna(), f"'{header}' is not a number")
    return values


def _arrow_numbers(raw: pd.Series) -> pd.Series | None:
    """Arrow's cast (several times faster than pd.to_numeric) when every cell is blank or a number."""
    text = pc.utf8_trim_whitespace(pa.array(raw, pa.string(), from_pandas=True))
    try:
        numbers = pc.cast(pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return pd.Series(numbers.to_numpy(zero_copy_only=False), index=raw.index)




def _convert(raw: pd.DataFrame, lines: list[int], columns: dict[str, int], headers: dict[str, str], layout: str,
             caches: dict[str, dict]) -> tuple[pd.DataFrame, list[RowError], int]:
    """Clean columns for a slice of raw rows: (importable rows, their errors, local files counted)."""
    frame = pd.DataFrame({"line": pd.Series(lines, dtype="int64")})
    for name, i in columns.items():
        # numbers parse with surrounding spaces; only text cells are trimmed (saves a copy each)
        column = raw[i]
        frame[name] = column if name in _NUMBER_COLUMNS else column.str.strip()
    for column in dict.fromkeys(COLUMN_ALIASES.values()):
        if column not in columns:
            frame[column] = pd.Series("", index=frame.index, dtype="str")

    local = frame["uri"].str.startswith("spotify:local:")
    track_id = frame["uri"].str.extract(_TRACK_URI, expand=False).fillna(
        frame["uri"].str.extract(_TRACK_URL, expand=False))
    problems = _Problems(frame.index)
    shown = frame["uri"].where(frame["uri"] != "", "(empty)").str.slice(0, 60)
    problems.flag(~local & track_id.isna(), "'Track URI' " + shown + " is not a Spotify track URI")
    problems.flag(~local & frame["title"].eq(""), "'Track Name' is empty")

    out = pd.DataFrame({"line": frame["line"], "track_id": track_id, "uri": "spotify:track:" + track_id})
    for column in ("title", "album", "isrc", "added_by", "label", "release_date"):
        # object dtype with None (not pandas' NaN) so that absent text stays SQL NULL of type VARCHAR
        out[column] = frame[column].astype(object).where(frame[column] != "", None)
    for column in _INTEGER_COLUMNS:
        out[column] = _to_numeric(frame, column, headers[column], problems).round().astype("Int64")
    for column in NUMERIC_FIELDS:
        out[column] = _to_numeric(frame, column, headers[column], problems)
    explicit = frame["explicit"].str.lower()
    problems.flag(~explicit.isin(_TRUE | _FALSE | {""}), "'Explicit' is not true/false")
    out["explicit"] = explicit.map(lambda v: True if v in _TRUE else (False if v in _FALSE else None)).astype("boolean")
    added = pd.to_datetime(frame["added_at"], errors="coerce", utc=True, format="ISO8601")
    problems.flag(frame["added_at"].ne("") & added.isna(), "'Added At' is not a date")
    out["added_at"] = added.dt.tz_localize(None)
    # Cells repeat a lot (same artists, same genres): split each distinct value once.
    out["artist_names"] = _split_each(frame["artist_names"], caches["artist_names"],
                                      lambda v: split_names(v, layout))
    out["artist_uris"] = _split_each(frame["artist_uris"], caches["artist_uris"],
                                     lambda v: [u.strip() for u in re.split(r"[,;]", v) if u.strip()])
    out["genres"] = _split_each(frame["genres"], caches["genres"], split_list)
    problems.flag(~local & out["artist_names"].map(len).eq(0), "'Artist Name(s)' is empty")
    bad = problems.bad

    errors = [RowError(int(line), reason)
              for line, reason in zip(out["line"][bad], problems.reasons[bad], strict=True)]
    return out[~bad & ~local].reset_index(drop=True), errors, int((local & ~bad).sum())


def parse_exportify(data: bytes | Path, source: str = "file") -> ParsedCsv:
    """Parse an Exportify export into one frame of rows; bad rows become RowErrors with their line numbers."""
    collected = _Collected()
    parsed = read_exportify(data, source, collected)  # hands over one frame at least, maybe empty
    frames = collected.frames
    parsed.rows = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
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
    caches: dict[str, dict] = {"artist_names": {}, "artist_uris": {}, "genres": {}}

    def convert(raw: pd.DataFrame, lines: list[int]) -> tuple[list[RowError], int, int]:
        rows, errors, local = _convert(raw, lines, columns, headers, layout, caches)
        sink.add(rows)
        return errors, local, len(raw)

    parts = _fast_parts(csv_input, width, header_lines, convert)
    unreadable: list[RowError] = []  # rows with the wrong number of fields (careful reader only)
    if parts is None:
        sink.clear()
        raw, lines, unreadable = _careful_table(_decode(csv_input.read_all(), source), width, source)
        parts = [convert(raw.iloc[begin:begin + PARSE_CHUNK].reset_index(drop=True), lines[begin:begin + PARSE_CHUNK])
                 for begin in range(0, len(raw), PARSE_CHUNK)]
        del raw
    if not parts:
        parts = [convert(pd.DataFrame({i: pd.Series([], dtype="str") for i in range(width)}), [])]
    errors = sorted([*unreadable, *(e for part in parts for e in part[0])], key=lambda e: e.line)
    return ParsedCsv(rows=None, layout=layout, local_count=sum(part[1] for part in parts), errors=errors,
                     total_rows=len(unreadable) + sum(part[2] for part in parts))
