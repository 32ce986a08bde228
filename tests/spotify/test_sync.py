"""Sync against the fake Spotify over real HTTP: content, incremental request counts, faults, resume."""

from __future__ import annotations

import pytest

from lib.spotify import connect_client
from lib.spotify.sync import sync_library
from lib.store import job_events, list_jobs, sync_store


def _membership(lib, source_id):
    return lib.query("SELECT position, track_id, added_at FROM source_tracks WHERE source_id = ? ORDER BY position",
                     [source_id])


def _liked_ids(lib):
    return [r[1] for r in _membership(lib, "liked")]


@pytest.fixture
def seeded(fake_spotify):
    d = fake_spotify.data
    ids = d.make_tracks(400)
    d.like(ids[:230])
    mine = d.add_playlist("Road trip", ids[200:320])
    d.add_entries(mine, [("local", "Garage Band - Demo"), ("episode", d.add_episode()), ("null", None),
                         ("track", ids[200])])                       # a duplicate of the first track
    collab = d.add_playlist("Shared", ids[10:15], owner="bob", collaborative=True)
    theirs = d.add_playlist("Bob's mix", ids[:40], owner="bob")
    empty = d.add_playlist("Empty one", [])
    return {"ids": ids, "mine": mine, "collab": collab, "theirs": theirs, "empty": empty}


def test_full_sync_stores_tracks_membership_and_counts(fake_spotify, client, lib, seeded):
    d = fake_spotify.data
    events = []
    summary = sync_library(lib, client, all_playlists=True, on_progress=events.append)

    assert summary.status == "done", summary.message
    by_id = {s.source_id: s for s in summary.sources}
    assert _liked_ids(lib) == [tid for _, tid in d.liked]
    road = by_id[f"playlist:{seeded['mine']}"]
    assert (road.tracks, road.local, road.episodes, road.nulls) == (121, 1, 1, 1)
    positions = _membership(lib, road.source_id)
    assert [p for p, tid, _ in positions if tid == seeded["ids"][200]] == [0, 123]   # duplicate kept, by position
    assert by_id[f"playlist:{seeded['collab']}"].status == "synced"
    assert by_id[f"playlist:{seeded['empty']}"].tracks == 0
    assert f"playlist:{seeded['theirs']}" not in by_id                            # --all-playlists skips unreadable
    state = sync_store.source_state(lib, f"playlist:{seeded['theirs']}")
    assert state["readable"] is False
    assert "not owned" in state["unreadable_reason"]
    # requests: /me + 5 liked pages + 1 playlists page + 3 + 1 item pages (the empty playlist needs none)
    assert summary.requests == fake_spotify.count() == 1 + 5 + 1 + 3 + 1
    row = lib.query_one("SELECT title, artist, album, isrc, liked, playlists FROM track_view WHERE track_id = ?",
                        [seeded["ids"][210]])
    assert row[0] == "Song 210"
    assert row[1] == "Artist 10"
    assert row[3] == "USFAKE0000210"
    assert row[4] is True
    assert row[5] == ["Road trip"]
    assert lib.query_one("SELECT count(*) FROM tracks")[0] == 230 + 90 + 5 - 5      # ids 10..14 already liked
    assert lib.query_one("SELECT count(*) FROM sync_staging")[0] == 0
    assert {e.source_id for e in events} >= {"liked", road.source_id}
    assert events[-1].requests == summary.requests


def test_second_unchanged_sync_makes_at_most_three_requests(fake_spotify, settings, lib, seeded):
    sync_library(lib, connect_client(settings), all_playlists=True)
    fake_spotify.reset_log()

    summary = sync_library(lib, connect_client(settings), all_playlists=True)

    assert summary.status == "done"
    assert summary.requests == fake_spotify.count() == 3               # /me, liked page 0, playlists page 0
    assert {s.status for s in summary.sources} == {"unchanged"}


def test_only_changed_playlist_is_reread(fake_spotify, client, lib, seeded):
    sync_library(lib, client, all_playlists=True)
    client.sp.playlist_add_items(seeded["mine"], [f"spotify:track:{seeded['ids'][399]}"])
    fake_spotify.reset_log()

    summary = sync_library(lib, client, all_playlists=True)

    item_reads = {r.path for r in fake_spotify.requests("GET", r"/items$")}
    assert item_reads == {f"/v1/playlists/{seeded['mine']}/items"}
    assert seeded["ids"][399] in [r[1] for r in _membership(lib, f"playlist:{seeded['mine']}")]
    assert summary.requests == 2 + 3                                   # liked page 0, listing, 3 item pages


