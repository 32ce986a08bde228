"""Every real Exportify file of ../shared/real-exportify imports with each track as the file says.

The files are parsed here on their own terms (the csv module and a mapping of the headers they
use), not with the importer's helpers, and compared with what the library holds.
"""

from __future__ import annotations

import csv
import math
import os
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from lib.imports import import_exportify_csv
from lib.store import open_library

# ../shared/real-exportify beside the repository (as in CI), or where REAL_EXPORTIFY says (a worktree).
CORPUS = Path(os.environ.get("REAL_EXPORTIFY") or Path(__file__).resolve().parents[2].parent / "shared/real-exportify")
FILES = sorted(CORPUS.glob("*.csv")) if CORPUS.is_dir() else []

# The headers these files use (English, German, Italian; watsonbox and pavelkomarov), by meaning.
HEADERS = {
    "uri": ("Track URI", "Spotify ID", "Track ID", "Track-URI", "URI della traccia"),
    "title": ("Track Name", "Track-Name", "Nome della traccia"),
    "artist_ids": ("Artist URI(s)", "Artist URI", "Artist IDs", "Künstler-URI(s)", "URI dell'artista"),
    "artists": ("Artist Name(s)", "Artist Name", "Künstlername(n)", "Nome dell'artista"),
    "album_uri": ("Album URI", "Album-URI", "URI dell'album"),
    "album": ("Album Name", "Album-Name", "Nome dell'album"),
    "release": ("Album Release Date", "Release Date", "Veröffentlichungsdatum des Albums",
                "Data di rilascio dell'album"),
    "duration": ("Track Duration (ms)", "Duration (ms)", "Track-Dauer (ms)", "Durata della traccia (ms)"),
    "explicit": ("Explicit", "Explizit", "Esplicito"),
    "isrc": ("ISRC",),
    "added_by": ("Added By", "Hinzugefügt von", "Aggiunto da"),
    "added_at": ("Added At", "Hinzugefügt am", "Aggiunto il"),
    "genres": ("Artist Genres", "Genres"),
    "energy": ("Energy",), "tempo": ("Tempo",), "loudness": ("Loudness",), "danceability": ("Danceability",),
    "popularity": ("Popularity", "Beliebtheit", "Popolarità"),
}


def _columns(header: list[str]) -> dict[str, int]:
    found = {}
    for i, text in enumerate(header):
        text = text.strip().lstrip("\ufeff")
        for name, spellings in HEADERS.items():
            if text in spellings and name not in found:
                found[name] = i
    return found


def _names(cell: str, watsonbox: bool, semicolons: bool, ids: int) -> list[str]:
    if not cell:
        return []
    if watsonbox:  # ", "-joined, a comma inside a name written "\,"
        return [n.replace("\\,", ",").strip() for n in re.split(r"(?<!\\), ", cell)]
    if semicolons:
        return [n.strip() for n in cell.split(";")]
    pieces = cell.split(",")  # "," and no space between names; ", " belongs to a name
    merged: list[str] = []
    for piece in pieces:
        if merged and piece.startswith(" "):
            merged[-1] += "," + piece
        else:
            merged.append(piece)
    return merged if not ids or len(merged) == ids else pieces


def _release(text: str) -> date | None:
    if not text or text.startswith("0000"):
        return None
    parts = [int(p) for p in text.split("-")]
    return date(parts[0], *(parts[1:] + [1, 1])[:2])


