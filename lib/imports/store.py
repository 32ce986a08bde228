"""Store a parsed Exportify file as one source of the library, in one transaction."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lib.errors import AutoPlaylistsError, ValidationError
from lib.imports.exportify import ParsedCsv, RowError, read_exportify
from lib.imports.exportify_convert import distinct_groups, map_distinct
from lib.store import Library, create_job, set_job_status
from lib.store.catalog import SourceRecord, parse_release_date, upsert_source
from lib.store.import_staging import (
    STAGED_SCHEMA,
    create_import_staging,
    prepare_staged_import,
    replace_source_from_staging,
    stage_import_rows,
    upsert_staged_catalog,
    write_staged_values,
)
from lib.store.schema import PRECEDENCE

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
    layout: str                              # the exporter: 'watsonbox' | 'pavelkomarov'
    rows: int                                # data rows in the file
    imported: int                            # rows stored as track occurrences
    tracks: int = 0                          # distinct tracks among them
    new_tracks: int = 0                      # tracks the library did not have before
    local_count: int = 0
    episode_count: int = 0
    unavailable_count: int = 0
    errors: list[RowError] = field(default_factory=list)    # the first skipped rows
    error_count: int = 0
    warnings: list[RowError] = field(default_factory=list)  # the first values left out
    warning_count: int = 0
    job_id: int | None = None

    def summary(self) -> str:
        kept_out = [f"{count} {what}" for count, what in ((self.local_count, "local file(s)"), (
            self.episode_count, "episode(s)"), (self.unavailable_count, "unavailable track(s)")) if count]
        return "".join((f"{self.file_name} → '{self.name}': {self.imported} of {self.rows} rows imported "
                        f"({self.tracks} tracks, {self.new_tracks} new)",
                        f"; kept out: {', '.join(kept_out)}" if kept_out else "",
                        f"; {self.error_count} row(s) skipped" if self.error_count else "",
                        f"; {self.warning_count} value(s) left out" if self.warning_count else ""))


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


def name_key(*parts: str | None) -> str:
    """The id of an artist or album the file names without an id ('name:<12 hex>'). Exact: Spotify's
    'YUZMV' and 'Yuzmv' are two artists."""
    return "name:" + hashlib.sha1("\x1f".join(p or "" for p in parts).encode("utf-8")).hexdigest()[:12]


class _StagedBlocks:
    """The parser's sink: each block gets its catalog ids and parsed dates and goes to the staging table."""

    def __init__(self, cur):
        self.cur = cur
        self.position = 0
        self.caches: dict[str, dict] = {"artists": {}, "albums": {}, "dates": {}}

    def __call__(self, rows: pa.Table) -> None:
        stage_import_rows(self.cur, self.staged(rows.combine_chunks()))
        self.position += rows.num_rows

    def staged(self, rows: pa.Table) -> pa.Table:
        """The block as STAGED_SCHEMA rows: artist ids from the file (or names), album ids, release dates.
        Each is worked out once per distinct cell (or combination of cells)."""
        names, ids = rows["artist_names"].chunk(0), rows["artist_ids"].chunk(0)
        # A credit's id is the file's when every artist has one, else a key of the name.
        by_id = pc.equal(pc.list_value_length(ids), pc.list_value_length(names))
        artist_ids = ids if pc.all(by_id).as_py() is not False else pc.if_else(by_id, ids, pa.ListArray.from_arrays(
            names.offsets, map_distinct(name_key, self.caches["artists"], pa.string(), names.values)))
        # Without an album URI, an album is its name, its album artists (else the first artist) and date.
        album_ids = rows["album_id"].chunk(0)
        if album_ids.null_count:
            album_artists = pc.binary_join(rows["album_artists"].chunk(0), "\x1f")
            credited = pc.if_else(pc.equal(album_artists, ""), pc.binary_join(pc.list_slice(names, 0, 1), ""),
                                  album_artists)
            album_ids = pc.coalesce(album_ids, map_distinct(lambda album, artists, date: None if album is None else
                                                            name_key(album, artists, date), self.caches["albums"],
                                                            pa.string(), rows["album"].chunk(0), credited,
                                                            rows["release_date"].chunk(0)))
        dates = rows["release_date"].chunk(0)
        first, inverse = distinct_groups(dates)
        released = [self._release(value) for value in dates.take(pa.array(first)).to_pylist()]
        columns = {"position": pa.array(np.arange(self.position, self.position + rows.num_rows), pa.int64()),
                   "artist_ids": artist_ids,
                   "album_id": album_ids,
                   "release_day": pa.array([d for d, _ in released], pa.date32()).take(inverse),
                   "release_precision": pa.array([p for _, p in released], pa.string()).take(inverse)}
        return pa.table([columns[f.name] if f.name in columns else rows[f.name].chunk(0) for f in STAGED_SCHEMA],
                        schema=STAGED_SCHEMA)

    def _release(self, value: str | None) -> tuple:
        parsed = self.caches["dates"].get(value)
        if parsed is None:
            parsed = self.caches["dates"][value] = parse_release_date(value)
        return parsed


