"""After every writer, and after random sequences of writes, the track table equals its definition."""

from __future__ import annotations

import io
from datetime import datetime
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lib.store.unit_of_work as unit_of_work
from lib.demo.exportify import exportify_csv
from lib.demo.generate import generate_demo
from lib.enrich import (
    MoodThresholds,
    import_features_file,
    read_features_file,
    reset_labels,
    save_genre_mappings,
    set_labels,
    set_mood_thresholds,
)
from lib.imports import import_exportify_csv
from lib.store import open_library
from lib.store.catalog import (
    EnrichmentValue,
    Membership,
    SourceRecord,
    TrackRecord,
    replace_source_tracks,
    upsert_source,
    upsert_tracks,
    write_enrichment_values,
)
from lib.store.listening_store import Play, store_plays
from lib.store.sync_store import retire_playlists, save_listing
from tests.track_table import assert_track_table_exact


def test_every_writer_leaves_the_track_table_exact(demo_library):
    library = demo_library
    assert_track_table_exact(library)                                        # demo build (and migrations)
    some = [r[0] for r in library.query("SELECT track_id FROM track_view ORDER BY track_id LIMIT 40")]
    import_exportify_csv(library, exportify_csv(generate_demo(5, 30), limit=20), file_name="Extra.csv")
    assert_track_table_exact(library)                                        # CSV import
    frame = read_features_file(io.BytesIO(("Track URI,Energy,Valence,Genre\n" + "".join(
        f"spotify:track:{t},0.{i % 9 + 1},0.{(i * 3) % 9 + 1},jazz\n" for i, t in enumerate(some))).encode()),
        "f.csv")
    import_features_file(library, frame, key_column="Track URI",
                         mapping={"Energy": "energy", "Valence": "valence", "Genre": "genres"})
    assert_track_table_exact(library)                                        # features file
    set_labels(library, some[:5], mood="calm", tags=["x"])
    reset_labels(library, some[:2])
    assert_track_table_exact(library)                                        # labels
    set_mood_thresholds(library, MoodThresholds(0.4, 0.6, 0.9))
    assert_track_table_exact(library)                                        # thresholds
    save_genre_mappings(library, [("jazz", "rock")])
    assert_track_table_exact(library)                                        # genre map
    listed = library.query("SELECT source_id, kind, name FROM sources WHERE kind = 'playlist' ORDER BY source_id")
    sid, kind, name = listed[0]
    save_listing(library, [SourceRecord(sid, kind, name + " (renamed)", origin="demo")])
    assert_track_table_exact(library)                                        # sync: playlist listing
    retire_playlists(library, set(), "gone")
    assert_track_table_exact(library)                                        # sync: playlists that left
    with library.write() as w:                                               # migrations re-run
        w.cur.execute("DELETE FROM _migrations WHERE name = '030_search_columns'")
    reopened = open_library(library.target)
    assert_track_table_exact(reopened)


# --- random sequences of writes ---------------------------------------------------------------------

TRACKS = [f"t{i}" for i in range(8)]
ARTISTS = ["a0", "a1", "a2"]
ALBUMS = ["al0", "al1"]
SOURCES = ["liked", "p1"]
names = st.sampled_from(["Nova", "Növa", "Zed", "東京", ""]).filter(bool)


def _record(track_id, artist_ids, album_id, title, spelling=""):
    """`spelling` renames the artists and the album as Spotify might (their other tracks must follow)."""
    return TrackRecord(track_id, title, [(a, a.upper() + spelling) for a in artist_ids], album_id=album_id,
                       album_name=album_id.upper() + spelling, release_date="2001")


