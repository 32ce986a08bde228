"""Store a parsed Exportify file as one source of the library, in one transaction."""

from __future__ import annotations

import ctypes
import gc
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa

from lib.errors import AutoPlaylistsError, ValidationError
from lib.imports.exportify import NUMERIC_FIELDS, ParsedCsv, RowError, parse_exportify
from lib.store import Library, create_job, refresh_track_view, set_job_status
from lib.store.catalog import (
    SourceRecord,
    name_key,
    parse_release_date,
    registered,
    replace_source_frame,
    upsert_source,
    upsert_track_frames,
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


def track_frames(rows: pd.DataFrame) -> tuple[pd.DataFrame, ...]:
    """The tracks, albums, artists and credits frames of `catalog.upsert_track_frames` (vectorized)."""
    last = rows.drop_duplicates("track_id", keep="last").reset_index(drop=True)
    names, uris = last["artist_names"].tolist(), last["artist_uris"].tolist()
    credit_ids = [[u.rsplit(":", 1)[-1] for u in us] if len(us) == len(ns) else [name_key(n) for n in ns]
                  for ns, us in zip(names, uris, strict=True)]
    track_ids = last["track_id"].tolist()
    credits = pd.DataFrame([(tid, pos, aid) for tid, ids in zip(track_ids, credit_ids, strict=True)
                            for pos, aid in enumerate(ids)], columns=["track_id", "position", "artist_id"])
    artists = pd.DataFrame([(aid, name) for ids, ns in zip(credit_ids, names, strict=True)
                            for aid, name in zip(ids, ns, strict=True)],
                           columns=["artist_id", "name"]).drop_duplicates("artist_id", keep="last")
    first_artist = [ns[0] if ns else "" for ns in names]
    album_keys = {key: name_key(*key) for key in set(zip(last["album"].tolist(), first_artist, strict=True))
                  if key[0] is not None}
    album_ids = [album_keys.get((album, artist)) for album, artist in zip(last["album"], first_artist, strict=True)]
    dates = {value: parse_release_date(value) for value in set(last["release_date"].dropna().tolist())}
    released = [dates.get(v, (None, None)) for v in last["release_date"].tolist()]
    albums = pd.DataFrame({"album_id": album_ids, "name": last["album"], "release_date": [d for d, _ in released],
                           "release_date_precision": [p for _, p in released], "album_type": None,
                           "label": last["label"]}).dropna(subset=["album_id"]).drop_duplicates("album_id", keep="last")
    albums["release_date"] = pd.to_datetime(albums["release_date"]).dt.date if len(albums) else None
    albums = albums.astype({"name": object, "album_type": object, "label": object, "release_date_precision": object})
    tracks = pd.DataFrame({"track_id": last["track_id"], "uri": last["uri"], "title": last["title"],
                           "album_id": pd.Series(album_ids, dtype=object), "duration_ms": last["duration_ms"],
                           "explicit": last["explicit"], "isrc": last["isrc"], "disc_number": last["disc_number"],
                           "track_number": last["track_number"], "origin": "csv"})
    return tracks, albums, artists, credits


def enrichment_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Audio features, popularity, genres and label from the file as long enrichment rows."""
    last = rows.drop_duplicates("track_id", keep="last")
    numbers = last[["track_id", *NUMERIC_FIELDS]].melt(id_vars="track_id", var_name="field",
                                                        value_name="num_value").dropna(subset=["num_value"])
    with_genres = last[last["genres"].map(len) > 0]
    genres = pd.DataFrame({"track_id": with_genres["track_id"], "field": "genres",
                           "list_value": with_genres["genres"]})
    labelled = last[last["label"].notna()]
    labels = pd.DataFrame({"track_id": labelled["track_id"], "field": "label", "text_value": labelled["label"]})
    frame = pd.concat([numbers, genres, labels], ignore_index=True)
    frame["provider"] = PROVIDER
    frame["origin"] = "file"
    frame["provider_version"] = PROVIDER_VERSION
    return frame


def write_file_values(cur, rows: pd.DataFrame) -> None:
    """Insert the file's values (vectorized; this provider's older values for these tracks are gone already).

    Same result as `catalog.write_enrichment_frame(cur, enrichment_rows(rows))`, but the 13 feature
    columns are unpivoted inside DuckDB, which keeps a 100,000-row import within seconds.
    """
    last = rows.drop_duplicates("track_id", keep="last")
    wide = last[["track_id", *NUMERIC_FIELDS]]
    lists = last.loc[last["genres"].map(len) > 0, ["track_id", "genres"]]
    labels = last.loc[last["label"].notna(), ["track_id", "label"]]
    params = {"provider": PROVIDER, "precedence": PRECEDENCE["file"], "version": PROVIDER_VERSION}
    insert = ("INSERT INTO enrichment_values (track_id, field, provider, precedence, {value}, provider_version)"
              " SELECT track_id, {field}, $provider, $precedence, {expr}, $version FROM {source}")
    with registered(cur, _file_wide=wide, _file_lists=lists, _file_labels=labels):
        cur.execute(insert.format(value="num_value", field="field", expr="num_value", source=(
            "(UNPIVOT _file_wide ON COLUMNS(* EXCLUDE (track_id)) INTO NAME field VALUE num_value)")), params)
        cur.execute(insert.format(value="list_value", field="'genres'", expr="CAST(genres AS VARCHAR[])",
                                  source="_file_lists"), params)
        cur.execute(insert.format(value="text_value", field="'label'", expr="CAST(label AS VARCHAR)",
                                  source="_file_labels"), params)


# Above this share of the library, rebuilding the whole view is cheaper than patching it.
_FULL_REFRESH_SHARE = 0.3


def _affected_tracks(cur, source_id: str, frames: tuple[pd.DataFrame, ...]) -> tuple[list[str], int, int]:
    """Tracks whose flattened row may change: imported ones, the source's old members, and tracks
    sharing an artist or album whose name or date the import may update. Also: known and total counts."""
    tracks, albums, artists, _ = frames
    with registered(cur, _import_tracks=tracks[["track_id"]], _import_artists=artists[["artist_id"]],
                    _import_albums=albums[["album_id"]]):
        (known,) = cur.execute("SELECT count(*) FROM tracks WHERE track_id IN"
                               " (SELECT CAST(track_id AS VARCHAR) FROM _import_tracks)").fetchone()
        (total,) = cur.execute("SELECT count(*) FROM tracks").fetchone()
        affected = [r[0] for r in cur.execute("""
            SELECT CAST(track_id AS VARCHAR) FROM _import_tracks
            UNION SELECT track_id FROM source_tracks WHERE source_id = ?
            UNION SELECT track_id FROM track_artists
                WHERE artist_id IN (SELECT CAST(artist_id AS VARCHAR) FROM _import_artists)
            UNION SELECT track_id FROM tracks
                WHERE album_id IN (SELECT CAST(album_id AS VARCHAR) FROM _import_albums)
        """, [source_id]).fetchall()]
        # A re-import replaces this provider's values, so a value removed from the file goes away too.
        cur.execute("DELETE FROM enrichment_values WHERE provider = ?"
                    " AND track_id IN (SELECT CAST(track_id AS VARCHAR) FROM _import_tracks)", [PROVIDER])
    return affected, known, total


def _release_memory() -> None:
    """Hand freed Python/Arrow memory back to the OS before DuckDB's heavy steps (bounds peak RSS)."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def _write(cur, parsed: ParsedCsv, source: SourceRecord) -> tuple[int, int]:
    rows, parsed.rows = parsed.rows, parsed.rows.iloc[:0]  # the caller keeps no 100k-row frame alive
    frames = track_frames(rows)
    affected, known, total_before = _affected_tracks(cur, source.source_id, frames)
    if len(rows):
        upsert_track_frames(cur, *frames)
    upsert_source(cur, source)
    members = pd.DataFrame({"position": range(len(rows)), "track_id": rows["track_id"].to_numpy(),
                            "added_at": rows["added_at"].to_numpy(), "added_by": rows["added_by"].to_numpy()})
    replace_source_frame(cur, source.source_id, members, local_count=parsed.local_count)
    if len(rows):
        write_file_values(cur, rows)
    imported = len(frames[0])
    total_after = total_before + imported - known
    del rows, frames, members
    _release_memory()
    if len(affected) > _FULL_REFRESH_SHARE * total_after:
        refresh_track_view(cur)
    else:
        refresh_track_view(cur, affected)
    return imported, imported - known