def expected(path: Path) -> tuple[list[dict], dict[str, int]]:
    """The file's rows as they should be stored, in order, and what is kept out of them."""
    with path.open(encoding="utf-8-sig", newline="") as file:
        records = list(csv.reader(file))
    header, body = records[0], [r for r in records[1:] if any(c.strip() for c in r)]
    col = _columns(header)
    watsonbox = "artist_ids" in col and header[col["artist_ids"]] != "Artist IDs"
    semicolons = not watsonbox and any(";" in r[col["artists"]] for r in body if len(r) == len(header))
    rows, kept_out = [], {"local": 0, "episode": 0, "unavailable": 0}
    for record in body:
        uri = record[col["uri"]]
        if uri.startswith("spotify:local:"):
            kept_out["local"] += 1
            continue
        if uri.startswith("spotify:episode:"):
            kept_out["episode"] += 1
            continue
        assert len(record) == len(header), (path.name, record)
        get = {name: record[i].strip() for name, i in col.items()}
        if not get["title"] and not get["artists"]:
            kept_out["unavailable"] += 1
            continue
        ids = [x for x in re.split(r"[,;] ?", get.get("artist_ids", "")) if x]
        genres = list(dict.fromkeys(g.strip() for g in get.get("genres", "").split(",") if g.strip()))
        rows.append({
            "track_id": uri.rsplit(":", 1)[-1], "title": get["title"],
            "artists": _names(get["artists"], watsonbox, semicolons, len(ids)),
            "album": get.get("album") or None, "release_date": _release(get.get("release", "")),
            "duration_ms": int(get["duration"]) if get.get("duration") else None,
            "explicit": {"true": True, "false": False}.get(get.get("explicit", "").lower()),
            "isrc": get.get("isrc") or None, "genres": genres,
            **{f: float(get[f]) if get.get(f) else None for f in ("energy", "tempo", "loudness", "danceability",
                                                                    "popularity")},
            "added_by": get.get("added_by") or None,
            "added_at": datetime.fromisoformat(get["added_at"].replace("Z", "+00:00")).replace(tzinfo=None)
            if get.get("added_at") else None,
        })
    return rows, kept_out


@pytest.mark.skipif(not FILES, reason=f"the real Exportify files are not at {CORPUS}")
@pytest.mark.parametrize("path", FILES, ids=[p.name[:60] for p in FILES])
def test_real_file_imports_as_the_file_says(tmp_path, path):
    rows, kept_out = expected(path)
    library = open_library(str(tmp_path / "corpus.duckdb"))
    result = import_exportify_csv(library, path, name="Corpus")
    assert (result.imported, result.error_count, result.warning_count) == (len(rows), 0, 0)
    assert (result.local_count, result.episode_count, result.unavailable_count) == \
        (kept_out["local"], kept_out["episode"], kept_out["unavailable"])
    assert library.query_one("SELECT track_count, local_count, episode_count, null_count FROM sources") == \
        (len(rows), kept_out["local"], kept_out["episode"], kept_out["unavailable"])
    members = library.query("SELECT track_id, added_at, added_by FROM source_tracks ORDER BY position")
    assert members == [(r["track_id"], r["added_at"], r["added_by"]) for r in rows]
    fields = ("title", "artists", "album", "release_date", "duration_ms", "explicit", "isrc", "genres", "energy",
              "tempo", "loudness", "danceability", "popularity")
    stored = {row[0]: dict(zip(fields, row[1:], strict=True)) for row in library.query(
        f"SELECT track_id, {', '.join(fields)} FROM track_view")}
    last = {r["track_id"]: r for r in rows}  # a track listed twice: its last line wins
    assert set(stored) == set(last)
    for track_id, want in last.items():
        got = stored[track_id]
        for name in fields:
            if isinstance(want[name], float):
                assert math.isclose(got[name], want[name]), (track_id, name, got[name], want[name])
            else:
                assert got[name] == want[name], (track_id, name, got[name], want[name])


@pytest.mark.skipif(not FILES, reason=f"the real Exportify files are not at {CORPUS}")
def test_two_releases_of_one_album_keep_their_own_dates(tmp_path):
    """Weezer's self-titled albums of 1994 and 2001 are two albums (the Album URI tells them apart)."""
    library = open_library(str(tmp_path / "corpus.duckdb"))
    for path in FILES:
        import_exportify_csv(library, path)
    rows = library.query("SELECT DISTINCT album, release_year FROM track_view WHERE title LIKE 'Say It Ain''t So%'"
                         " AND artist = 'Weezer'")
    assert rows == [("Weezer", 1994)]
    years = library.query("SELECT DISTINCT release_year FROM track_view WHERE album = 'Weezer' AND artist = 'Weezer'"
                          " ORDER BY 1")
    assert (1994,) in years
    assert len(years) > 1
