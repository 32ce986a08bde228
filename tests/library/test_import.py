"""Exportify CSV import: both layouts, BOM, escapes, bad rows with line numbers, idempotence, atomicity."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.errors import AutoPlaylistsError, ValidationError
from lib.imports import PROVIDER, import_exportify_csv, parse_exportify, split_names
from lib.imports.exportify_convert import NUMERIC_FIELDS
from lib.store import open_library
from lib.store.catalog import TrackRecord, upsert_tracks, write_enrichment_frame

CLASSIC = ('"Track URI","Track Name","Artist URI(s)","Artist Name(s)","Album Name","Album Release Date",'
           '"Track Duration (ms)","Explicit","Popularity","ISRC","Added By","Added At","Artist Genres",'
           '"Danceability","Energy","Key","Loudness","Mode","Speechiness","Acousticness","Instrumentalness",'
           '"Liveness","Valence","Tempo","Time Signature","Label"\r\n')
ID_A, ID_B, ID_C = "4uLU6hMCjMI75M1A2tKUQC", "7ouMYWpwJ422jRcDASZB7P", "0VjIjW4GlUZAMYd2vXMi3b"


URIS = "spotify:artist:4V8LLVI7PbaPR0K2TGSxFF,spotify:artist:1U1el3k54VvEUzo3ybLPlM"


def classic_row(track_id, title="Song", artists="Tyler\\, The Creator,Kali Uchis", uris=URIS, energy="0.8",
                added="2021-03-04T05:06:07Z", explicit="true", loudness="-5.5"):
    return (f'"spotify:track:{track_id}","{title}","{uris}","{artists}","Album, Deluxe","2019-05",'
            f'"201000","{explicit}","55","USRC17607839","me","{added}","pop,art pop","0.7","{energy}","5",'
            f'"{loudness}","1","0.05","0.1","0","0.1","0.6","120.5","4","Columbia"\r\n')


def test_split_names_handles_both_separators():
    assert split_names("Tyler\\, The Creator,Kali Uchis", "classic") == ["Tyler, The Creator", "Kali Uchis"]
    assert split_names("Tyler, The Creator;Kali Uchis", "new") == ["Tyler, The Creator", "Kali Uchis"]
    assert split_names("Earth, Wind & Fire", "new") == ["Earth, Wind & Fire"]
    assert split_names("", "classic") == []


def test_classic_layout_with_escapes(library):
    data = (CLASSIC + classic_row(ID_A, title="Café, \"\"Live\"\"") + classic_row(ID_B)).encode()
    result = import_exportify_csv(library, data, file_name="Road_Trip.csv")
    assert (result.source_id, result.name, result.kind, result.imported, result.errors) == \
        ("file:road-trip", "Road Trip", "playlist", 2, [])
    row = library.query_one("SELECT title, artists, album, genres, energy, loudness, explicit, label, release_date,"
                            " added_at, playlists FROM track_view WHERE track_id = ?", [ID_A])
    assert row[0] == 'Café, "Live"'
    assert row[1] == ["Tyler, The Creator", "Kali Uchis"]
    assert row[2] == "Album, Deluxe"
    assert row[3] == ["pop", "art pop"]
    assert (row[4], row[5], row[6], row[7]) == (0.8, -5.5, True, "Columbia")
    assert str(row[8]) == "2019-05-01"
    assert str(row[9]) == "2021-03-04 05:06:07"
    assert row[10] == ["Road Trip"]
    artist_ids = library.query("SELECT artist_id FROM track_artists WHERE track_id = ? ORDER BY position", [ID_A])
    assert artist_ids == [("4V8LLVI7PbaPR0K2TGSxFF",), ("1U1el3k54VvEUzo3ybLPlM",)]
    providers = library.query("SELECT DISTINCT provider, precedence FROM enrichment_values")
    assert providers == [("exportify-csv", 1)]


def test_new_layout_with_bom(library, new_csv, small_demo):
    assert new_csv.startswith("\ufeff".encode())
    result = import_exportify_csv(library, new_csv, file_name="Liked_Songs.csv")
    assert result.layout == "new"
    assert result.kind == "liked"
    assert result.source_id == "liked"
    assert result.imported == len(small_demo.tracks)
    assert not result.errors
    multi = next(t for t in small_demo.tracks if len(t.artists) > 1)
    (artists,) = library.query_one("SELECT artists FROM track_view WHERE track_id = ?", [multi.track_id])
    assert artists == [name for _, name in multi.artists]
    assert library.query_one("SELECT count(*) FROM track_view WHERE liked")[0] == result.tracks


def test_both_layouts_give_the_same_tracks(tmp_path, classic_csv, new_csv):
    from lib.store import open_library

    a, b = open_library(str(tmp_path / "a.duckdb")), open_library(str(tmp_path / "b.duckdb"))
    import_exportify_csv(a, classic_csv, file_name="x.csv")
    import_exportify_csv(b, new_csv, file_name="x.csv")
    sql = "SELECT track_id, title, artists, album, energy, tempo, genres, explicit FROM track_view ORDER BY 1"
    assert a.query(sql) == b.query(sql)


def test_bad_rows_reported_with_line_numbers_and_skipped(library):
    data = (CLASSIC + classic_row(ID_A)
            + '"spotify:track:tooShort","x","","A","B","2000","1","false","1","","","","","","","","","","","",'
              '"","","","","",""\r\n'                                   # line 3: bad URI
            + classic_row(ID_B, energy="loud")                          # line 4: not a number
            + '"only","three","fields"\r\n'                            # line 5: wrong field count
            + classic_row(ID_C, title="multi\r\nline") +                # line 6-7: quoted newline, fine
            classic_row("1" * 22, added="yesterday")                    # line 8: bad date
            + '"spotify:local:Artist:Album:Title:180","Title","","Artist","Album","","180000","false","0","","",'
              '"","","","","","","","","","","","","","",""\r\n').encode()  # line 9: local file
    result = import_exportify_csv(library, data, file_name="mix.csv")
    assert [(e.line, e.message.split(" ")[0]) for e in result.errors] == [
        (3, "'Track"), (4, "'Energy'"), (5, "expected"), (8, "'Added")]
    assert result.imported == 2
    assert result.local_count == 1
    assert library.query_one("SELECT local_count, track_count FROM sources WHERE source_id = 'file:mix'") == (1, 2)
    assert library.query_one("SELECT title FROM tracks WHERE track_id = ?", [ID_C]) == ("multi\r\nline",)


def test_numbers_that_are_not_finite_or_too_large_are_reported():
    data = (CLASSIC + classic_row(ID_A, energy="inf") + classic_row(ID_B).replace('"201000"', '"1e300"')
            + classic_row(ID_C, loudness=" -4 ")).encode()
    parsed = parse_exportify(data)
    assert [str(e) for e in parsed.errors] == ["line 2: 'Energy' is not a number",
                                               "line 3: 'Track Duration (ms)' is not a number"]
    assert parsed.rows["loudness"].tolist() == [-4.0]  # spaces around a number are fine


def test_track_urls_and_odd_explicit_values():
    data = (CLASSIC + classic_row(ID_A).replace(f"spotify:track:{ID_A}",
                                               f"https://open.spotify.com/intl-de/track/{ID_A}?si=x")
            + classic_row(ID_B, explicit="Maybe") + classic_row(ID_C, explicit="")).encode()
    parsed = parse_exportify(data)
    assert [str(e) for e in parsed.errors] == ["line 3: 'Explicit' is not true/false"]
    assert parsed.rows["uri"].tolist() == [f"spotify:track:{ID_A}", f"spotify:track:{ID_C}"]
    assert parsed.rows["explicit"].tolist() == [True, pd.NA]


def test_reimport_updates_never_duplicates(library):
    first = (CLASSIC + classic_row(ID_A) + classic_row(ID_B) + classic_row(ID_A)).encode()
    import_exportify_csv(library, first, file_name="p.csv")
    assert library.query_one("SELECT count(*) FROM source_tracks")[0] == 3   # the same track twice is kept
    second = (CLASSIC + classic_row(ID_A, energy="0.2") + classic_row(ID_C)).encode()
    result = import_exportify_csv(library, second, file_name="p.csv")
    assert result.new_tracks == 1
    assert library.query_one("SELECT count(*) FROM sources")[0] == 1
    assert library.query("SELECT track_id FROM source_tracks ORDER BY position") == [(ID_A,), (ID_C,)]
    assert library.query_one("SELECT energy FROM track_view WHERE track_id = ?", [ID_A]) == (0.2,)
    assert library.query_one("SELECT count(*) FROM enrichment_values WHERE track_id = ? AND field = 'energy'",
                             [ID_A]) == (1,)


def test_name_and_liked_overrides(library):
    data = (CLASSIC + classic_row(ID_A)).encode()
    assert import_exportify_csv(library, data, file_name="a.csv", name="Sommer ☀️").source_id == "file:sommer"
    assert import_exportify_csv(library, data, file_name="a.csv", liked=True).source_id == "liked"


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"title,artist\nx,y\n", "not an Exportify CSV"),
    (b"\xff\xfe\x00b\x00a\x00d", "not UTF-8"),
])
def test_unusable_files_are_refused(library, data, message):
    with pytest.raises(ValidationError, match=message):
        import_exportify_csv(library, data, file_name="bad.csv")
    assert library.query_one("SELECT count(*) FROM sources")[0] == 0


def test_failure_mid_import_leaves_library_unchanged(library, monkeypatch):
    import_exportify_csv(library, (CLASSIC + classic_row(ID_A)).encode(), file_name="keep.csv")
    before = library.query("SELECT * FROM track_view ORDER BY track_id")
    import lib.imports.store as store

    def boom(cur, *args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "write_staged_values", boom)
    with pytest.raises(AutoPlaylistsError, match="nothing was changed"):
        import_exportify_csv(library, (CLASSIC + classic_row(ID_B) + classic_row(ID_A, energy="0.1")).encode(),
                             file_name="keep.csv")
    assert library.query("SELECT * FROM track_view ORDER BY track_id") == before
    assert library.query_one("SELECT status FROM jobs ORDER BY job_id DESC LIMIT 1") == ("failed",)


def test_parse_only_reports_total_rows(classic_csv, small_demo):
    parsed = parse_exportify(classic_csv)
    assert parsed.total_rows == len(small_demo.tracks)
    assert parsed.layout == "classic"


def _file_values_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The file's values as the generic catalog writer takes them (the reference for the staged writer)."""
    last = rows.drop_duplicates("track_id", keep="last")
    numbers = last[["track_id", *NUMERIC_FIELDS]].melt(id_vars="track_id", var_name="field",
                                                        value_name="num_value").dropna(subset=["num_value"])
    with_genres = last[last["genres"].map(len) > 0]
    genres = pd.DataFrame({"track_id": with_genres["track_id"], "field": "genres", "list_value": with_genres["genres"]})
    labelled = last[last["label"].notna()]
    labels = pd.DataFrame({"track_id": labelled["track_id"], "field": "label", "text_value": labelled["label"]})
    frame = pd.concat([numbers, genres, labels], ignore_index=True)
    frame["provider"], frame["origin"], frame["provider_version"] = PROVIDER, "file", "1"
    return frame