members = st.tuples(st.just("members"), st.sampled_from(SOURCES), st.lists(st.sampled_from(TRACKS), max_size=6))
ops = st.one_of(
    members, members,  # membership changes are the most common write (every sync and import)
    st.tuples(st.just("tracks"), st.lists(st.tuples(st.sampled_from(TRACKS),
                                                    st.lists(st.sampled_from(ARTISTS), min_size=1, max_size=2,
                                                             unique=True),
                                                    st.sampled_from(ALBUMS), names, st.sampled_from(["", "!"])),
                                          min_size=1, max_size=4)),
    # A play of a track the library lacks adds it, perhaps with a new spelling of its artist.
    st.tuples(st.just("plays"), st.sampled_from(TRACKS), st.sampled_from(ARTISTS), st.sampled_from(["", "!"])),
    st.tuples(st.just("rename_artist"), st.sampled_from(ARTISTS), names),
    st.tuples(st.just("rename_album"), st.sampled_from(ALBUMS), names, st.integers(1950, 2030)),
    st.tuples(st.just("rename_source"), st.sampled_from(SOURCES[1:]), names),
    st.tuples(st.just("values"), st.sampled_from(TRACKS), st.floats(0, 1), st.floats(0, 1),
              st.lists(st.sampled_from(["rock", "jazz", "house"]), max_size=2)),
    st.tuples(st.just("label"), st.lists(st.sampled_from(TRACKS), min_size=1, max_size=3),
              st.sampled_from(["happy", "sad", None])),
    st.tuples(st.just("thresholds"), st.floats(0.1, 0.5), st.floats(0.1, 0.9)),
    st.tuples(st.just("delete"), st.sampled_from(TRACKS)),
)


def _apply(library, op) -> None:
    kind, *args = op
    if kind == "label":
        known = {r[0] for r in library.query("SELECT track_id FROM tracks")}
        set_labels(library, [t for t in args[0] if t in known], mood=args[1])
        return
    if kind == "thresholds":
        set_mood_thresholds(library, MoodThresholds(args[0], args[1], args[0] + 0.4))
        return
    if kind == "rename_source":
        save_listing(library, [SourceRecord(args[0], "playlist", args[1], origin="spotify")])
        return
    with library.write() as w:
        cur = w.cur
        if kind == "tracks":
            records = [_record(*spec) for spec in args[0]]
            w.touch(**upsert_tracks(cur, records, "spotify"))
        elif kind == "plays":
            track, artist, spelling = args
            store_plays(w, [_record(track, [artist], ALBUMS[0], track.upper(), spelling)],
                        [Play(track, datetime(2026, 1, 1))])
        elif kind == "rename_artist":
            cur.execute("UPDATE artists SET name = ? WHERE artist_id = ?", [args[1], args[0]])
            w.touch(artists=[args[0]])
        elif kind == "rename_album":
            cur.execute("UPDATE albums SET name = ?, release_date = make_date(?, 1, 1) WHERE album_id = ?",
                        [args[1], args[2], args[0]])
            w.touch(albums=[args[0]])
        elif kind == "members":
            known = {r[0] for r in cur.execute("SELECT track_id FROM tracks").fetchall()}
            upsert_source(cur, SourceRecord(args[0], "liked" if args[0] == "liked" else "playlist", args[0],
                                            origin="spotify"))
            replace_source_tracks(cur, args[0], [Membership(i, t) for i, t in enumerate(args[1]) if t in known])
            w.touch(sources=[args[0]])
        elif kind == "values":
            track, energy, valence, genres = args
            write_enrichment_values(cur, [
                EnrichmentValue(track, "energy", "test", "online", num_value=energy),
                EnrichmentValue(track, "valence", "test", "online", num_value=valence),
                EnrichmentValue(track, "genres", "test", "online", list_value=genres)])
            w.touch(tracks=[track])
        elif kind == "delete":
            for table in ("source_tracks", "track_artists", "enrichment_values", "classifications", "plays", "tracks"):
                cur.execute(f"DELETE FROM {table} WHERE track_id = ?", [args[0]])  # fixed table names
            w.touch(tracks=[args[0]])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ops, min_size=1, max_size=8))