def test_new_likes_read_until_a_known_page(fake_spotify, client, lib, seeded):
    d = fake_spotify.data
    sync_library(lib, client, liked=True)
    d.like(seeded["ids"][300:360])                                      # 60 new at the top
    fake_spotify.reset_log()

    sync_library(lib, client, liked=True)

    assert fake_spotify.count("GET", "/me/tracks$") == 3                # 2 pages of new items + 1 known page
    assert _liked_ids(lib) == [tid for _, tid in d.liked]


def test_removed_old_like_is_detected_by_total(fake_spotify, client, lib, seeded):
    d = fake_spotify.data
    sync_library(lib, client, liked=True)
    oldest = d.liked[-1][1]
    d.unlike([oldest])
    d.like([seeded["ids"][390]])

    sync_library(lib, client, liked=True)

    assert _liked_ids(lib) == [tid for _, tid in d.liked]
    assert oldest not in _liked_ids(lib)


def test_removed_recent_like_handled_without_full_reread(fake_spotify, client, lib, seeded):
    d = fake_spotify.data
    sync_library(lib, client, liked=True)
    d.unlike([d.liked[3][1]])
    fake_spotify.reset_log()

    sync_library(lib, client, liked=True)

    assert _liked_ids(lib) == [tid for _, tid in d.liked]
    assert fake_spotify.count("GET", "/me/tracks$") == 1


def test_quota_stop_keeps_pages_and_next_sync_resumes(fake_spotify, settings, lib, seeded):
    d = fake_spotify.data
    fake_spotify.inject("quota", path="/me/tracks$", after=3)           # 4th liked page hits the daily quota
    summary = sync_library(lib, connect_client(settings), all_playlists=True)

    assert summary.status == "paused"
    assert summary.paused_until is not None
    assert "quota" in summary.message
    assert _liked_ids(lib) == []                                       # nothing half-swapped
    assert sorted(sync_store.load_staging(lib, "liked")) == [0, 50, 100]
    paused = [j for j in list_jobs(lib) if j.status == "paused"]
    assert {j.kind for j in paused} == {"sync", "fetch_tracks"}
    assert all(j.paused_until is not None for j in paused)

    fake_spotify.clear_faults()
    fake_spotify.reset_log()
    summary = sync_library(lib, connect_client(settings), all_playlists=True)

    assert summary.status == "done"
    liked_pages = [int(r.query.get("offset", 0)) for r in fake_spotify.requests("GET", "/me/tracks$")]
    assert liked_pages == [0, 150, 200]                                # staged 50 and 100 were not asked again
    ids = _liked_ids(lib)
    assert ids == [tid for _, tid in d.liked]
    assert len(ids) == len(set(ids))
    assert lib.query_one("SELECT count(*) FROM sync_staging")[0] == 0
    assert {j.status for j in list_jobs(lib)} == {"done"}                  # the paused jobs were finished


def test_resume_discards_staged_pages_when_playlist_changed(fake_spotify, settings, lib, seeded):
    mine = seeded["mine"]
    fake_spotify.inject("quota", path=f"/playlists/{mine}/items$", after=1)
    assert sync_library(lib, connect_client(settings), playlist_ids=[mine], liked=False).status == "paused"
    assert list(sync_store.load_staging(lib, f"playlist:{mine}")) == [0]
    fake_spotify.clear_faults()
    fake_spotify.data.add_entries(mine, [("track", seeded["ids"][0])])   # new snapshot: staged page is stale

    summary = sync_library(lib, connect_client(settings), playlist_ids=[mine], liked=False)

    assert summary.status == "done"
    assert [r[1] for r in _membership(lib, f"playlist:{mine}")] == [
        u.split(":")[2] for u in fake_spotify.data.playlist_uris(mine) if u and u.startswith("spotify:track:")]


def test_token_refresh_mid_sync(fake_spotify, client, lib, seeded):
    fake_spotify.inject("expire_token", path="/me/tracks$", after=2)

    summary = sync_library(lib, client, liked=True)

    assert summary.status == "done"
    assert fake_spotify.count("POST", "/api/token$", api_only=False) == 1
    assert len(_liked_ids(lib)) == 230


def test_short_rate_limit_waits_and_continues(fake_spotify, client, sleeps, lib, seeded):
    fake_spotify.inject("rate_limit", path="/me/tracks$", after=1, retry_after=2)

    assert sync_library(lib, client, liked=True).status == "done"
    assert sleeps == [2.0]


