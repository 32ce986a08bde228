"""Typed, checked columns from a block of Exportify cells, with Arrow (Python sees distinct cells only)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

TEXT_COLUMNS = ("title", "album", "isrc", "added_by", "label", "release_date")
INTEGER_COLUMNS = ("duration_ms", "disc_number", "track_number")
NUMERIC_FIELDS = ("popularity", "danceability", "energy", "key", "loudness", "mode", "speechiness",
                  "acousticness", "instrumentalness", "liveness", "valence", "tempo", "time_signature")
LIST_COLUMNS = ("artist_names", "artist_ids", "album_artists", "genres")
_STRINGS = pa.list_(pa.string())
# The converted block: one row per importable line, in file order. artist_ids are the row's artist
# ids as the file gives them (they pair with artist_names only when both have the same length).
ROWS_SCHEMA = pa.schema([
    ("line", pa.int64()), ("track_id", pa.string()), ("uri", pa.string()), ("album_id", pa.string()),
    *((name, pa.string()) for name in TEXT_COLUMNS), *((name, pa.int64()) for name in INTEGER_COLUMNS),
    *((name, pa.float64()) for name in NUMERIC_FIELDS), ("explicit", pa.bool_()), ("added_at", pa.timestamp("us")),
    *((name, _STRINGS) for name in LIST_COLUMNS),
])
_ID = "(?P<id>[0-9A-Za-z]{22})"
_TRACK = rf"^(?:spotify:track:|https?://open\.spotify\.com/(?:intl-[a-z]+/)?track/)?{_ID}(?:\?.*)?$"
_ALBUM = rf"^(?:spotify:album:)?{_ID}$"
_NOT_FINITE = r"(?i)^[+-]?(?:inf|infinity|nan)$"
_TRUE, _FALSE = ["true", "1", "yes", "y", "t"], ["false", "0", "no", "n", "f"]
_NULL_TEXT = pa.scalar(None, pa.string())


@dataclass
class BlockFormat:
    """What every block of one file shares: where each column is, its header, the exporter, split caches."""

    columns: dict[str, int]           # our column name → index in the raw row
    headers: dict[str, str]           # our column name → the file's header, for messages
    exporter: str                     # 'watsonbox' | 'pavelkomarov'
    semicolons: bool = False          # pavelkomarov since 2025-07-22: artists joined with ';' (the whole file)
    caches: dict[str, dict] = field(default_factory=dict)


@dataclass
class BlockResult:
    rows: pa.Table                                  # ROWS_SCHEMA, importable rows only
    counts: dict[str, int]                          # rows, local, episode, unavailable, errors, warnings
    errors: list[tuple[int, str]]                   # (line, reason) of the first skipped rows
    warnings: list[tuple[int, str]]                 # (line, what was dropped) for the first dropped values


def split_names(value: str | None, exporter: str, count: int = 0, semicolons: bool = False) -> list[str]:
    """Split an `Artist Name(s)` cell into names.

    watsonbox joins with ', ' and writes a comma inside a name as '\\,'. pavelkomarov joined with ','
    (no space, no escaping) until 2025-07-22, with ';' since: there ', ' belongs to a name ('Tyler, The
    Creator'), and `count` (the row's artist ids, when it has them) tells how many names there are.
    """
    if value is None or not value.strip():
        return []
    if exporter == "watsonbox":
        parts = [p.replace("\\,", ",") for p in re.split(r"(?<!\\),", value)]
    elif semicolons or ";" in value:
        parts = value.split(";")
    else:
        parts = re.split(r",(?! )", value)
        if count and len(parts) != count and value.count(",") + 1 == count:
            parts = value.split(",")
    return [p.strip() for p in parts if p.strip()]


def split_list(value: str | None) -> list[str]:
    """Genres and similar: separated by ',' or ';' (escaped commas kept)."""
    if value is None or not value.strip():
        return []
    parts = re.split(r"(?<!\\)[,;]", value)
    return list(dict.fromkeys(p.replace("\\,", ",").strip() for p in parts if p.strip()))


def split_ids(cells: pa.Array) -> pa.Array:
    """URIs or bare ids split at ',' or ';', each as its last ':' part, blanks dropped."""
    lists = pc.split_pattern_regex(cells, "[,;]")
    parents = pc.list_parent_indices(lists).to_numpy()
    items = pc.replace_substring_regex(pc.utf8_trim_whitespace(pc.list_flatten(lists)), "^.*:", "")
    keep = pc.not_equal(items, "")
    counts = np.bincount(parents[keep.to_numpy(zero_copy_only=False)], minlength=len(lists))
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), items.filter(keep))


def distinct_groups(*arrays: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Rows grouped by their values in `arrays` (nulls are a value): (first row of each group, group per row)."""
    key = None
    for array in arrays:
        codes = pc.fill_null(pc.dictionary_encode(array).indices, -1).to_numpy(zero_copy_only=False) + 1
        key = codes.astype(np.int64) if key is None else pd.factorize(key * (int(codes.max()) + 1) + codes)[0]
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def map_distinct(fn: Callable, cache: dict, out_type: pa.DataType, *arrays: pa.Array) -> pa.Array:
    """`fn` of each row's cells, computed once per distinct combination (remembered in `cache` across blocks).
    Reading and keying a 100,000-row file took 3.5-3.9 s this way, 5.4-6.3 s calling `fn` per row."""
    first, inverse = distinct_groups(*arrays)
    results = []
    for values in zip(*(array.take(pa.array(first)).to_pylist() for array in arrays), strict=True):
        result = cache.get(values)
        if result is None:
            result = cache[values] = fn(*values)
        results.append(result)
    return pa.array(results, out_type).take(pa.array(inverse))


