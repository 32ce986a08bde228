"""Mixes and frozen rules push like any rule: the order is kept and a seeded mix does not churn."""

from __future__ import annotations

from lib.cli import main
from lib.rules import get_rule, ordered_track_ids
from lib.store import push_store
from tests.push.helpers import add_tracks, save
from tests.push.test_cli import cli_env  # noqa: F401
from tests.push.test_page import app_env, page, texts  # noqa: F401

MIX = {"id": "mix3", "name": "Mix of three", "seed": 7, "limit": {"tracks": 9}, "separate_artists": 1, "mix": {
    "mode": "in_turn", "parts": [
        {"rule": {"sort": [{"field": "random"}]}, "share": 0.4},
        {"rule": {"sort": [{"field": "title", "direction": "desc"}]}, "share": 0.3},
        {"rule": "all-songs", "share": 0.3}]}}
ALL = {"id": "all-songs", "name": "All songs", "enabled": False,
       "match": {"conditions": [{"field": "title", "operator": "starts_with", "value": "Song"}]}}


def test_a_seeded_mix_and_its_frozen_copy_push_without_churn(library, fake_spotify, cli_env, capsys):  # noqa: F811
    add_tracks(library, fake_spotify, 12)
    save(library, ALL)
    save(library, MIX)
    db = ["--db", library.target]
    wanted = ordered_track_ids(library, get_rule(library, "mix3").rule)
    assert len(wanted) == 9
    assert main(["push", "--rule", "mix3", *db]) == 0
    assert "done:" in capsys.readouterr().out
    playlist = push_store.get_link(library, "mix3").playlist_id
    assert fake_spotify.data.playlist_uris(playlist) == [f"spotify:track:{i}" for i in wanted]
    writes = len(fake_spotify.writes())
    assert main(["push", "--rule", "mix3", *db]) == 0
    assert "up to date: no write calls" in capsys.readouterr().out
    assert len(fake_spotify.writes()) == writes

    assert main(["rules", "freeze", "--rule", "mix3", *db]) == 0
    capsys.readouterr()
    assert main(["push", "--rule", "mix3-frozen", *db]) == 0
    frozen = push_store.get_link(library, "mix3-frozen").playlist_id
    assert fake_spotify.data.playlist_uris(frozen) == [f"spotify:track:{i}" for i in wanted]
    capsys.readouterr()
    assert main(["push", "--all", *db]) == 0
    assert capsys.readouterr().out.count("up to date: no write calls") == 2


def test_the_push_page_pushes_a_mix_like_any_rule(app_env, fake_spotify):  # noqa: F811
    library, _ = app_env
    add_tracks(library, fake_spotify, 12)
    save(library, ALL)
    save(library, MIX)
    wanted = ordered_track_ids(library, get_rule(library, "mix3").rule)
    at = page().run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["To add"] == str(len(wanted))
    at.button(key="push.apply").click().run()
    at.button(key="push.confirm_yes").click().run()
    assert not at.exception
    assert "Pushed" in texts(at)
    playlist = push_store.get_link(library, "mix3").playlist_id
    assert fake_spotify.data.playlist_uris(playlist) == [f"spotify:track:{i}" for i in wanted]
    assert "Up to date" in texts(at)
