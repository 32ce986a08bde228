"""Store a parsed Exportify file as one source of the library, in one transaction."""

from __future__ import annotations

import ctypes
import gc
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lib.errors import AutoPlaylistsError
from lib.imports.exportify import ParsedCsv, RowError, read_exportify
from lib.imports.exportify_convert import distinct_groups, list_items_map
from lib.store import Library, atomic, create_job, retry_out_of_memory, set_job_status
from lib.store.catalog import SourceRecord, name_key, parse_release_date, upsert_source
from lib.store.import_staging import (
    STAGED_SCHEMA,
    affected_track_ids,
    clear_import_staging,
    create_import_staging,
    drop_import_rows,
    drop_import_staging,
    prepare_staged_import,
    replace_source_from_staging,
    stage_import_rows,
    upsert_staged_catalog,
    write_staged_values,
)
from lib.store.schema import PRECEDENCE
from lib.store.track_view import mark_track_view_stale, refresh_stale_track_view

PROVIDER = "exportify-csv"
PROVIDER_VERSION = "1"
_LIKED_STEMS = {"likedsongs", "liked", "yourlikedsongs", "likedtracks"}


@dataclass
class ImportResult:
    """What one file import did."""

    source_id: str
    name: str
    kind: str
    file_name: str
    layout: str
    rows: int                                # data rows in the file
    imported: int                            # rows stored as track occurrences
    tracks: int                              # distinct tracks among them
    new_tracks: int                          # tracks the library did not have before
    local_count: int
    errors: list[RowError] = field(default_factory=list)
    job_id: int | None = None

    def summary(self) -> str:
        skipped = f", {len(self.errors)} row(s) skipped" if self.errors else ""
        local = f", {self.local_count} local file(s) counted" if self.local_count else ""
        return (f"{self.file_name} → '{self.name}': {self.imported} of {self.rows} rows imported "
                f"({self.tracks} tracks, {self.new_tracks} new){local}{skipped}")


def playlist_name_from_file(file_name: str) -> str:
    """'My_Road_Trip.csv' → 'My Road Trip'."""
    stem = Path(file_name).stem
    return re.sub(r"\s+", " ", stem.replace("_", " ")).strip() or "Imported playlist"


def is_liked_file(file_name: str) -> bool:
    """Liked_Songs.csv, liked-songs.csv, Liked Songs.csv ... name the Liked Songs source."""
    return re.sub(r"[\W_]+", "", Path(file_name).stem.casefold()) in _LIKED_STEMS


def source_id_for(name: str) -> str:
    slug = re.sub(r"[\W_]+", "-", name.casefold()).strip("-")
    return f"file:{slug or 'playlist'}"


class _StagedBlocks:
    """The parser's sink: each block gets its catalog ids and parsed dates and goes to the staging table."""

    def __init__(self, cur):
        self.cur = cur
        self.position = 0
        self.artist_keys: dict[str | None, str] = {}
        self.album_keys: dict[tuple[str, str], str] = {}
        self.dates: dict[str | None, tuple] = {}

    def add(self, rows: pa.Table) -> None:
        if rows.num_rows:
            stage_import_rows(self.cur, self.staged(rows.combine_chunks()))
        self.position += rows.num_rows

    def clear(self) -> None:
        clear_import_staging(self.cur)
        self.position = 0

    def _album_key(self, album: str | None, first_artist: str) -> str | None:
        if album is None:
            return None
        key = self.album_keys.get((album, first_artist))
        if key is None:
            key = self.album_keys[(album, first_artist)] = name_key(album, first_artist)
        return key

    def _release(self, value: str | None) -> tuple:
        parsed = self.dates.get(value)
        if parsed is None:
            parsed = self.dates[value] = parse_release_date(value)
        return parsed

    def staged(self, rows: pa.Table) -> pa.Table:
        """The block as STAGED_SCHEMA rows: artist ids from the URIs (or names), album ids, release dates.
        Each is worked out once per distinct cell (or pair of cells) of the block."""
        names, uris = rows["artist_names"].chunk(0), rows["artist_uris"].chunk(0)
        # A credit's id is its URI's last part when every artist has a URI, else a key of the name.
        from_uris = pa.ListArray.from_arrays(uris.offsets, pc.replace_substring_regex(uris.values, "^.*:", ""))
        by_uri = pc.equal(pc.list_value_length(uris), pc.list_value_length(names))
        artist_ids = from_uris if pc.all(by_uri).as_py() else pc.if_else(
            by_uri, from_uris, list_items_map(names, name_key, self.artist_keys))
        first_names = pc.binary_join(pc.list_slice(names, 0, 1), "")
        albums = rows["album"].chunk(0)
        album_first, album_inverse = distinct_groups(albums, first_names)
        album_ids = [self._album_key(album, artist) for album, artist in
                     zip(albums.take(album_first).to_pylist(), first_names.take(album_first).to_pylist(), strict=True)]
        dates = rows["release_date"].chunk(0)
        date_first, date_inverse = distinct_groups(dates)
        released = [self._release(v) for v in dates.take(date_first).to_pylist()]
        columns = {"position": pa.array(np.arange(self.position, self.position + rows.num_rows), pa.int64()),
                   "artist_ids": artist_ids,
                   "album_id": pa.array(album_ids, pa.string()).take(album_inverse),
                   "release_day": pa.array([d for d, _ in released], pa.date32()).take(date_inverse),
                   "release_precision": pa.array([p for _, p in released], pa.string()).take(date_inverse)}
        return pa.table([columns[f.name] if f.name in columns else rows[f.name].chunk(0) for f in STAGED_SCHEMA],
                        schema=STAGED_SCHEMA)


