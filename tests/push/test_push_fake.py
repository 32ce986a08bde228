"""Pushing against the fake Spotify server: creation, minimal writes, safety, resume, merge, restore."""

from __future__ import annotations

import math

import pytest

from lib.push.apply import PushInterrupted, PushNeedsDecision, PushRefused, apply_plan
from lib.push.history import link_playlist, push_history, release_playlist, restore_push
from lib.push.plan import plan_push
from lib.push.service import push_rule
from lib.push.targets import NotPushable
from lib.store import push_store
from tests.push.helpers import SORTED_RULE, UNSORTED_RULE, add_tracks, drop_tracks, save, uris


def entries(fake, playlist_id):
    """(uri, added_at) of every item of the fake playlist."""
    data = fake.data
    return [(data.entry_uri(e), e.added_at) for e in data.playlists[playlist_id].entries]


def write_count(fake) -> int:
    return len(fake.writes())


def test_first_push_creates_the_playlist_with_exactly_the_rules_tracks(library, fake_spotify, client):
    ids = add_tracks(library, fake_spotify, 230)
    save(library, SORTED_RULE)
    outcome = push_rule(library, client, "by-title")
    playlist = fake_spotify.data.playlists[outcome.playlist_id]
    expected = sorted(ids, key=lambda i: fake_spotify.data.tracks[i]["name"])
    assert fake_spotify.data.playlist_uris(outcome.playlist_id) == uris(expected)
    assert playlist.public is False
    assert "[auto-playlists:by-title]" in playlist.description
    assert playlist.name == "By title"
    assert fake_spotify.count("POST", r"/me/playlists$") == 1
    assert write_count(fake_spotify) == outcome.write_calls == 1 + math.ceil(230 / 100)
    link = push_store.get_link(library, "by-title")
    assert link.created_by_app
    assert link.last_snapshot_id == playlist.snapshot_id


@pytest.mark.parametrize("rule", [SORTED_RULE, UNSORTED_RULE])
def test_unchanged_second_push_makes_no_write_calls(library, fake_spotify, client, rule):
    add_tracks(library, fake_spotify, 120)
    save(library, rule)
    push_rule(library, client, rule["id"])
    fake_spotify.reset_log()
    outcome = push_rule(library, client, rule["id"])
    assert outcome.write_calls == 0
    assert fake_spotify.writes() == []
    # same snapshot as after our push: the items are not re-read page by page (quota)
    assert fake_spotify.count("GET", r"/items$") == 0


@pytest.mark.parametrize("rule", [SORTED_RULE, UNSORTED_RULE])
def test_library_changes_cost_exactly_the_formula_and_keep_added_at(library, fake_spotify, client, rule):
    ids = add_tracks(library, fake_spotify, 300)
    save(library, rule)
    first = push_rule(library, client, rule["id"])
    pid = first.playlist_id
    before = dict(entries(fake_spotify, pid))
    gone = ids[10:130]                                   # 120 removals
    drop_tracks(library, gone)
    new = add_tracks(library, fake_spotify, 150)          # 150 additions
    fake_spotify.reset_log()
    outcome = push_rule(library, client, rule["id"])
    plan = outcome.plan
    assert (len(plan.added), len(plan.removed)) == (150, 120)
    expected_calls = math.ceil(150 / 100) + math.ceil(120 / 100) + plan.moves
    assert write_count(fake_spotify) == outcome.write_calls == expected_calls
    if rule is UNSORTED_RULE:
        assert plan.moves == 0
    after = entries(fake_spotify, pid)
    wanted = set(ids) - set(gone) | set(new)
    assert sorted(u for u, _ in after) == sorted(uris(wanted))
    if rule is SORTED_RULE:
        assert [u for u, _ in after] == uris(sorted(wanted, key=lambda i: fake_spotify.data.tracks[i]["name"]))
    else:
        order = [u for u, _ in after]
        assert set(order[-150:]) == set(uris(new))                  # appended at the end
        assert order[:-150] == [u for u in before if u not in set(uris(gone))]   # what stayed did not move
    for uri, added_at in after:                          # tracks that stayed keep their date added
        if uri in before:
            assert added_at == before[uri]
    # DELETE and POST bodies never exceed 100 uris
    for rec in fake_spotify.writes():
        body = rec.body
        size = len(body) if isinstance(body, list) else len((body or {}).get("items") or (body or {}).get("uris") or [])
        assert size <= 100