def _nothing_to_import(parsed: ParsedCsv, file_name: str) -> ValidationError:
    kept_out = [f"{count} {what}" for count, what in ((parsed.local_count, "local file(s)"), (
        parsed.episode_count, "episode(s)"), (parsed.unavailable_count, "unavailable track(s)")) if count]
    reason = ("it has no rows" if not parsed.rows else
              f"{parsed.errors.count} of its {parsed.rows} row(s) are unreadable, the first: {parsed.errors.shown[0]}"
              if parsed.errors.count else f"it holds no Spotify track, only {', '.join(kept_out)}")
    return ValidationError(f"{file_name}: no row can be imported ({reason}); nothing was changed")


def import_exportify_csv(library: Library, data: bytes | str | Path, *, file_name: str | None = None,
                         name: str | None = None, liked: bool | None = None) -> ImportResult:
    """Import one Exportify CSV as a playlist (or Liked Songs), in one transaction; bad rows are skipped
    and reported, and a file of which no row can be imported is refused.

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
    job_id = create_job(library, "import", source.source_id, message=f"Importing {file_name}")
    try:
        with library.write() as w:
            cur = w.cur
            create_import_staging(cur)
            parsed = read_exportify(data, file_name, _StagedBlocks(cur))
            if not parsed.imported:
                raise _nothing_to_import(parsed, file_name)
            result = ImportResult(source.source_id, source.name, source.kind, file_name, parsed.exporter,
                                  parsed.rows, parsed.imported, local_count=parsed.local_count,
                                  episode_count=parsed.episode_count, unavailable_count=parsed.unavailable_count,
                                  errors=parsed.errors.shown, error_count=parsed.errors.count,
                                  warnings=parsed.warnings.shown, warning_count=parsed.warnings.count, job_id=job_id)
            tracks, known = prepare_staged_import(cur, PROVIDER)
            upsert_source(cur, source)
            replace_source_from_staging(cur, source.source_id, local_count=parsed.local_count,
                                        episode_count=parsed.episode_count, null_count=parsed.unavailable_count)
            written = upsert_staged_catalog(cur)
            write_staged_values(cur, PROVIDER, PRECEDENCE["file"], PROVIDER_VERSION)
            w.touch(sources=[source.source_id], **written)
            result.tracks, result.new_tracks = tracks, tracks - known
    except AutoPlaylistsError as exc:
        set_job_status(library, job_id, "failed", str(exc))
        raise
    except Exception as exc:
        set_job_status(library, job_id, "failed", f"{type(exc).__name__}: {exc}")
        raise AutoPlaylistsError(f"{file_name}: import failed, nothing was changed ({exc})") from exc
    set_job_status(library, job_id, "done", result.summary())
    return result
