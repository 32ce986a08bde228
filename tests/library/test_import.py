"""Exportify CSV import: every layout, BOM, escapes, bad rows with line numbers, idempotence, atomicity."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from lib.errors import AutoPlaylistsError, ValidationError
from lib.imports import import_exportify_csv, parse_exportify, split_names
from tests.track_table import assert_track_table_exact

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


IDS = [f"{i:02d}" + "4uLU6hMCjMI75M1A2tKUQC"[2:] for i in range(30)]


def multiline_csv() -> bytes:
    """30 rows, every 4th spanning two lines, every 7th (from the 4th) with an energy that is not a number."""
    rows = []
    for i, track_id in enumerate(IDS):
        title = f'Song {i}\nsecond line' if i % 4 == 0 else f"Song {i}"
        rows.append(classic_row(track_id, title=title, energy="x" if i % 7 == 3 else f"0.{i % 10}"))
    return (CLASSIC + "".join(rows)).encode()


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
    assert result.layout == "pavelkomarov"
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
    assert result.error_count == 4
    assert [(e.line, e.message.split(" ")[0]) for e in result.errors] == [
        (3, "'Track"), (4, "'Energy'"), (5, "expected"), (8, "'Added")]
    assert result.imported == 2
    assert result.local_count == 1
    assert library.query_one("SELECT local_count, track_count FROM sources WHERE source_id = 'file:mix'") == (1, 2)
    assert library.query_one("SELECT title FROM tracks WHERE track_id = ?", [ID_C]) == ("multi\r\nline",)


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
    # Saved again by a spreadsheet in a European language: ';' between columns, values in its own spelling.
    (b"Track URI;Track Name;Artist Name(s);Energy\nspotify:track:" + ID_A.encode() + b";x;y;0,5\n",
     "separated by ';'"),
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
    assert library.query_one("SELECT count(*) FROM tracks") == (1,)
    assert library.query_one("SELECT status FROM jobs ORDER BY job_id DESC LIMIT 1") == ("failed",)


def test_small_import_into_big_library_keeps_view_exact(demo_library):
    """A small import refreshes the affected rows of the track table; it equals its definition."""
    artist_track = demo_library.query_one("SELECT track_id FROM track_view WHERE artist = 'Sakura Drive' LIMIT 1")
    assert artist_track is not None
    data = (CLASSIC + classic_row(ID_A, artists="Sakura Drive,Zoë", uris="") + classic_row(ID_B)).encode()
    import_exportify_csv(demo_library, data, file_name="Tiny.csv")
    import_exportify_csv(demo_library, (CLASSIC + classic_row(ID_C)).encode(), file_name="Tiny.csv")
    assert_track_table_exact(demo_library)
    assert demo_library.query_one("SELECT playlists FROM track_view WHERE track_id = ?", [ID_A]) == ([],)




def test_split_names_by_exporter():
    assert split_names("Tyler\\, The Creator, Kali Uchis", "watsonbox") == ["Tyler, The Creator", "Kali Uchis"]
    assert split_names("Tyler, The Creator;Kali Uchis", "pavelkomarov") == ["Tyler, The Creator", "Kali Uchis"]
    # pavelkomarov until 2025-07-22: ',' and no space between names; ', ' belongs to a name
    assert split_names("Sylvie Courvoisier,Mary Halvorson", "pavelkomarov") == ["Sylvie Courvoisier", "Mary Halvorson"]
    assert split_names("Tyler, The Creator,Lil Wayne", "pavelkomarov") == ["Tyler, The Creator", "Lil Wayne"]
    # the row's artist ids tell how many names there are
    assert split_names("Earth, Wind & Fire", "pavelkomarov", count=1) == ["Earth, Wind & Fire"]
    assert split_names("Chick Corea, Gary Burton", "pavelkomarov", count=2) == ["Chick Corea", "Gary Burton"]
    assert split_names("A,B", "pavelkomarov", semicolons=True) == ["A,B"]
    assert split_names("", "watsonbox") == []


def test_numbers_that_are_not_finite_are_left_out_with_a_warning(library):
    data = (CLASSIC + classic_row(ID_A, energy="inf") + classic_row(ID_B, loudness="NaN")
            + classic_row(ID_C, energy="-Infinity").replace('"120.5"', '"1e999"')
            + classic_row("1" * 22).replace('"201000"', '"1e300"')).encode()
    result = import_exportify_csv(library, data, file_name="odd.csv")
    assert result.imported == 3
    assert [str(e) for e in result.errors] == ["line 5: 'Track Duration (ms)' is not a number"]
    assert result.warning_count == 4
    assert [str(w) for w in result.warnings] == [
        "line 2: 'Energy' inf is not a finite number (left out)",
        "line 3: 'Loudness' NaN is not a finite number (left out)",
        "line 4: 'Energy' -Infinity is not a finite number (left out); 'Tempo' 1e999 is not a finite number (left out)"]
    rows = library.query("SELECT track_id, energy, loudness, tempo FROM track_view ORDER BY track_id")
    assert rows == sorted([(ID_A, None, -5.5, 120.5), (ID_B, 0.8, None, 120.5), (ID_C, None, -5.5, None)])
    (bad,) = library.query_one("SELECT count(*) FROM enrichment_values WHERE NOT isfinite(num_value)")
    assert bad == 0


def test_track_urls_bare_ids_and_odd_explicit_values():
    data = (CLASSIC + classic_row(ID_A).replace(f"spotify:track:{ID_A}",
                                               f"https://open.spotify.com/intl-de/track/{ID_A}?si=x")
            + classic_row(ID_B, explicit="Maybe") + classic_row(ID_C, explicit="")
            + classic_row("1" * 22).replace(f"spotify:track:{'1' * 22}", "1" * 22)).encode()
    parsed, rows = parse_exportify(data)
    assert [str(e) for e in parsed.errors.shown] == ["line 3: 'Explicit' is not true/false"]
    assert rows["uri"].to_pylist() == [f"spotify:track:{ID_A}", f"spotify:track:{ID_C}", f"spotify:track:{'1' * 22}"]
    assert rows["explicit"].to_pylist() == [True, None, True]


def test_a_short_first_row_does_not_set_the_width(library):
    data = CLASSIC + '"spotify:local:a:b:c:1","c","","a"\r\n' + classic_row(ID_A)
    result = import_exportify_csv(library, data.encode(), file_name="short.csv")
    assert (result.imported, result.local_count, result.errors) == (1, 1, [])


def test_a_file_of_which_no_row_can_be_imported_is_refused(library):
    import_exportify_csv(library, (CLASSIC + classic_row(ID_A)).encode(), file_name="keep.csv")
    before = library.query("SELECT * FROM source_tracks")
    cases = [(CLASSIC, "it has no rows"),
             (CLASSIC + '"only","three","fields"\r\n' * 3, "3 of its 3 row.s. are unreadable, the first: line 2"),
             (CLASSIC + classic_row("x"), "is not a Spotify track"),
             ('"Track URI","Track Name","Artist Name(s)"\n"spotify:local:a:b:c:1","c","a"\n', "only 1 local file")]
    for text, reason in cases:
        with pytest.raises(ValidationError, match=f"keep.csv: no row can be imported .*{reason}.*nothing was changed"):
            import_exportify_csv(library, text.encode(), file_name="keep.csv")
    assert library.query("SELECT * FROM source_tracks") == before


def _row(header: list[str], **cells) -> str:
    return ",".join(f'"{cells.get(h, "")}"' for h in header) + "\n"


WATSONBOX_18 = ["Track URI", "Track Name", "Artist URI(s)", "Artist Name(s)", "Album URI", "Album Name",
                "Album Artist URI(s)", "Album Artist Name(s)", "Album Release Date", "Album Image URL", "Disc Number",
                "Track Number", "Track Duration (ms)", "Track Preview URL", "Explicit", "Popularity", "Added By",
                "Added At"]
WATSONBOX_19 = [*WATSONBOX_18[:16], "ISRC", *WATSONBOX_18[16:]]
EXTRAS = ["Artist Genres", "Danceability", "Energy", "Key", "Loudness", "Mode", "Speechiness", "Acousticness",
          "Instrumentalness", "Liveness", "Valence", "Tempo", "Time Signature", "Album Genres", "Label", "Copyrights"]
ARTISTS = "spotify:artist:4V8LLVI7PbaPR0K2TGSxFF, spotify:artist:1U1el3k54VvEUzo3ybLPlM"


def _watsonbox_cells(track_id: str = ID_A, **extra) -> dict:
    return {"Track URI": f"spotify:track:{track_id}", "Track Name": "Hey, Jude", "Artist URI(s)": ARTISTS,
            "Artist Name(s)": "Tyler\\, The Creator, Kali Uchis", "Album URI": "spotify:album:0sNOF9WDwhWunNAHPD3Baj",
            "Album Name": "Weezer", "Album Artist Name(s)": "Weezer", "Album Release Date": "1994-05-10",
            "Disc Number": "1", "Track Number": "8", "Track Duration (ms)": "258826", "Explicit": "false",
            "Popularity": "70", "ISRC": "USGF19463508", "Added By": "spotify:user:me",
            "Added At": "2020-01-02T03:04:05Z", **extra}


@pytest.mark.parametrize("header", [WATSONBOX_18, WATSONBOX_19, WATSONBOX_19 + EXTRAS], ids=["18", "19", "extras"])
def test_watsonbox_layouts(library, header):
    extra = {"Artist Genres": "alternative rock,modern rock", "Energy": "0.75", "Tempo": "121.5",
             "Album Genres": "power pop", "Label": "Geffen", "Copyrights": "C 1994 Geffen"}
    data = ",".join(f'"{h}"' for h in header) + "\n" + _row(header, **_watsonbox_cells(**extra))
    result = import_exportify_csv(library, data.encode(), file_name="w.csv")
    assert (result.layout, result.imported, result.errors) == ("watsonbox", 1, [])
    row = library.query_one("SELECT title, artists, album, release_date, duration_ms, explicit, isrc, genres, energy,"
                            " tempo, label, popularity, added_at FROM track_view")
    extras = header == WATSONBOX_19 + EXTRAS
    assert row == ("Hey, Jude", ["Tyler, The Creator", "Kali Uchis"], "Weezer", date(1994, 5, 10), 258826, False,
                   "USGF19463508" if "ISRC" in header else None,
                   ["alternative rock", "modern rock", "power pop"] if extras else [], 0.75 if extras else None,
                   121.5 if extras else None, "Geffen" if extras else None, 70.0, datetime(2020, 1, 2, 3, 4, 5))
    assert library.query("SELECT album_id FROM albums") == [("0sNOF9WDwhWunNAHPD3Baj",)]
    assert library.query("SELECT artist_id FROM track_artists ORDER BY position") == [
        ("4V8LLVI7PbaPR0K2TGSxFF",), ("1U1el3k54VvEUzo3ybLPlM",)]


def test_watsonbox_singular_headers_before_2021(library):
    header = ["Track URI", "Track Name", "Artist URI", "Artist Name", "Album URI", "Album Name", "Album Release Date",
              "Track Duration (ms)", "Explicit", "Popularity", "Added By", "Added At"]
    data = ",".join(f'"{h}"' for h in header) + "\n" + _row(header, **_watsonbox_cells(**{
        "Artist URI": ARTISTS, "Artist Name": "Tyler\\, The Creator, Kali Uchis"}))
    assert import_exportify_csv(library, data.encode(), file_name="old.csv").imported == 1
    assert library.query_one("SELECT artists, album FROM track_view") == (
        ["Tyler, The Creator", "Kali Uchis"], "Weezer")


LOCALES = json.loads((Path(__file__).resolve().parents[2] / "lib/imports/exportify_headers.json").read_text())
LOCALES.pop("_source")
_KEYS = {"Track URI": "track_uri", "Track Name": "track_name", "Artist URI(s)": "artist_uris",
         "Artist Name(s)": "artist_names", "Album URI": "album_uri", "Album Name": "album_name",
         "Album Artist URI(s)": "album_artist_uris", "Album Artist Name(s)": "album_artist_names",
         "Album Release Date": "album_release_date", "Album Image URL": "album_image_url",
         "Disc Number": "disc_number", "Track Number": "track_number", "Track Duration (ms)": "track_duration",
         "Track Preview URL": "track_preview_url", "Explicit": "explicit", "Popularity": "popularity", "ISRC": "isrc",
         "Added By": "added_by", "Added At": "added_at", "Artist Genres": "artist_genres", "Energy": "energy",
         "Tempo": "tempo", "Label": "label"}


@pytest.mark.parametrize("language", sorted(LOCALES))
def test_translated_headers_of_every_language_exportify_ships(library, language):
    english = [*WATSONBOX_19, "Artist Genres", "Energy", "Tempo", "Label"]
    header = [LOCALES[language][_KEYS[h]][-1] for h in english]
    cells = _watsonbox_cells(**{"Artist Genres": "rock", "Energy": "0.5", "Tempo": "99", "Label": "Geffen"})
    data = ",".join(f'"{h}"' for h in header) + "\n" + _row(english, **cells)
    result = import_exportify_csv(library, data.encode(), file_name="t.csv")
    assert (result.layout, result.imported, result.errors) == ("watsonbox", 1, [])
    assert library.query_one("SELECT title, artists, album, isrc, genres, energy, tempo, label, explicit, added_at"
                             " FROM track_view") == (
        "Hey, Jude", ["Tyler, The Creator", "Kali Uchis"], "Weezer", "USGF19463508", ["rock"], 0.5, 99.0, "Geffen",
        False, datetime(2020, 1, 2, 3, 4, 5))


PAVEL_24 = ["Track URI", "Track Name", "Album Name", "Artist Name(s)", "Release Date", "Duration (ms)", "Popularity",
            "Explicit", "Added By", "Added At", "Genres", "Record Label", "Danceability", "Energy", "Key", "Loudness",
            "Mode", "Speechiness", "Acousticness", "Instrumentalness", "Liveness", "Valence", "Tempo",
            "Time Signature"]
PAVEL_23 = [h for h in PAVEL_24 if h != "Explicit"]
TRACK_ID = ["Track ID", *PAVEL_23[1:]]
TRACK_ID_TABS = [h if h != "Danceability" else "\t\t\t\tDanceability" for h in TRACK_ID]
SPOTIFY_ID = ["Spotify ID", "Artist IDs", *[h for h in TRACK_ID[1:] if h != "Record Label"]]


def _pavel(header, track_id, artists, ids=""):
    cells = {"Track URI": f"spotify:track:{track_id}", "Track ID": track_id, "Spotify ID": track_id,
             "Artist IDs": ids, "Track Name": "Song", "Album Name": "Album", "Artist Name(s)": artists,
             "Release Date": "2019", "Duration (ms)": "201000", "Popularity": "55", "Explicit": "true",
             "Added By": "me", "Added At": "2021-03-04T05:06:07Z", "Genres": "hip hop,rap", "Record Label": "XL",
             "Energy": "0.5", "Tempo": "100"}
    return ",".join(cells.get(h.strip(), "") if h.strip() in ("Track URI", "Track ID", "Spotify ID") else
                    f'"{cells.get(h.strip(), "")}"' for h in header) + "\n"


@pytest.mark.parametrize("header", [PAVEL_24, PAVEL_23, TRACK_ID, TRACK_ID_TABS, SPOTIFY_ID],
                         ids=["24", "23", "track-id", "track-id-tabs", "spotify-id"])
def test_pavelkomarov_layouts_with_comma_joined_artists(library, header):
    data = ("\ufeff" + ",".join(header) + "\n"
            + _pavel(header, ID_A, "Sylvie Courvoisier,Mary Halvorson", ids="1" * 22 + "," + "2" * 22)
            + _pavel(header, ID_B, "Tyler, The Creator,Lil Wayne", ids="3" * 22 + "," + "4" * 22))
    result = import_exportify_csv(library, data.encode(), file_name="p.csv")
    assert (result.layout, result.imported, result.errors) == ("pavelkomarov", 2, [])
    rows = library.query("SELECT track_id, title, artists, album, release_date, duration_ms, explicit, genres,"
                         " energy, tempo, added_at FROM track_view ORDER BY track_id")
    explicit = True if "Explicit" in header else None
    assert rows == sorted([
        (ID_A, "Song", ["Sylvie Courvoisier", "Mary Halvorson"], "Album", date(2019, 1, 1), 201000, explicit,
         ["hip hop", "rap"], 0.5, 100.0, datetime(2021, 3, 4, 5, 6, 7)),
        (ID_B, "Song", ["Tyler, The Creator", "Lil Wayne"], "Album", date(2019, 1, 1), 201000, explicit,
         ["hip hop", "rap"], 0.5, 100.0, datetime(2021, 3, 4, 5, 6, 7))])
    if header == SPOTIFY_ID:  # the ids are the artists'
        assert library.query_one("SELECT list(artist_id ORDER BY position) FROM track_artists WHERE track_id = ?",
                                 [ID_A]) == (["1" * 22, "2" * 22],)


def test_pavelkomarov_artist_ids_tell_how_many_names(library):
    header = SPOTIFY_ID
    data = ",".join(header) + "\n" + _pavel(header, ID_A, "Chick Corea, Gary Burton", ids="1" * 22 + "," + "2" * 22)
    import_exportify_csv(library, data.encode(), file_name="p.csv")
    assert library.query_one("SELECT artists FROM track_view") == (["Chick Corea", "Gary Burton"],)


def test_pavelkomarov_semicolons_since_2025_07(library):
    data = ",".join(PAVEL_24) + "\n" + _pavel(PAVEL_24, ID_A, "AC,DC;Tyler, The Creator") + _pavel(
        PAVEL_24, ID_B, "Foo,Bar")
    import_exportify_csv(library, data.encode(), file_name="p.csv")
    assert library.query("SELECT artists FROM track_view ORDER BY track_id") == sorted(
        [(["AC,DC", "Tyler, The Creator"],), (["Foo,Bar"],)])


def test_local_files_episodes_and_unavailable_tracks_are_counted_per_source(library):
    data = ("\ufeff" + ",".join(PAVEL_24) + "\n" + _pavel(PAVEL_24, ID_A, "A")
            + 'spotify:local:::Synthphonia+Final:315,"Synthphonia Final","","",,315000,0,false,me,'
              '2026-02-07T16:39:54Z,"","undefined"\n'                                        # short local row
            + 'spotify:episode:21IQYYLEL2W4p3Kzm05vu8,"Ep","Show","",,245690,0,true,me,2025-02-23T15:14:42Z,'
              '"","undefined",,,,,,,,,,,,\n'                                                  # episode
            + f'spotify:track:{ID_B},"","","",0000,0,0,false,,2020-09-26T09:10:33Z,"","",0.6,0.8,1,-6,1,0,0,0,0,0,'
              '130,4\n' + _pavel(PAVEL_24, ID_C, "C"))                                         # unavailable
    result = import_exportify_csv(library, data.encode(), file_name="odd.csv")
    assert (result.rows, result.imported, result.local_count, result.episode_count, result.unavailable_count,
            result.errors) == (5, 2, 1, 1, 1, [])
    assert library.query_one("SELECT track_count, local_count, episode_count, null_count FROM sources") == (2, 1, 1, 1)
    assert "kept out: 1 local file(s), 1 episode(s), 1 unavailable track(s)" in result.summary()


def test_albums_without_uri_are_keyed_by_name_album_artists_and_date(library):
    header = [h for h in WATSONBOX_19 if h != "Album URI"]
    rows = [_row(header, **_watsonbox_cells(ID_A, **{"Album Release Date": "1994-05-10"})),
            _row(header, **_watsonbox_cells(ID_B, **{"Album Release Date": "2001-05-15"})),
            _row(header, **_watsonbox_cells(ID_C, **{"Album Release Date": "2001-05-15", "Album Artist Name(s)": "X"}))]
    data = ",".join(f'"{h}"' for h in header) + "\n" + "".join(rows)
    import_exportify_csv(library, data.encode(), file_name="w.csv")
    assert library.query("SELECT track_id, album, release_date FROM track_view ORDER BY track_id") == sorted([
        (ID_A, "Weezer", date(1994, 5, 10)), (ID_B, "Weezer", date(2001, 5, 15)), (ID_C, "Weezer", date(2001, 5, 15))])
    assert library.query_one("SELECT count(DISTINCT album_id) FROM tracks") == (3,)


def test_a_renamed_artist_or_redated_album_shows_on_the_tracks_the_file_does_not_hold(library):
    first = ",".join(f'"{h}"' for h in WATSONBOX_19) + "\n" + _row(WATSONBOX_19, **_watsonbox_cells(ID_A)) + _row(
        WATSONBOX_19, **_watsonbox_cells(ID_B))
    import_exportify_csv(library, first.encode(), file_name="one.csv")
    renamed = _watsonbox_cells(ID_C, **{"Artist Name(s)": "Tyler\\, The Creator (renamed), Kali Uchis",
                                        "Album Release Date": "1994-05-11"})
    second = ",".join(f'"{h}"' for h in WATSONBOX_19) + "\n" + _row(WATSONBOX_19, **renamed)
    import_exportify_csv(library, second.encode(), file_name="two.csv")
    assert library.query("SELECT track_id, artist, release_date FROM track_view ORDER BY track_id") == sorted(
        (t, "Tyler, The Creator (renamed)", date(1994, 5, 11)) for t in (ID_A, ID_B, ID_C))
    assert_track_table_exact(library)


def test_a_reimport_leaves_no_album_or_artist_that_no_track_refers_to(library):
    """A library made before albums were keyed by their URI holds id-less album and artist rows; once a
    re-import keys its tracks anew, those rows are dropped (the ones still in use stay)."""
    data = (",".join(f'"{h}"' for h in WATSONBOX_19) + "\n" + _row(WATSONBOX_19, **_watsonbox_cells(ID_A))).encode()
    import_exportify_csv(library, data, file_name="w.csv")
    with library.write() as w:  # as an older version stored it: the album by name, an artist by name
        w.cur.execute("INSERT INTO albums (album_id, name) VALUES ('name:0123456789ab', 'Weezer')")
        w.cur.execute("INSERT INTO artists (artist_id, name) VALUES ('name:ba9876543210', 'Kali Uchis')")
        w.cur.execute("UPDATE tracks SET album_id = 'name:0123456789ab'")
        w.cur.execute("UPDATE track_artists SET artist_id = 'name:ba9876543210' WHERE position = 1")
        w.touch_all()
    import_exportify_csv(library, data, file_name="w.csv")
    assert library.query("SELECT album_id FROM albums") == [("0sNOF9WDwhWunNAHPD3Baj",)]
    assert library.query("SELECT artist_id FROM artists ORDER BY artist_id") == [
        ("1U1el3k54VvEUzo3ybLPlM",), ("4V8LLVI7PbaPR0K2TGSxFF",)]
    assert_track_table_exact(library)


def test_the_semicolon_layout_is_told_by_the_whole_file(library, monkeypatch):
    """A ';' only in the last block still makes 'Foo,Bar' in the first block one name (one 2025 export)."""
    import lib.imports.exportify as exportify

    monkeypatch.setattr(exportify, "PARSE_BLOCK", 1024)  # a block of a few rows, so the file spans several
    rows = [_pavel(PAVEL_24, IDS[i], "Foo,Bar") for i in range(20)]
    rows.append(_pavel(PAVEL_24, ID_A, "AC,DC;Tyler, The Creator"))
    import_exportify_csv(library, (",".join(PAVEL_24) + "\n" + "".join(rows)).encode(), file_name="p.csv")
    assert library.query("SELECT DISTINCT artists FROM track_view WHERE track_id <> ?", [ID_A]) == [(["Foo,Bar"],)]
    assert library.query_one("SELECT artists FROM track_view WHERE track_id = ?", [ID_A]) == (
        ["AC,DC", "Tyler, The Creator"],)