def _records(rows: pd.DataFrame) -> list[TrackRecord]:
    """The parsed rows as the generic catalog writer takes them."""
    records = []
    for row in rows.to_dict("records"):
        names, uris = row["artist_names"], row["artist_uris"]
        ids = [u.rsplit(":", 1)[-1] for u in uris] if len(uris) == len(names) else [None] * len(names)
        records.append(TrackRecord(row["track_id"], row["title"], list(zip(ids, names, strict=True)), uri=row["uri"],
                                   album_name=row["album"], release_date=row["release_date"], label=row["label"],
                                   duration_ms=None if pd.isna(row["duration_ms"]) else int(row["duration_ms"]),
                                   explicit=None if pd.isna(row["explicit"]) else bool(row["explicit"]),
                                   isrc=row["isrc"], disc_number=None if pd.isna(row["disc_number"])
                                   else int(row["disc_number"]), track_number=None if pd.isna(row["track_number"])
                                   else int(row["track_number"])))
    return records


@pytest.mark.parametrize("layout", ["classic", "new"])
def test_staged_import_writes_what_the_generic_catalog_writers_write(tmp_path, classic_csv, new_csv, layout):
    """The set-based import (staging table + SQL) equals the record-by-record writers of lib.store.catalog."""
    data = classic_csv if layout == "classic" else new_csv
    data += (CLASSIC + classic_row(ID_A)).encode().split(b"\r\n", 1)[1] if layout == "classic" else b""
    rows = parse_exportify(data).rows
    staged, generic = open_library(str(tmp_path / "a.duckdb")), open_library(str(tmp_path / "b.duckdb"))
    import_exportify_csv(staged, data, file_name="Same.csv")
    with generic.transaction() as cur:
        upsert_tracks(cur, _records(rows), origin="csv")
        write_enrichment_frame(cur, _file_values_frame(rows))
    for sql in ("SELECT track_id, field, provider, precedence, num_value, text_value, list_value, provider_version"
                " FROM enrichment_values ORDER BY ALL",
                "SELECT track_id, uri, title, album_id, duration_ms, explicit, isrc, disc_number, track_number, origin"
                " FROM tracks ORDER BY ALL",
                "SELECT album_id, name, release_date, release_date_precision, label FROM albums ORDER BY ALL",
                "SELECT artist_id, name FROM artists ORDER BY ALL", "SELECT * FROM track_artists ORDER BY ALL"):
        assert staged.query(sql) == generic.query(sql), sql
    assert len(staged.query("SELECT * FROM enrichment_values")) > 1000


