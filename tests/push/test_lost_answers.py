"""Lost answers: a write Spotify applied but never confirmed is neither repeated nor duplicated on the next push."""

from __future__ import annotations

import pytest

from lib.push.apply import PushInterrupted, marker
from lib.push.service import preview_push, push_rule
from lib.store import push_store
from tests.fakes.spotify_server import connected_settings
from tests.push.helpers import SORTED_RULE, add_tracks, save, uris
from tests.push.lossy import LossyFakeSpotify


@pytest.fixture
def lossy(tmp_path):
    from lib.spotify import connect_client

    fake = LossyFakeSpotify().start()
    try:
        yield fake, connect_client(connected_settings(fake, tmp_path), sleep=lambda s: None)
    finally:
        fake.stop()


def marked(fake, rule_id: str) -> list[str]:
    return [pid for pid, p in fake.data.playlists.items() if marker(rule_id) in p.description]


def test_lost_create_answer_is_adopted_not_duplicated(library, lossy):
    fake, client = lossy
    ids = add_tracks(library, fake, 230)
    save(library, SORTED_RULE)
    fake.lose_response("POST", r"/me/playlists$")
    with pytest.raises(PushInterrupted, match="for rule 'by-title' failed.*may have created it anyway"):
        push_rule(library, client, "by-title")
    assert fake.count("POST", r"/me/playlists$") == 1          # never retried: the server did create it
    assert push_store.get_link(library, "by-title") is None
    [pid] = marked(fake, "by-title")
    # Afterwards: 60 more playlists of the user (so ours is on the second page of GET /me/playlists) and a
    # playlist of someone else carrying the same marker (followed, first in the list: never adopted).
    for n in range(60):
        fake.data.add_playlist(f"Mix {n}", [], description="[auto-playlists:by-title-old]")
    decoy = fake.data.add_playlist("Copy", [], owner="someone-else", description=f"x {marker('by-title')}")

    fake.reset_log()
    dry = push_rule(library, client, "by-title", dry_run=True)
    assert dry.preview.adopted
    assert dry.preview.link.playlist_id == pid
    assert "adopted" in dry.preview.playlist_label
    assert len(dry.plan.added) == 230
    assert fake.writes() == []
    assert push_store.get_link(library, "by-title") is None     # a dry run stores nothing
    offsets = [r.query.get("offset") for r in fake.requests("GET", r"/me/playlists$")]
    assert offsets == ["0", "50"]                                # explicit offsets, stops once found

    fake.reset_log()
    outcome = push_rule(library, client, "by-title")
    assert outcome.playlist_id == pid
    assert any("answer was lost" in m for m in outcome.messages)
    assert fake.count("POST", r"/me/playlists$") == 0
    assert not [r for r in fake.writes() if decoy in r.path]
    expected = uris(sorted(ids, key=lambda i: fake.data.tracks[i]["name"]))
    assert fake.data.playlist_uris(pid) == expected
    assert marked(fake, "by-title") == [pid, decoy]
    link = push_store.get_link(library, "by-title")
    assert (link.playlist_id, link.created_by_app) == (pid, True)
    assert link.last_snapshot_id == fake.data.playlists[pid].snapshot_id

    fake.reset_log()
    assert push_rule(library, client, "by-title").write_calls == 0
    assert fake.writes() == []
    assert fake.count("GET", r"/me/playlists$") == 0             # linked now: no more searching


def test_only_the_users_own_marked_playlist_is_adopted(library, lossy):
    fake, client = lossy
    add_tracks(library, fake, 5)
    save(library, SORTED_RULE)
    theirs = fake.data.add_playlist("By title", [], owner="someone-else",
                                    description=f"Every song {marker('by-title')}")
    other_rule = fake.data.add_playlist("Old", [], description=marker("by-title-2"))
    preview = preview_push(library, client, "by-title")
    assert preview.link is None
    assert not preview.adopted
    outcome = push_rule(library, client, "by-title")
    assert outcome.playlist_id not in (theirs, other_rule)
    assert fake.count("POST", r"/me/playlists$") == 1
    assert fake.data.playlist_uris(theirs) == fake.data.playlist_uris(other_rule) == []


def test_creation_refused_names_the_rule_and_is_not_retried(library, lossy):
    fake, client = lossy
    add_tracks(library, fake, 5)
    save(library, SORTED_RULE)
    fake.inject("server_error", r"/me/playlists$", method="POST", times=None)
    with pytest.raises(PushInterrupted, match="'By title' for rule 'by-title' failed"):
        push_rule(library, client, "by-title")
    assert fake.count("POST", r"/me/playlists$") == 1
    assert marked(fake, "by-title") == []
    fake.clear_faults()
    fake.inject("quota", r"/me/playlists$", method="POST")
    with pytest.raises(PushInterrupted) as info:
        push_rule(library, client, "by-title")
    assert "may have created" not in str(info.value)             # a 429 is never applied: no hint
    fake.clear_faults()
    outcome = push_rule(library, client, "by-title")
    assert marked(fake, "by-title") == [outcome.playlist_id]


def test_lost_answer_to_an_add_batch_is_not_duplicated(library, lossy):
    fake, client = lossy
    ids = add_tracks(library, fake, 250)
    save(library, SORTED_RULE)
    fake.lose_response("POST", r"/items$")                      # the first batch lands, its answer is lost
    with pytest.raises(PushInterrupted, match="rule 'by-title' to playlist 'By title' stopped after 0 of 3"):
        push_rule(library, client, "by-title")
    pid = push_store.get_link(library, "by-title").playlist_id
    assert fake.count("POST", r"/items$") == 1                  # not retried
    assert len(fake.data.playlist_uris(pid)) == 100
    fake.reset_log()
    outcome = push_rule(library, client, "by-title")
    final = fake.data.playlist_uris(pid)
    assert final == uris(sorted(ids, key=lambda i: fake.data.tracks[i]["name"]))
    assert len(set(final)) == 250
    assert len(outcome.plan.added) == 150
    assert outcome.write_calls == fake.count("POST", r"/items$") == 2


def test_a_released_playlist_is_never_adopted_again(library, lossy):
    from lib.push.history import release_playlist

    fake, client = lossy
    add_tracks(library, fake, 5)
    save(library, SORTED_RULE)
    old = push_rule(library, client, "by-title").playlist_id
    release_playlist(library, client, "by-title", unfollow=False)      # "leave it on Spotify"
    snapshot = fake.data.playlists[old].snapshot_id
    fake.reset_log()
    new = push_rule(library, client, "by-title")
    assert new.playlist_id != old
    assert not new.preview.adopted
    assert fake.count("POST", r"/me/playlists$") == 1
    assert fake.data.playlists[old].snapshot_id == snapshot
    assert not [r for r in fake.writes() if old in r.path]
