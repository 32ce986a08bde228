"""Typed, checked columns from a block of raw Exportify cells, with Arrow (Python sees distinct cells only)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

TEXT_COLUMNS = ("title", "album", "isrc", "added_by", "label", "release_date")
INTEGER_COLUMNS = ("duration_ms", "disc_number", "track_number")
NUMERIC_FIELDS = ("popularity", "danceability", "energy", "key", "loudness", "mode", "speechiness",
                  "acousticness", "instrumentalness", "liveness", "valence", "tempo", "time_signature")
LIST_COLUMNS = ("artist_names", "artist_uris", "genres")
_NUMBER_COLUMNS = frozenset((*INTEGER_COLUMNS, *NUMERIC_FIELDS))
_STRINGS = pa.list_(pa.string())
# The converted block: one row per importable line, in file order.
ROWS_SCHEMA = pa.schema([
    ("line", pa.int64()), ("track_id", pa.string()), ("uri", pa.string()),
    *((name, pa.string()) for name in TEXT_COLUMNS), *((name, pa.int64()) for name in INTEGER_COLUMNS),
    *((name, pa.float64()) for name in NUMERIC_FIELDS), ("explicit", pa.bool_()), ("added_at", pa.timestamp("us")),
    *((name, _STRINGS) for name in LIST_COLUMNS),
])
_TRACK_URI = r"^spotify:track:(?P<id>[0-9A-Za-z]{22})$"
_TRACK_URL = r"^https?://open\.spotify\.com/(?:intl-[a-z]+/)?track/(?P<id>[0-9A-Za-z]{22})"
_TRUE, _FALSE = ["true", "1", "yes", "y", "t"], ["false", "0", "no", "n", "f"]
_NULL_TEXT = pa.scalar(None, pa.string())
_UNESCAPED_COMMA = re.compile(r"(?<!\\),")


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


def split_uris(cells: pa.Array) -> pa.Array:
    """Each cell split at ',' or ';', parts trimmed, empty ones dropped (vectorized: URIs rarely repeat)."""
    return drop_blank_items(pc.split_pattern_regex(cells, "[,;]"))


def drop_blank_items(lists: pa.Array) -> pa.Array:
    """The lists with each item trimmed and blank items dropped."""
    parents = pc.list_parent_indices(lists).to_numpy()
    items = pc.utf8_trim_whitespace(pc.list_flatten(lists))
    keep = pc.not_equal(items, "")
    counts = np.bincount(parents[keep.to_numpy(zero_copy_only=False)], minlength=len(lists))
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), items.filter(keep))


def list_items_map(lists: pa.Array, fn: Callable, cache: dict) -> pa.Array:
    """`fn` of every item of the lists (once per distinct item), as lists of the same shape."""
    values = map_distinct(lists.values, fn, cache, pa.string())
    return pa.ListArray.from_arrays(lists.offsets, values)


@dataclass
class BlockFormat:
    """What every block of one file shares: where each column is, its header, the layout, split caches."""

    columns: dict[str, int]           # our column name → index in the raw row
    headers: dict[str, str]           # our column name → the file's header, for messages
    layout: str                       # 'classic' | 'new'
    caches: dict[str, dict]


@dataclass
class ConvertedBlock:
    rows: pa.Table                    # ROWS_SCHEMA, importable rows only
    errors: list[tuple[int, str]]     # (line, reason) of the rows skipped
    local_count: int


def distinct_groups(*arrays: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Rows grouped by their values in `arrays` (nulls are a value): (first row of each group, group per row)."""
    key = None
    for array in arrays:
        codes = pc.fill_null(pc.dictionary_encode(array).indices, -1).to_numpy(zero_copy_only=False) + 1
        key = codes.astype(np.int64) if key is None else pd.factorize(key * (int(codes.max()) + 1) + codes)[0]
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def map_distinct(array: pa.Array, fn: Callable, cache: dict, out_type: pa.DataType) -> pa.Array:
    """`fn` of each cell, computed once per distinct value (and remembered in `cache` across blocks)."""
    first, inverse = distinct_groups(array)
    results = []
    for value in array.take(pa.array(first)).to_pylist():
        result = cache.get(value)
        if result is None:
            result = cache[value] = fn(value)
        results.append(result)
    return pa.array(results, out_type).take(pa.array(inverse))


def _numbers(raw: pa.Array) -> np.ndarray:
    """Each cell as a float, NaN where blank or not a number (Arrow's cast; pandas names the odd cell)."""
    text = pc.utf8_trim_whitespace(raw)
    try:
        numbers = pc.cast(pc.if_else(pc.equal(text, ""), _NULL_TEXT, text), pa.float64())
        values = numbers.to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # some cell is not a plain number
        values = pd.to_numeric(pd.Series(raw.to_pylist(), dtype=object), errors="coerce").to_numpy(np.float64)
    return np.where(np.isfinite(values), values, np.nan)


def _blank_as_null(text: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(text, ""), _NULL_TEXT, text)


def _mask(array: pa.Array) -> np.ndarray:
    return pc.fill_null(array, False).to_numpy(zero_copy_only=False)


