"""AppTest of the Push page against the fake Spotify."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.store import open_library, push_store
from tests.fakes.spotify_server import connected_settings
from tests.push.helpers import UNSORTED_RULE, add_tracks, drop_tracks, save
from tests.push.test_cli import settings_env

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "playlists.py")


@pytest.fixture
def app_env(fake_spotify, tmp_path, monkeypatch):
    settings = connected_settings(fake_spotify, tmp_path / "spotify")
    for key, value in settings_env(settings).items():
        monkeypatch.setenv(key, value)
    library = open_library(os.environ["AUTOPLAYLISTS_DB"])
    return library, settings


def page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.session_state["app.library_choice"] = "mine"
    return at


def frame(at, column: str):
    """The dataframe that has `column` (the overview, the diff or the history)."""
    for element in at.dataframe:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"no dataframe with column {column!r}")


def texts(at) -> str:
    parts = [e.value for kind in ("markdown", "info", "warning", "success", "error", "caption")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def test_a_push_evaluates_the_rule_once(app_env, fake_spotify, monkeypatch):
    import lib.rules.engine as engine

    library, _ = app_env
    add_tracks(library, fake_spotify, 5)
    save(library, UNSORTED_RULE)
    calls = []
    real = engine.ordered_track_ids
    monkeypatch.setattr(engine, "ordered_track_ids", lambda *a, **k: calls.append(1) or real(*a, **k))
    at = page().run()
    assert {m.label: m.value for m in at.metric}["Write calls"] == "2"    # one add, one create
    at.button(key="push.apply").click().run()
    assert len(calls) == 1                 # the overview's evaluation feeds the diff and the confirmation
    at.button(key="push.confirm_yes").click().run()
    assert not at.exception
    assert "Pushed" in texts(at)
    assert len(calls) == 2                 # the push sends the previewed tracks; the new overview reads once
    assert len(fake_spotify.data.playlist_uris(push_store.get_link(library, "all-songs").playlist_id)) == 5


def test_push_page_previews_confirms_and_pushes(app_env, fake_spotify):
    library, _ = app_env
    ids = add_tracks(library, fake_spotify, 8)
    save(library, UNSORTED_RULE)
    at = page().run()
    assert not at.exception
    overview = frame(at, "diff based on")
    assert overview.loc[0, "playlist"] == "will be created"
    assert "will be created" in texts(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["To add"] == "8"
    assert metrics["Write calls"] == "2"
    diff = frame(at, "change")
    assert len(diff) == 8
    assert diff["track"].str.startswith("Song").all()
    assert fake_spotify.writes() == []

    at.button(key="push.apply").click().run()
    assert fake_spotify.writes() == []                      # nothing happens before the confirmation
    at.button(key="push.confirm_yes").click().run()
    assert not at.exception
    assert "Pushed" in texts(at)
    link = push_store.get_link(library, "all-songs")
    assert len(fake_spotify.data.playlist_uris(link.playlist_id)) == 8
    assert "Up to date" in texts(at)

    # history lists the push; a change shows up as a diff; restore goes back
    drop_tracks(library, ids[:3])
    at.button(key="push.refresh").click().run()
    assert {m.label: m.value for m in at.metric}["To remove"] == "3"
    at.button(key="push.apply").click().run()
    at.button(key="push.confirm_yes").click().run()
    assert len(fake_spotify.data.playlist_uris(link.playlist_id)) == 5
    history = frame(at, "write calls")
    assert list(history["kind"]) == ["push", "push"]
    at.selectbox(key="push.restore_id").set_value(int(history["push"].iloc[-1])).run()
    at.button(key="push.restore").click().run()
    at.button(key="push.confirm_yes").click().run()
    assert not at.exception
    assert "Restored" in texts(at)
    assert len(fake_spotify.data.playlist_uris(link.playlist_id)) == 8


def test_push_page_changed_on_spotify_offers_merge(app_env, fake_spotify):
    library, _ = app_env
    ids = add_tracks(library, fake_spotify, 4)
    save(library, UNSORTED_RULE)
    at = page().run()
    at.button(key="push.apply").click().run()
    at.button(key="push.confirm_yes").click().run()
    pid = push_store.get_link(library, "all-songs").playlist_id
    outside = fake_spotify.data.add_track("By hand")
    fake_spotify.data.add_entries(pid, [("track", outside)])
    drop_tracks(library, ids[:1])
    at.button(key="push.refresh").click().run()
    assert {m.label: m.value for m in at.metric}["To remove"] == "2"
    assert "changed on Spotify" in texts(at)
    at.radio(key="push.mode").set_value("merge").run()
    assert {m.label: m.value for m in at.metric}["To remove"] == "1"
    at.button(key="push.apply").click().run()
    at.button(key="push.confirm_yes").click().run()
    assert not at.exception
    final = fake_spotify.data.playlist_uris(pid)
    assert f"spotify:track:{outside}" in final
    assert f"spotify:track:{ids[0]}" not in final
    assert push_store.list_pushes(library, "all-songs")[0].kind == "merge"


def test_push_page_explains_demo_and_missing_connection(app_env, fake_spotify):
    library, settings = app_env
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.session_state["app.library_choice"] = "demo"
    at.run()
    assert "demo library's track ids are made up" in texts(at)
    Path(settings.token_cache).unlink()
    save(library, UNSORTED_RULE)
    at = page().run()
    assert not at.exception
    assert "Spotify is not connected" in texts(at)
    assert fake_spotify.count() == 0


def test_deleted_rules_playlist_can_be_unfollowed_or_left(app_env, fake_spotify):
    from lib.rules.repo import delete_rule
    from tests.push.helpers import SORTED_RULE

    library, _ = app_env
    add_tracks(library, fake_spotify, 3)
    save(library, UNSORTED_RULE)
    save(library, SORTED_RULE)
    at = page().run()
    for rule_id in ("all-songs", "by-title"):
        at.selectbox(key="push.rule").set_value(rule_id).run()
        at.button(key="push.apply").click().run()
        at.button(key="push.confirm_yes").click().run()
    first = push_store.get_link(library, "all-songs").playlist_id
    second = push_store.get_link(library, "by-title").playlist_id
    delete_rule(library, "all-songs")
    delete_rule(library, "by-title")
    at = page().run()
    assert "Rule 'all-songs' was deleted" in texts(at)
    at.button(key="push.unfollow_all-songs").click().run()
    assert first not in fake_spotify.data.followed
    at.button(key="push.leave_by-title").click().run()
    assert not at.exception
    assert second in fake_spotify.data.followed
    assert push_store.list_links(library) == {}


def test_push_page_never_overwrites_a_change_made_after_the_preview(app_env, fake_spotify):
    library, _ = app_env
    add_tracks(library, fake_spotify, 4)
    save(library, UNSORTED_RULE)
    at = page().run()
    at.button(key="push.apply").click().run()
    at.button(key="push.confirm_yes").click().run()
    pid = push_store.get_link(library, "all-songs").playlist_id
    add_tracks(library, fake_spotify, 2)
    at.button(key="push.refresh").click().run()
    assert "changed on Spotify" not in texts(at)
    assert {m.label: m.value for m in at.metric}["To add"] == "2"
    outside = fake_spotify.data.add_track("By hand")               # added on Spotify after the preview
    fake_spotify.data.add_entries(pid, [("track", outside)])
    at.button(key="push.apply").click().run()
    at.button(key="push.confirm_yes").click().run()
    assert not at.exception
    assert "changed on Spotify since the last push" in texts(at)
    assert f"spotify:track:{outside}" in fake_spotify.data.playlist_uris(pid)
    assert len(fake_spotify.data.playlist_uris(pid)) == 5
    assert at.radio(key="push.mode").value == "overwrite"           # the choice is offered now


def test_push_page_adopts_a_playlist_whose_creation_answer_was_lost(app_env, fake_spotify):
    library, _ = app_env
    ids = add_tracks(library, fake_spotify, 3)
    save(library, UNSORTED_RULE)
    # What a lost POST /me/playlists answer leaves behind: our marked playlist on Spotify, no link here.
    pid = fake_spotify.data.add_playlist("All songs", ids, description="Auto playlist [auto-playlists:all-songs]")
    at = page().run()
    assert "found on Spotify by its marker" in texts(at)
    assert {m.label: m.value for m in at.metric}["Write calls"] == "0"
    at.button(key="push.apply").click().run()
    at.button(key="push.confirm_yes").click().run()
    assert not at.exception
    assert "instead of creating another" in texts(at)
    assert fake_spotify.count("POST", r"/me/playlists$") == 0
    link = push_store.get_link(library, "all-songs")
    assert (link.playlist_id, link.created_by_app) == (pid, True)
    assert "Up to date" in texts(at)