def import_exportify_csv(library: Library, data: bytes | str | Path, *, file_name: str | None = None,
                         name: str | None = None, liked: bool | None = None) -> ImportResult:
    """Import one Exportify CSV as a playlist (or Liked Songs); bad rows are skipped and reported.

    `data` is the file's bytes or a path. The source is named after the file unless `name` is
    given; `liked=True` (or a file called like Liked_Songs.csv) makes it the Liked Songs source.
    Importing the same file again replaces that source's membership and this provider's values.
    """
    if isinstance(data, (str, Path)):
        path = Path(data)
        file_name = file_name or path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ValidationError(f"cannot read {path}: {exc.strerror or exc}") from exc
    file_name = file_name or "upload.csv"
    parsed = parse_exportify(data, file_name)
    del data  # read from a path: the file's bytes are no longer needed
    if liked is None:
        liked = name is None and is_liked_file(file_name)
    if liked:
        source = SourceRecord("liked", "liked", name or "Liked Songs", origin="csv", file_path=file_name)
    else:
        display = (name or "").strip() or playlist_name_from_file(file_name)
        source = SourceRecord(source_id_for(display), "playlist", display, origin="csv", file_path=file_name)
    job_id = create_job(library, "import", source.source_id, message=f"Importing {file_name}")
    result = ImportResult(source.source_id, source.name, source.kind, file_name, parsed.layout,
                          rows=parsed.total_rows, imported=len(parsed.rows), tracks=0, new_tracks=0,
                          local_count=parsed.local_count, errors=parsed.errors, job_id=job_id)
    try:
        with library.transaction() as cur:
            result.tracks, result.new_tracks = _write(cur, parsed, source)
            set_job_status(library, job_id, "done", result.summary(), cursor=cur)
    except AutoPlaylistsError as exc:
        set_job_status(library, job_id, "failed", str(exc))
        raise
    except Exception as exc:
        set_job_status(library, job_id, "failed", f"{type(exc).__name__}: {exc}")
        raise AutoPlaylistsError(f"{file_name}: import failed, nothing was changed ({exc})") from exc
    return result
