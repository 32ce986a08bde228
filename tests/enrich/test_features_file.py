"""Features-file import: key detection (id, URI, ISRC), column mapping, custom fields, all-or-nothing."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from lib.enrich import EnrichError, import_features_file, read_features_file, suggest_mapping
from tests.enrich.conftest import add_tracks, isrc, spotify_id


def _csv(text: str) -> pd.DataFrame:
    return read_features_file(io.BytesIO(text.encode()), "f.csv")


def test_mapping_suggestion_and_custom_fields(small_library):
    frame = _csv("Track URI,Energy,BPM,Genre,My Rating,Mood Note\n"
                 f"spotify:track:{spotify_id(0)},0.9,128,house;techno,5,sunny\n"
                 f"https://open.spotify.com/track/{spotify_id(1)}?si=abc,0.2,70,folk,3,rainy\n"
                 "spotify:track:unknownunknownunknown1,0.5,100,,1,x\n")
    key, mapping = suggest_mapping(frame)
    assert key == "Track URI"
    assert mapping == {"Energy": "energy", "BPM": "tempo", "Genre": "genres", "My Rating": "x_my_rating",
                       "Mood Note": "x_mood_note"}
    report = import_features_file(small_library, frame, key_column=key, mapping=mapping)
    assert (report.rows, report.matched_rows, report.tracks) == (3, 2, 2)
    assert report.custom_fields == {"x_my_rating": "number", "x_mood_note": "text"}
    row = small_library.query_one("SELECT energy, tempo, genres, genre_family, custom_num['my_rating'],"
                                  " custom_text['mood_note'] FROM track_view WHERE track_id = ?", [spotify_id(0)])
    assert row == (0.9, 128.0, ["house", "techno"], "electronic", 5.0, "sunny")
    assert small_library.query("SELECT DISTINCT provider, precedence FROM enrichment_values") == [("features-file", 1)]


def test_isrc_keys_reach_every_track_with_that_isrc(library):
    add_tracks(library, 2)
    add_tracks(library, 1, start=10)
    with library.transaction() as cur:
        cur.execute("UPDATE tracks SET isrc = ? WHERE track_id = ?", [isrc(0), spotify_id(10)])
    frame = pd.DataFrame({"isrc": [isrc(0), isrc(1)], "valence": [0.1, 0.7], "year": ["1999", "2004"]})
    key, mapping = suggest_mapping(frame)
    mapping["year"] = "release_date"
    report = import_features_file(library, frame, key_column=key, mapping=mapping)
    assert report.tracks == 3
    assert library.query("SELECT track_id, valence, release_year FROM track_view ORDER BY 1") == [
        (spotify_id(0), 0.1, 1999), (spotify_id(1), 0.7, 2004), (spotify_id(10), 0.1, 1999)]


def test_parquet_is_read(tmp_path, small_library):
    path = tmp_path / "f.parquet"
    pd.DataFrame({"id": [spotify_id(2)], "danceability": [0.66], "plays": [12]}).to_parquet(path)
    frame = read_features_file(path)
    key, mapping = suggest_mapping(frame)
    import_features_file(small_library, frame, key_column=key, mapping=mapping)
    assert small_library.query("SELECT danceability, custom_num['plays'] FROM track_view WHERE track_id = ?",
                               [spotify_id(2)]) == [(0.66, 12.0)]


def test_unmapped_columns_are_skipped_and_bad_mappings_store_nothing(small_library):
    frame = _csv(f"id,energy,junk\n{spotify_id(0)},0.4,zzz\n")
    import_features_file(small_library, frame, key_column="id", mapping={"energy": "energy", "junk": None})
    assert small_library.query("SELECT DISTINCT field FROM enrichment_values") == [("energy",)]
    with pytest.raises(EnrichError, match="neither a known field"):
        import_features_file(small_library, frame, key_column="id", mapping={"junk": "not a field"})
    with pytest.raises(EnrichError, match="key column"):
        import_features_file(small_library, frame, key_column="nope", mapping={})
    assert small_library.query("SELECT count(*) FROM enrichment_values") == [(1,)]


def test_unreadable_file_is_a_clear_error():
    with pytest.raises(EnrichError, match="Cannot read"):
        read_features_file(io.BytesIO(b"PAR1 not really parquet"), "x.parquet")


@pytest.mark.parametrize("columns", [["Energy", "energy", "ENERGY "], ["a b", "a-b", "A_B"], ["!!!", "???"]])
def test_columns_that_collide_after_normalizing_are_refused_by_name(small_library, columns):
    frame = pd.DataFrame({"id": [spotify_id(0)], **{c: ["0.5"] for c in columns}})
    key, mapping = suggest_mapping(frame)
    with pytest.raises(EnrichError, match="would fill the same field") as caught:
        import_features_file(small_library, frame, key_column=key, mapping=mapping)
    assert all(repr(c) in str(caught.value) for c in columns)
    assert small_library.query("SELECT count(*) FROM enrichment_values") == [(0,)]


def test_custom_names_a_rule_cannot_address_are_refused(small_library):
    frame = pd.DataFrame({"id": [spotify_id(0)], "long": ["1"]})
    for target in ("x_" + "a" * 61, "x_abc\n", "x_ABC"):
        with pytest.raises(EnrichError, match="neither a known field nor a custom"):
            import_features_file(small_library, frame, key_column="id", mapping={"long": target})
    import_features_file(small_library, frame, key_column="id", mapping={"long": "x_" + "a" * 60})
    assert small_library.query("SELECT field FROM enrichment_values") == [("x_" + "a" * 60,)]


def test_custom_rule_fields_are_checked_with_a_full_match():
    from lib.rules.fields import field_info

    assert field_info("x_abc") is not None
    assert field_info("x_abc\n") is None


def test_numbers_that_are_not_finite_are_left_out_and_reported(small_library):
    frame = _csv(f"id,energy,tempo,plays\n{spotify_id(0)},inf,1e999,NaN\n{spotify_id(1)},0.5,-Infinity,3\n")
    report = import_features_file(small_library, frame, key_column="id",
                                  mapping={"energy": "energy", "tempo": "tempo", "plays": "x_plays"})
    assert report.left_out == ["row 2, 'energy': inf is not a finite number (left out)",
                               "row 2, 'tempo': 1e999 is not a finite number (left out)",
                               "row 3, 'tempo': -Infinity is not a finite number (left out)",
                               "row 2, 'plays': NaN is not a finite number (left out)"]
    assert small_library.query("SELECT track_id, field, num_value FROM enrichment_values ORDER BY 1, 2") == [
        (spotify_id(1), "energy", 0.5), (spotify_id(1), "x_plays", 3.0)]