def _release_memory() -> None:
    """Hand the parser's freed memory back to the OS before DuckDB's heavy steps (bounds peak RSS):
    Python, Arrow and glibc each keep freed memory for themselves otherwise."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


# Above this share of the library, rebuilding the whole view is cheaper than patching it.
_FULL_REFRESH_SHARE = 0.3


def _write(cur, parsed: ParsedCsv, source: SourceRecord) -> tuple[int, int, bool]:
    """Write the staged rows as `source`; return (distinct tracks, tracks new to the library, whether the
    whole view needs rebuilding rather than the affected tracks' rows)."""
    counts = prepare_staged_import(cur, source.source_id, PROVIDER)
    upsert_source(cur, source)
    replace_source_from_staging(cur, source.source_id, local_count=parsed.local_count)
    upsert_staged_catalog(cur)
    write_staged_values(cur, PROVIDER, PRECEDENCE["file"], PROVIDER_VERSION)
    mark_track_view_stale(cur)
    total_after = counts.total_before + counts.tracks - counts.known
    full = counts.affected > _FULL_REFRESH_SHARE * total_after
    return counts.tracks, counts.tracks - counts.known, full


def import_exportify_csv(library: Library, data: bytes | str | Path, *, file_name: str | None = None,
                         name: str | None = None, liked: bool | None = None) -> ImportResult:
    """Import one Exportify CSV as a playlist (or Liked Songs); bad rows are skipped and reported.

    `data` is the file's bytes or a path. The source is named after the file unless `name` is
    given; `liked=True` (or a file called like Liked_Songs.csv) makes it the Liked Songs source.
    Importing the same file again replaces that source's membership and this provider's values.
    """
    if isinstance(data, (str, Path)):  # read block by block as it is parsed
        data = Path(data)
        file_name = file_name or data.name
    file_name = file_name or "upload.csv"
    if liked is None:
        liked = name is None and is_liked_file(file_name)
    if liked:
        source = SourceRecord("liked", "liked", name or "Liked Songs", origin="csv", file_path=file_name)
    else:
        display = (name or "").strip() or playlist_name_from_file(file_name)
        source = SourceRecord(source_id_for(display), "playlist", display, origin="csv", file_path=file_name)
    with library.cursor() as cur:
        create_import_staging(cur)
        try:
            staged = _StagedBlocks(cur)
            parsed = read_exportify(data, file_name, staged)
            result = ImportResult(source.source_id, source.name, source.kind, file_name, parsed.layout,
                                  rows=parsed.total_rows, imported=staged.position, tracks=0, new_tracks=0,
                                  local_count=parsed.local_count, errors=parsed.errors)
            del data, staged  # the file's bytes (when given) and the id caches are no longer needed
            _release_memory()
            _write_then_refresh(library, cur, parsed, source, result)
        finally:
            drop_import_staging(cur)
    return result


def _write_then_refresh(library: Library, cur, parsed: ParsedCsv, source: SourceRecord,
                        result: ImportResult) -> None:
    """The rows in one transaction, then the flattened view in a second one (see mark_track_view_stale)."""
    file_name = result.file_name
    job_id = result.job_id = create_job(library, "import", source.source_id, message=f"Importing {file_name}")

    def write() -> tuple[int, int, bool]:
        with atomic(cur):
            return _write(cur, parsed, source)

    def refresh() -> None:
        with atomic(cur):
            refresh_stale_track_view(cur, None if full else affected_track_ids(cur))
            set_job_status(library, job_id, "done", result.summary(), cursor=cur)

    try:
        result.tracks, result.new_tracks, full = retry_out_of_memory(cur, write)
    except AutoPlaylistsError as exc:
        set_job_status(library, job_id, "failed", str(exc))
        raise
    except Exception as exc:
        set_job_status(library, job_id, "failed", f"{type(exc).__name__}: {exc}")
        raise AutoPlaylistsError(f"{file_name}: import failed, nothing was changed ({exc})") from exc
    drop_import_rows(cur)  # committed: its memory is the view rebuild's now
    try:
        retry_out_of_memory(cur, refresh)
    except Exception as exc:
        message = (f"{file_name}: the rows were imported, but updating the track table failed ({exc}); "
                   "it is rebuilt the next time the library is opened")
        set_job_status(library, job_id, "failed", message)
        raise AutoPlaylistsError(message) from exc