def test_a_playlist_the_app_did_not_create_is_never_written(library, fake_spotify, client):
    add_tracks(library, fake_spotify, 20)
    save(library, SORTED_RULE)
    mine = fake_spotify.data.add_playlist("By title", [])          # same name, made by the user
    theirs = fake_spotify.data.add_playlist("Shared", [], owner="someone-else")
    snap_mine = fake_spotify.data.playlists[mine].snapshot_id
    outcome = push_rule(library, client, "by-title")
    assert outcome.playlist_id not in (mine, theirs)
    assert fake_spotify.data.playlists[mine].snapshot_id == snap_mine
    assert not [r for r in fake_spotify.writes() if mine in r.path or theirs in r.path]
    # linking needs a confirmation, and someone else's playlist can never be linked
    with pytest.raises(PushRefused, match="Confirm"):
        link_playlist(library, client, "by-title", mine, confirmed=False)
    with pytest.raises(PushRefused, match="someone-else"):
        link_playlist(library, client, "by-title", theirs, confirmed=True)
    # a plan aimed at an unlinked playlist is refused before any request
    fake_spotify.reset_log()
    plan = plan_push([], uris(["x" * 22]), False)
    with pytest.raises(PushRefused, match="never modified"):
        apply_plan(client, plan, link=push_store.get_link(library, "by-title"), playlist_id=mine)
    with pytest.raises(PushRefused):
        apply_plan(client, plan, link=None, playlist_id=mine)
    assert fake_spotify.writes() == []
    # a stored link to a playlist we do not own is refused too (nothing written)
    push_store.save_link(library, "by-title", theirs, "Shared", created_by_app=True)
    with pytest.raises(PushRefused, match="someone-else"):
        push_rule(library, client, "by-title", mode="overwrite")
    assert fake_spotify.writes() == []


def test_hand_linked_playlist_with_confirmation_keeps_what_stays(library, fake_spotify, client):
    ids = add_tracks(library, fake_spotify, 10)
    save(library, UNSORTED_RULE)
    stranger = fake_spotify.data.add_track("Not a song of the rule")
    pid = fake_spotify.data.add_playlist("Mine", [ids[0], stranger, ids[1]])
    before = dict(entries(fake_spotify, pid))
    link_playlist(library, client, "all-songs", pid, confirmed=True)
    assert not push_store.get_link(library, "all-songs").created_by_app
    outcome = push_rule(library, client, "all-songs")
    assert outcome.plan.removed == (f"spotify:track:{stranger}",)
    after = entries(fake_spotify, pid)
    assert [u for u, _ in after][:2] == uris(ids[:2])
    assert all(before[u] == a for u, a in after if u in before)
    with pytest.raises(PushRefused, match="never deletes"):
        release_playlist(library, client, "all-songs", unfollow=True)


@pytest.mark.parametrize("fault", ["quota", "rate_limit_long", "server_error"])
def test_interrupted_push_resumes_without_duplicates(library, fake_spotify, client, fault):
    ids = add_tracks(library, fake_spotify, 250)
    save(library, SORTED_RULE)
    kind = "rate_limit" if fault == "rate_limit_long" else fault
    extra = {"retry_after": 3600} if fault == "rate_limit_long" else {}
    fake_spotify.inject(kind, r"/items$", method="POST", after=1, **extra)   # the 2nd batch fails
    with pytest.raises(PushInterrupted) as info:
        push_rule(library, client, "by-title")
    assert info.value.write_calls == 1
    pid = push_store.get_link(library, "by-title").playlist_id
    assert len(fake_spotify.data.playlist_uris(pid)) == 100
    partial = push_history(library, "by-title")[0]
    assert partial.status == "partial"
    assert len(partial.after_uris) == 100
    fake_spotify.clear_faults()
    outcome = push_rule(library, client, "by-title")
    final = fake_spotify.data.playlist_uris(pid)
    assert len(final) == len(set(final)) == 250
    assert final == uris(sorted(ids, key=lambda i: fake_spotify.data.tracks[i]["name"]))
    assert outcome.plan.removed == ()
    assert fake_spotify.count("POST", r"/me/playlists$") == 1               # no second playlist
    assert push_history(library, "by-title")[0].status == "done"