def convert_block(raw: Sequence[pa.Array], lines: np.ndarray, fmt: BlockFormat) -> ConvertedBlock:
    """Clean columns for a block of raw rows (`raw[i]` is the file's column i, `lines[k]` row k's line)."""
    n = len(lines)
    blank = pa.repeat("", n)

    def cell(name: str) -> pa.Array:
        # numbers parse with surrounding spaces; only text cells are trimmed
        column = raw[fmt.columns[name]] if name in fmt.columns else blank
        return column if name in _NUMBER_COLUMNS else pc.utf8_trim_whitespace(column)

    uri = cell("uri")
    local = _mask(pc.starts_with(uri, "spotify:local:"))
    track_id = pc.coalesce(pc.struct_field(pc.extract_regex(uri, _TRACK_URI), "id"),
                           pc.struct_field(pc.extract_regex(uri, _TRACK_URL), "id"))
    columns: dict[str, pa.Array] = {
        "line": pa.array(lines, pa.int64()), "track_id": track_id,
        "uri": pc.binary_join_element_wise("spotify:track:", track_id, ""),
    }
    problems: list[tuple[np.ndarray, Callable[[int], str]]] = []
    problems.append((~local & _mask(pc.is_null(track_id)),
                     lambda k: f"'Track URI' {uri[k].as_py()[:60] or '(empty)'} is not a Spotify track URI"))
    for name in TEXT_COLUMNS:
        columns[name] = _blank_as_null(cell(name))
    problems.append((~local & _mask(pc.is_null(columns["title"])), lambda k: "'Track Name' is empty"))
    for name in (*INTEGER_COLUMNS, *NUMERIC_FIELDS):
        values = _numbers(cell(name))
        if name in INTEGER_COLUMNS:  # beyond 2**53 a float has no exact integer, and int64 would overflow
            values = np.where(np.abs(values) < 2.0**53, values, np.nan)
        problems.append((_mask(pc.not_equal(cell(name), "")) & np.isnan(values),
                         lambda k, header=fmt.headers[name]: f"'{header}' is not a number"))
        columns[name] = (pc.cast(pa.array(np.round(values), from_pandas=True), pa.int64())
                         if name in INTEGER_COLUMNS else pa.array(values, from_pandas=True))
    explicit = pc.utf8_lower(cell("explicit"))
    is_true, is_false = pc.is_in(explicit, pa.array(_TRUE)), pc.is_in(explicit, pa.array(_FALSE))
    problems.append((~_mask(pc.or_(pc.or_(is_true, is_false), pc.equal(explicit, ""))),
                     lambda k: "'Explicit' is not true/false"))
    columns["explicit"] = pc.if_else(is_true, True, pc.if_else(is_false, False, pa.scalar(None, pa.bool_())))
    added_text = cell("added_at")
    added = pd.to_datetime(pd.Series(added_text.to_numpy(zero_copy_only=False)), errors="coerce", utc=True,
                           format="ISO8601").dt.tz_localize(None)
    problems.append((_mask(pc.not_equal(added_text, "")) & added.isna().to_numpy(),
                     lambda k: "'Added At' is not a date"))
    columns["added_at"] = pc.cast(pa.array(added, from_pandas=True), pa.timestamp("us"), safe=False)
    # Cells repeat a lot (same artists, same genres): split each distinct value once.
    columns["artist_names"] = map_distinct(cell("artist_names"), lambda v: split_names(v, fmt.layout),
                                           fmt.caches.setdefault("artist_names", {}), _STRINGS)
    columns["artist_uris"] = split_uris(cell("artist_uris"))
    columns["genres"] = map_distinct(cell("genres"), split_list, fmt.caches.setdefault("genres", {}), _STRINGS)
    problems.append((~local & (pc.list_value_length(columns["artist_names"]).to_numpy() == 0),
                     lambda k: "'Artist Name(s)' is empty"))

    bad = np.zeros(n, dtype=bool)
    for mask, _ in problems:
        bad |= mask
    errors = [(int(lines[k]), next(reason(k) for mask, reason in problems if mask[k])) for k in np.flatnonzero(bad)]
    keep = pa.array(~bad & ~local)
    table = pa.table([columns[f.name] for f in ROWS_SCHEMA], schema=ROWS_SCHEMA).filter(keep)
    return ConvertedBlock(table, errors, int((local & ~bad).sum()))


def empty_rows() -> pa.Table:
    return ROWS_SCHEMA.empty_table()


def rows_frame(table: pa.Table) -> pd.DataFrame:
    """The converted rows as a pandas frame: text as objects with None, nullable ints and booleans, lists."""
    frame = pd.DataFrame({"line": table["line"].to_numpy()})
    for name in ("track_id", "uri", *TEXT_COLUMNS, *LIST_COLUMNS):
        frame[name] = pd.Series(table[name].to_pylist(), dtype=object)
    for name in INTEGER_COLUMNS:
        frame[name] = pd.array(table[name].to_pylist(), dtype="Int64")
    for name in NUMERIC_FIELDS:
        frame[name] = table[name].to_numpy()
    frame["explicit"] = pd.array(table["explicit"].to_pylist(), dtype="boolean")
    frame["added_at"] = table["added_at"].to_pandas()
    return frame[[f.name for f in ROWS_SCHEMA]]