def test_small_import_into_big_library_keeps_view_exact(demo_library):
    """A small import patches the flattened view; the result equals a full rebuild."""
    from lib.store import refresh_track_view

    artist_track = demo_library.query_one("SELECT track_id FROM track_view WHERE artist = 'Sakura Drive' LIMIT 1")
    assert artist_track is not None
    data = (CLASSIC + classic_row(ID_A, artists="Sakura Drive,Zoë", uris="") + classic_row(ID_B)).encode()
    import_exportify_csv(demo_library, data, file_name="Tiny.csv")
    import_exportify_csv(demo_library, (CLASSIC + classic_row(ID_C)).encode(), file_name="Tiny.csv")
    patched = demo_library.query("SELECT * FROM track_view ORDER BY track_id")
    with demo_library.transaction() as cur:
        refresh_track_view(cur)
    assert demo_library.query("SELECT * FROM track_view ORDER BY track_id") == patched
    assert demo_library.query_one("SELECT playlists FROM track_view WHERE track_id = ?", [ID_A]) == ([],)


def test_minimal_columns_and_header_only_file(library):
    minimal = (b"Track URI,Track Name,Artist Name(s)\n"
               b"spotify:track:4uLU6hMCjMI75M1A2tKUQC,Hello,Adele\nspotify:local:a:b:c:1,c,a\n")
    assert import_exportify_csv(library, minimal, file_name="min.csv").imported == 1
    emptied = import_exportify_csv(library, b"Track URI,Track Name,Artist Name(s)\n", file_name="min.csv")
    assert emptied.imported == 0
    assert library.query("SELECT track_count, local_count FROM sources") == [(0, 0)]
    assert library.query_one("SELECT playlists FROM track_view") == ([],)