def _numbers(text: pa.Array) -> np.ndarray:
    """Each (trimmed) cell as a float, NaN where blank or not a number (Arrow's cast; pandas for the odd cell)."""
    try:
        return pc.cast(pc.if_else(pc.equal(text, ""), _NULL_TEXT, text), pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # some cell is not a plain number
        return pd.to_numeric(pd.Series(text.to_pylist(), dtype=object), errors="coerce").to_numpy(np.float64)


def _mask(array: pa.Array) -> np.ndarray:
    return pc.fill_null(array, False).to_numpy(zero_copy_only=False)


def convert_block(raw: dict[int, pa.Array], lines: np.ndarray, fmt: BlockFormat, room: int) -> BlockResult:
    """Clean columns for a block of raw rows (`raw[i]` is the file's column i, `lines[k]` row k's line);
    at most `room` errors and warnings are spelled out."""
    n = len(lines)
    blank = pa.array([""] * n, pa.string())

    def cell(name: str) -> pa.Array:
        return pc.utf8_trim_whitespace(raw[fmt.columns[name]]) if name in fmt.columns else blank

    uri, title, names = cell("uri"), cell("title"), cell("artist_names")
    empty = np.ones(n, dtype=bool)  # blank lines are no rows
    for column in raw.values():
        empty &= _mask(pc.equal(column, ""))
    local, episode = _mask(pc.starts_with(uri, "spotify:local:")), _mask(pc.starts_with(uri, "spotify:episode:"))
    track_id = pc.struct_field(pc.extract_regex(uri, _TRACK), "id")
    unavailable = ~_mask(pc.is_null(track_id)) & _mask(pc.equal(title, "")) & _mask(pc.equal(names, ""))
    other = empty | local | episode | unavailable
    columns: dict[str, pa.Array] = {
        "line": pa.array(lines, pa.int64()), "track_id": track_id,
        "uri": pc.binary_join_element_wise("spotify:track:", track_id, ""),
        "album_id": pc.struct_field(pc.extract_regex(cell("album_uri"), _ALBUM), "id"),
    }
    problems: list[tuple[np.ndarray, Callable[[int], str]]] = [
        (_mask(pc.is_null(track_id)), lambda k: f"'{fmt.headers['uri']}' {uri[k].as_py()[:60] or '(empty)'} "
                                                "is not a Spotify track"),
        (_mask(pc.equal(title, "")), lambda k: f"'{fmt.headers['title']}' is empty")]
    for name in TEXT_COLUMNS:
        columns[name] = pc.if_else(pc.equal(cell(name), ""), _NULL_TEXT, cell(name))
    dropped: list[tuple[np.ndarray, Callable[[int], str]]] = []
    for name in (*INTEGER_COLUMNS, *NUMERIC_FIELDS):
        text = cell(name)
        values = _numbers(text)
        not_finite = _mask(pc.match_substring_regex(text, _NOT_FINITE)) | np.isinf(values)
        dropped.append((not_finite, lambda k, name=name, text=text:
                        f"'{fmt.headers[name]}' {text[k].as_py()[:20]} is not a finite number (left out)"))
        values = np.where(not_finite, np.nan, values)
        if name in INTEGER_COLUMNS:  # beyond 2**53 a float has no exact integer, and int64 would overflow
            values = np.where(np.abs(values) < 2.0**53, values, np.nan)
        problems.append((_mask(pc.not_equal(text, "")) & np.isnan(values) & ~not_finite,
                         lambda k, name=name: f"'{fmt.headers[name]}' is not a number"))
        columns[name] = (pc.cast(pa.array(np.round(values), from_pandas=True), pa.int64())
                         if name in INTEGER_COLUMNS else pa.array(values, from_pandas=True))
    explicit = pc.utf8_lower(cell("explicit"))
    is_true, is_false = pc.is_in(explicit, pa.array(_TRUE)), pc.is_in(explicit, pa.array(_FALSE))
    problems.append((~_mask(pc.or_(pc.or_(is_true, is_false), pc.equal(explicit, ""))),
                     lambda k: f"'{fmt.headers['explicit']}' is not true/false"))
    columns["explicit"] = pc.if_else(is_true, True, pc.if_else(is_false, False, pa.scalar(None, pa.bool_())))
    added_text = cell("added_at")
    added = pd.to_datetime(pd.Series(added_text.to_numpy(zero_copy_only=False)), errors="coerce", utc=True,
                           format="ISO8601").dt.tz_localize(None)
    problems.append((_mask(pc.not_equal(added_text, "")) & added.isna().to_numpy(),
                     lambda k: f"'{fmt.headers['added_at']}' is not a date"))
    columns["added_at"] = pc.cast(pa.array(added, from_pandas=True), pa.timestamp("us"), safe=False)
    # Cells repeat a lot (same artists, same genres): split each distinct value once.
    columns["artist_ids"] = split_ids(cell("artist_uris"))
    columns["artist_names"] = map_distinct(
        lambda value, count: split_names(value, fmt.exporter, count, fmt.semicolons),
        fmt.caches.setdefault("names", {}), _STRINGS, names,
        pc.list_value_length(columns["artist_ids"]))
    columns["album_artists"] = map_distinct(lambda value: split_names(value, "watsonbox"),
                                            fmt.caches.setdefault("album_artists", {}), _STRINGS,
                                            cell("album_artists"))
    genres = cell("genres")
    if "album_genres" in fmt.columns:
        genres = pc.binary_join_element_wise(genres, cell("album_genres"), ",")
    columns["genres"] = map_distinct(split_list, fmt.caches.setdefault("genres", {}), _STRINGS, genres)
    problems.append((pc.list_value_length(columns["artist_names"]).to_numpy() == 0,
                     lambda k: f"'{fmt.headers['artist_names']}' is empty"))

    bad = np.zeros(n, dtype=bool)
    for mask, _ in problems:
        bad |= mask
    bad &= ~other
    errors = [(int(lines[k]), next(reason(k) for mask, reason in problems if mask[k]))
              for k in np.flatnonzero(bad)[:room]]
    warned = np.zeros(n, dtype=bool)
    for mask, _ in dropped:
        warned |= mask
    warned &= ~bad & ~other
    warnings = [(int(lines[k]), "; ".join(reason(k) for mask, reason in dropped if mask[k]))
                for k in np.flatnonzero(warned)[:room]]
    keep = ~bad & ~other
    table = pa.table([columns[f.name] for f in ROWS_SCHEMA], schema=ROWS_SCHEMA).filter(pa.array(keep))
    counts = {"rows": int((~empty).sum()), "local": int(local.sum()), "episode": int((episode & ~local).sum()),
              "unavailable": int((unavailable & ~local & ~episode & ~empty).sum()), "errors": int(bad.sum()),
              "warnings": int(sum(int((mask & keep).sum()) for mask, _ in dropped))}
    return BlockResult(table, counts, errors, warnings)
