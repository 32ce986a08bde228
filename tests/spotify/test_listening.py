"""Listening history and top tracks against the fake: cursors, each play once, ranks, missing scopes, 429s."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import requests

from lib.spotify import connect_client
from lib.spotify.auth import LISTENING_SCOPES, missing_scopes
from lib.spotify.listening import read_history, read_listening, read_top
from lib.store import open_library
from lib.store.listening_store import Play, store_plays
from tests.fakes.spotify_server import CORE_SCOPE, FULL_SCOPE, connected_settings


def _api(fake, scope=FULL_SCOPE):
    session = requests.Session()
    session.headers["Authorization"] = "Bearer " + fake.issue_token(scope)["access_token"]
    return session


def test_fake_recently_played_pages_with_cursors_limit_and_before_after(fake_spotify):
    ids = fake_spotify.data.make_tracks(60)
    stamps = fake_spotify.data.play(ids, context="spotify:playlist:37i9dQZF1DXcBWIGoYBM5M")
    http = _api(fake_spotify)
    url = fake_spotify.api_url + "me/player/recently-played"
    first = http.get(url, params={"limit": 20}).json()
    assert [i["track"]["id"] for i in first["items"]] == ids[::-1][:20]      # newest first
    assert first["cursors"] == {"after": str(stamps[-1]), "before": str(stamps[-20])}
    assert first["items"][0]["context"]["uri"] == "spotify:playlist:37i9dQZF1DXcBWIGoYBM5M"
    assert first["items"][0]["played_at"].endswith("Z")
    following = http.get(first["next"]).json()
    assert following["items"][0]["track"]["id"] == ids[::-1][20]
    after = http.get(url, params={"after": stamps[-4], "limit": 50}).json()
    assert [i["track"]["id"] for i in after["items"]] == ids[::-1][:3]
    # only the newest 50 plays exist, as on Spotify
    older = http.get(url, params={"before": stamps[-50], "limit": 50}).json()
    assert older["items"] == []
    assert older["cursors"] is None
    assert older["next"] is None
    assert http.get(url, params={"limit": 51}).status_code == 400
    assert http.get(url, params={"after": 1, "before": 2}).status_code == 400


def test_fake_top_tracks_terms_and_scopes(fake_spotify):
    ids = fake_spotify.data.make_tracks(8)
    fake_spotify.data.top["short_term"] = ids[:5]
    http = _api(fake_spotify)
    url = fake_spotify.api_url + "me/top/tracks"
    page = http.get(url, params={"time_range": "short_term", "limit": 2}).json()
    assert [t["id"] for t in page["items"]] == ids[:2]
    assert page["total"] == 5
    assert "time_range=short_term" in page["next"]
    assert http.get(url, params={"time_range": "forever"}).status_code == 400
    lacking = _api(fake_spotify, CORE_SCOPE)
    answer = lacking.get(url)
    assert answer.status_code == 403
    assert answer.json()["error"]["message"] == "Insufficient client scope"
    assert lacking.get(fake_spotify.api_url + "me/player/recently-played").status_code == 403


def test_plays_are_stored_once_across_overlapping_reads(fake_spotify, settings, client):
    lib = open_library(settings.db)
    ids = fake_spotify.data.make_tracks(30)
    fake_spotify.data.play(ids[:20])
    assert read_history(lib, client) == 20
    fake_spotify.data.play(ids[20:] + ids[:3])          # 13 more, three tracks played a second time
    assert read_history(lib, client) == 13
    assert read_history(lib, client) == 0               # nothing new: one request, nothing stored
    rows = lib.query("SELECT track_id, played_at FROM plays")
    assert len(rows) == len(set(rows)) == 33
    # reading the same plays again (an overlap, e.g. a lost cursor) adds nothing
    plays = [Play(t, at) for t, at in rows]
    with lib.write() as w:
        assert store_plays(w, [], plays) == 0
    counts = dict(lib.query("SELECT track_id, play_count FROM track_view WHERE play_count > 0"))
    assert counts[ids[0]] == 2
    assert counts[ids[10]] == 1
    assert sum(counts.values()) == 33
    last = lib.query_one("SELECT last_played_at FROM track_view WHERE track_id = ?", [ids[0]])[0]
    assert last == max(at for t, at in rows if t == ids[0])


def test_history_pages_back_until_the_known_plays(fake_spotify, settings, client):
    lib = open_library(settings.db)
    fake_spotify.data.history_window = 500
    ids = fake_spotify.data.make_tracks(120)
    fake_spotify.data.play(ids)                          # first read: no cursor, follows `next` (before)
    assert read_history(lib, client) == 120
    assert fake_spotify.count(path="recently-played") == 3
    fake_spotify.data.play(ids[:70])                     # more than a page since the cursor
    fake_spotify.reset_log()
    assert read_history(lib, client) == 70
    assert fake_spotify.count(path="recently-played") == 2   # the second page reaches known plays: stop
    assert lib.query_one("SELECT count(*) FROM plays")[0] == 190


def test_top_ranks_update_and_tracks_out_of_the_list_lose_their_rank(fake_spotify, settings, client):
    lib = open_library(settings.db)
    a, b, c, d = fake_spotify.data.make_tracks(4)
    fake_spotify.data.top.update(short_term=[a, b, c], long_term=[c])
    read_top(lib, client)
    ranks = {r[0]: r[1:] for r in lib.query("SELECT track_id, top_rank_short, top_rank_medium, top_rank_long"
                                              " FROM track_view")}
    assert ranks[a] == (1, None, None)
    assert ranks[c] == (3, None, 1)
    fake_spotify.data.top.update(short_term=[d, a])
    read_top(lib, client, ["short_term"])
    ranks = dict(lib.query("SELECT track_id, top_rank_short FROM track_view"))
    assert ranks == {a: 2, b: None, c: None, d: 1}      # d was not in the library: added with its rank


def test_a_token_without_the_new_scopes_says_what_is_missing_and_costs_nothing(fake_spotify, tmp_path):
    settings = connected_settings(fake_spotify, tmp_path, scope=CORE_SCOPE)
    assert missing_scopes(settings) == list(LISTENING_SCOPES)
    client = connect_client(settings)
    assert client.me()["id"] == fake_spotify.data.user_id          # the older sign-in still works
    fake_spotify.reset_log()
    result = read_listening(open_library(settings.db), client)
    assert result.status == "skipped"
    assert result.requests == 0
    assert fake_spotify.count() == 0
    assert all(scope in result.message for scope in LISTENING_SCOPES)
    assert "Connect again" in result.message
    # a refresh keeps the token's real scope (spotipy writes the requested scope back)
    fake_spotify.expire_access_tokens()
    client._me = None
    client.me()
    assert missing_scopes(settings) == list(LISTENING_SCOPES)


def test_one_scope_granted_reads_that_part_only(fake_spotify, tmp_path):
    settings = connected_settings(fake_spotify, tmp_path, scope=CORE_SCOPE + " user-top-read")
    ids = fake_spotify.data.make_tracks(3)
    fake_spotify.data.play(ids)
    fake_spotify.data.top["medium_term"] = ids[:1]
    result = read_listening(open_library(settings.db), connect_client(settings))
    assert result.status == "done"
    assert result.plays_added == 0
    assert len(result.top_terms) == 3
    assert "user-read-recently-played" in result.message
    assert fake_spotify.count(path="recently-played") == 0


def test_a_quota_answer_pauses_the_listening_job(fake_spotify, settings, client):
    lib = open_library(settings.db)
    fake_spotify.data.play(fake_spotify.data.make_tracks(2))
    fake_spotify.inject("quota", "recently-played", retry_after=7200)
    result = read_listening(lib, client)
    assert result.status == "paused"
    assert result.paused_until > datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=1)
    fake_spotify.inject("rate_limit", "recently-played", retry_after=1)   # a short 429 is waited out
    assert read_listening(lib, client).plays_added == 2
