"""The fake Spotify itself (helpers D and E rely on it): 2026 shapes, limits, writes and snapshots."""

from __future__ import annotations

import pytest
import requests

from tests.fakes.spotify_server import FULL_SCOPE


@pytest.fixture
def api(fake_spotify):
    session = requests.Session()
    session.headers["Authorization"] = "Bearer " + fake_spotify.issue_token(FULL_SCOPE)["access_token"]

    def call(method, path, **kw):
        return session.request(method, fake_spotify.api_url + path, timeout=5, **kw)

    return call


@pytest.fixture
def playlist(fake_spotify):
    d = fake_spotify.data
    ids = d.make_tracks(8)
    return d.add_playlist("Mine", ids[:5]), ids


def test_auth_errors(fake_spotify):
    assert requests.get(fake_spotify.api_url + "me", timeout=5).json()["error"]["message"] == "No token provided"
    answer = requests.get(fake_spotify.api_url + "me", headers={"Authorization": "Bearer nope"}, timeout=5)
    assert answer.status_code == 401


def test_paging_limits_and_shapes(fake_spotify, api, playlist):
    pid, ids = playlist
    fake_spotify.data.add_entries(pid, [("local", "A - B"), ("episode", fake_spotify.data.add_episode()),
                                        ("null", None)])
    assert api("GET", "me/tracks", params={"limit": 51}).status_code == 400
    page = api("GET", f"playlists/{pid}/items", params={"limit": 3}).json()
    assert page["next"].startswith(fake_spotify.api_url)
    entry = page["items"][0]
    assert set(entry) == {"added_at", "added_by", "is_local", "item", "track"}
    assert "popularity" not in entry["item"]
    tail = api("GET", f"playlists/{pid}/items", params={"offset": 5, "limit": 50}).json()["items"]
    assert [e["is_local"] for e in tail] == [True, False, False]
    assert tail[0]["item"]["id"] is None
    assert tail[1]["item"]["type"] == "episode"
    assert tail[2]["item"] is None
    listed = api("GET", "me/playlists").json()["items"][0]
    assert listed["items"]["total"] == 8


def test_dev_mode_restrictions(fake_spotify, api, playlist):
    _, ids = playlist
    theirs = fake_spotify.data.add_playlist("Bob's", ids, owner="bob")
    assert api("GET", f"playlists/{theirs}/items").status_code == 403
    assert "items" not in api("GET", f"playlists/{theirs}").json()
    for path in (f"playlists/{theirs}/tracks", "artists?ids=x", "users/bob/playlists", "audio-features?ids=x"):
        assert api("GET", path).status_code == 403, path
    assert api("GET", "playlists/unknown").status_code == 404
    assert api("POST", f"playlists/{theirs}/items", json={"uris": []}).status_code == 403


def test_writes_keep_added_at_and_change_snapshots(fake_spotify, api, playlist):
    pid, ids = playlist
    d = fake_spotify.data
    before = {e.ref: e.added_at for e in d.playlists[pid].entries}
    snap0 = d.playlists[pid].snapshot_id
    answer = api("POST", f"playlists/{pid}/items", params={"position": 1}, json=[f"spotify:track:{ids[6]}"])
    assert answer.status_code == 201
    snap1 = answer.json()["snapshot_id"]
    assert snap1 != snap0
    assert api("POST", f"playlists/{pid}/items", json={"uris": [f"spotify:track:{ids[7]}"], "position": 0}).ok
    assert api("PUT", f"playlists/{pid}/items", json={"range_start": 0, "insert_before": 7}).ok
    assert api("DELETE", f"playlists/{pid}/items", json={"items": [{"uri": f"spotify:track:{ids[2]}"}]}).ok
    assert d.playlist_uris(pid) == [f"spotify:track:{i}" for i in (ids[0], ids[6], ids[1], ids[3], ids[4], ids[7])]
    assert all(e.added_at == before[e.ref] for e in d.playlists[pid].entries if e.ref in before)
    assert api("DELETE", f"playlists/{pid}/items",
               json={"items": [{"uri": f"spotify:track:{ids[0]}", "positions": [1]}]}).status_code == 400
    assert api("POST", f"playlists/{pid}/items", json=[f"spotify:track:{ids[0]}"] * 101).status_code == 400
    assert api("PUT", f"playlists/{pid}/items", json={"uris": []}).ok
    assert d.playlist_uris(pid) == []


def test_create_rename_follow(fake_spotify, api):
    created = api("POST", "me/playlists", json={"name": "Auto", "public": False, "description": "x"})
    assert created.status_code == 201
    pid = created.json()["id"]
    assert created.json()["items"]["total"] == 0
    assert api("PUT", f"playlists/{pid}", json={"name": "Renamed"}).ok
    assert fake_spotify.data.playlists[pid].name == "Renamed"
    assert api("DELETE", "me/library", params={"uris": f"spotify:playlist:{pid}"}).ok
    assert pid not in fake_spotify.data.followed
    assert api("PUT", "me/library", params={"uris": f"spotify:playlist:{pid}"}).ok
    assert pid in fake_spotify.data.followed
    assert len(fake_spotify.writes()) == 4


def test_artist_and_track_lookups(fake_spotify, api):
    ids = fake_spotify.data.make_tracks(6)
    track = api("GET", f"tracks/{ids[0]}").json()
    assert track["external_ids"]["isrc"].startswith("USFAKE")
    genres = [api("GET", f"artists/{fake_spotify.data.tracks[i]['artists'][0]['id']}").json()["genres"] for i in ids]
    assert [] in genres
    assert any(genres)