def test_random_sequences_of_writes_keep_the_track_table_exact(sequence):
    """Each write refreshes only the rows it touched (never the whole table, however small the library)."""
    library = open_library(":memory:")
    try:
        with patch.object(unit_of_work, "FULL_REFRESH_SHARE", 1.0):
            _apply(library, ("tracks", [(t, [ARTISTS[i % 3]], ALBUMS[i % 2], t.upper()) for i, t in enumerate(TRACKS)]))
            for op in sequence:
                _apply(library, op)
                assert_track_table_exact(library)  # after each write: a later one may refresh what one missed
    finally:
        library.close()


def _refreshes(calls: list):
    real = unit_of_work.refresh_track_view

    def spy(cur, ids=None):
        calls.append(None if ids is None else sorted(ids))
        real(cur, ids)

    return patch.object(unit_of_work, "refresh_track_view", spy)


def test_a_playlist_listing_that_changed_nothing_shown_refreshes_no_track(demo_library):
    """Every sync stores the listing; only a renamed (or re-kinded) source's tracks are refreshed."""
    listed = demo_library.query("SELECT source_id, kind, name FROM sources WHERE kind = 'playlist' ORDER BY 1")
    records = [SourceRecord(sid, kind, name, origin="demo", description="new text") for sid, kind, name in listed]
    refreshed: list = []
    with _refreshes(refreshed):
        save_listing(demo_library, records)
        assert refreshed == []
        sid, kind, name = listed[0]
        save_listing(demo_library, [SourceRecord(sid, kind, name + " (renamed)", origin="demo")])
    assert len(refreshed) == 1
    assert refreshed[0]                     # those tracks only
    assert_track_table_exact(demo_library)


def test_tracks_written_again_refresh_only_themselves_unless_an_artist_or_album_changed():
    library = open_library(":memory:")
    calls: list = []
    with patch.object(unit_of_work, "FULL_REFRESH_SHARE", 1.0), _refreshes(calls):
        _apply(library, ("tracks", [(t, ["a0"], "al0", t.upper()) for t in TRACKS]))
        _apply(library, ("tracks", [("t0", ["a0"], "al0", "T0")]))          # a sync that changed nothing
        assert calls[-1] == ["t0"]
        _apply(library, ("tracks", [("t0", ["a0"], "al0", "T0", "!")]))     # the artist and album renamed
        assert calls[-1] == sorted(TRACKS)
    assert {r[0] for r in library.query("SELECT artist || ' / ' || album FROM track_view")} == {"A0! / AL0!"}
    assert_track_table_exact(library)


def test_a_play_of_a_new_track_under_an_artists_new_name_renames_the_artists_other_tracks():
    library = open_library(":memory:")
    _apply(library, ("tracks", [("t0", ["a0"], "al0", "T0"), ("t1", ["a0"], "al1", "T1")]))
    with patch.object(unit_of_work, "FULL_REFRESH_SHARE", 1.0), library.write() as w:
        store_plays(w, [_record("t2", ["a0"], "al1", "T2", "!")], [Play("t2", datetime(2026, 1, 1))])
    assert library.query("SELECT track_id, artist FROM track_view ORDER BY 1") == [
        ("t0", "A0!"), ("t1", "A0!"), ("t2", "A0!")]
    assert_track_table_exact(library)


def test_tracks_rekeyed_by_a_sync_leave_no_album_or_artist_behind():
    """A file names artists and albums without ids; Spotify then gives the same tracks their ids."""
    library = open_library(":memory:")
    for artist_id, album_id, origin in ((None, None, "csv"), ("ar1", "al1", "spotify")):
        with library.write() as w:
            w.touch(**upsert_tracks(w.cur, [TrackRecord("t0", "T0", [(artist_id, "Nova")], album_id=album_id,
                                                        album_name="Album", release_date="2001")], origin))
    assert library.query("SELECT artist_id FROM artists") == [("ar1",)]
    assert library.query("SELECT album_id FROM albums") == [("al1",)]
    assert_track_table_exact(library)
