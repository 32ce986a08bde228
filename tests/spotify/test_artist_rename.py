"""An artist renamed on Spotify: one changed playlist re-read updates all the artist's tracks everywhere."""

from __future__ import annotations

from lib.spotify.sync import sync_library
from tests.fakes.spotify_data import spotify_id
from tests.track_table import assert_track_table_exact


def _rename_artist(data, old: str, new: str) -> str:
    aid = spotify_id(f"artist:{old}")
    with data.lock:
        data.artists[aid]["name"] = new
        for track in data.tracks.values():
            for credit in [*track["artists"], *track["album"]["artists"]]:
                if credit["id"] == aid:
                    credit["name"] = new
    return aid


def test_a_renamed_artist_shows_its_new_name_on_every_track(fake_spotify, client, lib):
    d = fake_spotify.data
    ids = d.make_tracks(120)                 # 'Artist 0' sings ids[0], ids[50], ids[100]
    d.like(ids[:60])                         # ids[0] and ids[50] only in Liked Songs
    road = d.add_playlist("Road trip", ids[90:110])
    other = d.add_playlist("Other", ids[100:101])
    assert sync_library(lib, client, all_playlists=True).status == "done"
    artist_tracks = {ids[0], ids[50], ids[100]}
    assert {r[0] for r in lib.query("SELECT track_id FROM track_view WHERE artist = 'Artist 0'")} == artist_tracks

    _rename_artist(d, "Artist 0", "Artist Zero")
    d.add_entries(road, [("track", ids[5])])  # only this playlist changes: Liked Songs and Other are not re-read
    summary = sync_library(lib, client, all_playlists=True)
    assert summary.status == "done", summary.message
    reread = {s.source_id for s in summary.sources if s.status == "synced"}
    assert reread == {f"playlist:{road}"}, summary.sources
    assert {r[0] for r in lib.query("SELECT track_id FROM track_view WHERE artist = 'Artist Zero'")} == artist_tracks
    assert lib.query("SELECT count(*) FROM track_view WHERE list_contains(artists, 'Artist 0')") == [(0,)]
    assert lib.query_one("SELECT playlists FROM track_view WHERE track_id = ?", [ids[100]]) == (
        sorted(["Other", "Road trip"]),)
    assert other
    assert_track_table_exact(lib)