def test_restore_brings_back_an_earlier_version(library, fake_spotify, client):
    ids = add_tracks(library, fake_spotify, 40)
    save(library, UNSORTED_RULE)
    first = push_rule(library, client, "all-songs")
    v1 = fake_spotify.data.playlist_uris(first.playlist_id)
    drop_tracks(library, ids[:15])
    add_tracks(library, fake_spotify, 5)
    push_rule(library, client, "all-songs")
    assert fake_spotify.data.playlist_uris(first.playlist_id) != v1
    restored = restore_push(library, client, "all-songs", first.push_id)
    assert fake_spotify.data.playlist_uris(first.playlist_id) == v1
    assert restored.write_calls == restored.plan.write_calls > 0
    history = push_history(library, "all-songs")
    assert [h.kind for h in history] == ["restore", "push", "push"]
    assert history[0].after_uris == v1
    with pytest.raises(PushRefused):
        restore_push(library, client, "all-songs", 999)


def test_merge_keeps_outside_additions_and_overwrite_removes_them(library, fake_spotify, client):
    ids = add_tracks(library, fake_spotify, 20)
    save(library, UNSORTED_RULE)
    pid = push_rule(library, client, "all-songs").playlist_id
    outside = fake_spotify.data.add_track("Added by hand")
    fake_spotify.data.add_entries(pid, [("track", outside), ("local", "Me - Demo tape"), ("null", None)])
    drop_tracks(library, ids[:3])
    with pytest.raises(PushNeedsDecision, match="changed on Spotify"):
        push_rule(library, client, "all-songs")
    merged = push_rule(library, client, "all-songs", mode="merge")
    now = fake_spotify.data.playlist_uris(pid)
    assert f"spotify:track:{outside}" in now
    assert not set(uris(ids[:3])) & set(now)
    assert set(merged.plan.removed) == set(uris(ids[:3]))
    assert push_history(library, "all-songs")[0].kind == "merge"
    # our own snapshot is current again: no decision needed; overwrite drops the outside track only
    fake_spotify.data.add_entries(pid, [("track", outside)])
    overwrite = push_rule(library, client, "all-songs", mode="overwrite")
    final = fake_spotify.data.playlist_uris(pid)
    assert f"spotify:track:{outside}" not in final
    assert "spotify:local:Me::Demo+tape:180" in final
    assert None in final
    assert overwrite.plan.removed == (f"spotify:track:{outside}",)


def test_release_unfollows_an_app_playlist(library, fake_spotify, client):
    add_tracks(library, fake_spotify, 5)
    save(library, UNSORTED_RULE)
    pid = push_rule(library, client, "all-songs").playlist_id
    message = release_playlist(library, client, "all-songs", unfollow=True)
    assert "deleted" in message
    assert pid not in fake_spotify.data.followed
    assert fake_spotify.count("DELETE", r"/me/library$") == 1
    assert push_store.get_link(library, "all-songs") is None


def test_demo_tracks_are_not_pushed(library, fake_spotify, client):
    add_tracks(library, fake_spotify, 5, origin="demo")
    save(library, UNSORTED_RULE)
    with pytest.raises(NotPushable, match="demo"):
        push_rule(library, client, "all-songs")
    assert fake_spotify.writes() == []


def test_dry_run_changes_nothing(library, fake_spotify, client):
    add_tracks(library, fake_spotify, 5)
    save(library, UNSORTED_RULE)
    outcome = push_rule(library, client, "all-songs", dry_run=True)
    assert outcome.plan.added
    assert outcome.write_calls == 0
    assert fake_spotify.writes() == []
    assert push_store.get_link(library, "all-songs") is None
