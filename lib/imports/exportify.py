"""Read an Exportify CSV (classic or 24-column layout) into clean columns plus per-line errors."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

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
PARSE_BLOCK = 8 << 20    # bytes of CSV read and converted at a time (~20k rows)
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

    rows: pd.DataFrame                      # columns: line, track_id, uri, title, ... (see parse_exportify)
    layout: str                             # 'classic' | 'new'
    local_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    total_rows: int = 0


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


def _decode_start(body: bytes, source: str, size: int = 1_000_000) -> str:
    chunk = body[:size]
    try:
        return chunk.decode("utf-8")
    except UnicodeDecodeError as exc:
        if len(body) > size and exc.start >= size - 3:  # only a character cut in two at the chunk's end
            return chunk[:exc.start].decode("utf-8")
        return _decode(body, source)  # raises the readable error


def _header(text: str, source: str) -> tuple[list[str], int]:
    """The header record and how many physical lines it spans."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    try:
        return next(reader), reader.line_num
    except StopIteration:
        raise ValidationError(f"{source}: the file is empty") from None
    except csv.Error as exc:
        raise ValidationError(f"{source}: cannot read the header line ({exc})") from exc


def _fast_parts(data: bytes, width: int, skip: int, convert) -> list | None:
    """Arrow's streaming CSV reader for the common, well-formed file, each block handed to `convert(raw, lines)`
    as it is read (bounded memory); None when a row needs the careful reader."""
    invalid = []

    def on_invalid(row) -> str:
        invalid.append(row)
        return "skip"

    arrow_str = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' own 'str' dtype: no copy into objects
    parts, line = [], skip + 1
    try:
        reader = pa_csv.open_csv(
            io.BytesIO(data), read_options=pa_csv.ReadOptions(skip_rows=skip, autogenerate_column_names=True,
                                                              block_size=PARSE_BLOCK),
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
    if invalid or line - 1 != data.count(b"\n") + (0 if data.endswith(b"\n") else 1):
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
    out = []
    for value in column.tolist():
        parts = cache.get(value)
        if parts is None:
            parts = cache[value] = split(value)
        out.append(parts)
    return out


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
    values = pd.to_numeric(raw, errors="coerce")
    problems.flag(raw.ne("") & values.isna(), f"'{header}' is not a number")
    return values




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


def parse_exportify(data: bytes, source: str = "file") -> ParsedCsv:
    """Parse an Exportify export; bad rows become RowErrors with their 1-based line numbers."""
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    # The whole file is decoded only when the fast reader cannot take it (saves ~4 bytes per character).
    header, header_lines = _header(_decode_start(body, source), source)
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

    def convert(raw: pd.DataFrame, lines: list[int]) -> tuple[pd.DataFrame, list[RowError], int, int]:
        return *_convert(raw, lines, columns, headers, layout, caches), len(raw)

    # Converted block by block: the pandas intermediates of 100k rows at once cost ~300 MB.
    parts = _fast_parts(body, width, header_lines, convert)
    errors: list[RowError] = []
    if parts is None:
        raw, lines, errors = _careful_table(_decode(data, source), width, source)
        parts = [convert(raw.iloc[begin:begin + PARSE_CHUNK].reset_index(drop=True), lines[begin:begin + PARSE_CHUNK])
                 for begin in range(0, len(raw), PARSE_CHUNK)]
        del raw
    if not parts:
        parts = [convert(pd.DataFrame({i: pd.Series([], dtype="str") for i in range(width)}), [])]
    total_rows = len(errors) + sum(part[3] for part in parts)
    local_count = sum(part[2] for part in parts)
    errors = sorted([*errors, *(e for part in parts for e in part[1])], key=lambda e: e.line)
    frames = [part[0] for part in parts]
    del parts
    rows_ok = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return ParsedCsv(rows=rows_ok, layout=layout, local_count=local_count, errors=errors,
                     total_rows=total_rows)