def test_server_errors_fail_clearly_and_keep_progress(fake_spotify, settings, lib, seeded):
    fake_spotify.inject("server_error", path="/me/tracks$", after=2, times=None, status=502)
    summary = sync_library(lib, connect_client(settings, sleep=lambda s: None), liked=True)

    assert summary.status == "failed"
    assert "502" in summary.message
    assert sorted(sync_store.load_staging(lib, "liked")) == [0, 50]
    assert [j.status for j in list_jobs(lib, kind="fetch_tracks")] == ["failed"]

    fake_spotify.clear_faults()
    assert sync_library(lib, connect_client(settings), liked=True).status == "done"
    assert len(_liked_ids(lib)) == 230


def test_revoked_refresh_token_asks_to_reconnect(fake_spotify, client, lib, seeded):
    fake_spotify.revoke_refresh_tokens("expired")
    fake_spotify.expire_access_tokens()

    summary = sync_library(lib, client, liked=True)

    assert summary.status == "failed"
    assert summary.reconnect
    assert "connect again" in summary.message


def test_crash_mid_commit_leaves_every_source_whole(fake_spotify, client, lib, seeded, monkeypatch):
    sync_library(lib, client, all_playlists=True)
    mine = f"playlist:{seeded['mine']}"
    before = {sid: _membership(lib, sid) for sid in ("liked", mine)}
    fake_spotify.data.like(seeded["ids"][380:385])
    fake_spotify.data.add_entries(seeded["mine"], [("track", seeded["ids"][381])])

    def boom(cur, track_ids=None):
        raise RuntimeError("disk full")      # after both memberships were rewritten inside the transaction

    monkeypatch.setattr("lib.store.unit_of_work.refresh_track_view", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        sync_library(lib, client, all_playlists=True)

    assert {sid: _membership(lib, sid) for sid in ("liked", mine)} == before       # all old, not a mix
    assert lib.query_one("SELECT count(*) FROM track_view WHERE liked")[0] == len(before["liked"])
    assert list_jobs(lib, kind="sync")[0].status == "failed"

    monkeypatch.undo()
    assert sync_library(lib, client, all_playlists=True).status == "done"
    assert _liked_ids(lib) == [tid for _, tid in fake_spotify.data.liked]
    assert seeded["ids"][381] in [r[1] for r in _membership(lib, mine)]


def test_jobs_have_status_history(fake_spotify, client, lib, seeded):
    summary = sync_library(lib, client, all_playlists=True)

    children = list_jobs(lib, parent_id=summary.job_id)
    assert {j.target for j in children} == {"liked", f"playlist:{seeded['mine']}", f"playlist:{seeded['collab']}",
                                            f"playlist:{seeded['empty']}"}
    liked_job = next(j for j in children if j.target == "liked")
    assert liked_job.progress["tracks"] == 230
    assert liked_job.requests == 5
    assert [e[1] for e in job_events(lib, summary.job_id)] == ["running", "done"]


def test_unknown_playlist_id_is_reported_not_fatal(fake_spotify, client, lib, seeded):
    summary = sync_library(lib, client, liked=False, playlist_ids=["0000000000000000000000", seeded["theirs"]])

    assert summary.status == "done"
    assert [s.status for s in summary.sources] == ["missing", "unreadable"]
    assert fake_spotify.count("GET", "/items$") == 0


def test_playlist_whose_items_are_refused_is_marked_unreadable(fake_spotify, client, lib, seeded):
    fake_spotify.inject("server_error", r"/items$", status=403, times=None)  # Development Mode refuses them

    summary = sync_library(lib, client, liked=False, playlist_ids=[seeded["mine"]])

    assert summary.status == "done"
    assert [s.status for s in summary.sources] == ["unreadable"]
    state = sync_store.source_state(lib, f"playlist:{seeded['mine']}")
    assert state["readable"] is False
    assert _membership(lib, f"playlist:{seeded['mine']}") == []


def test_deleted_playlist_is_retired_with_its_membership(fake_spotify, client, lib, seeded):
    sync_library(lib, client, all_playlists=True)
    mine = f"playlist:{seeded['mine']}"
    fake_spotify.data.followed.remove(seeded["mine"])                 # deleted (unfollowed) on Spotify

    summary = sync_library(lib, client, all_playlists=True)

    assert [s.status for s in summary.sources if s.source_id == mine] == ["removed"]
    assert _membership(lib, mine) == []
    state = sync_store.source_state(lib, mine)
    assert state["readable"] is False
    assert state["selected"] is False
    assert lib.query_one("SELECT count(*) FROM track_view WHERE list_contains(playlists, 'Road trip')")[0] == 0
