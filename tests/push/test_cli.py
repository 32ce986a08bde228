"""`python -m lib push ...` against the fake Spotify."""

from __future__ import annotations

import json

import pytest

from lib.cli import main
from lib.store import push_store
from tests.fakes.spotify_server import connected_settings
from tests.push.helpers import UNSORTED_RULE, add_tracks, drop_tracks, save


def settings_env(settings) -> dict[str, str]:
    return {"SPOTIFY_TOKEN_CACHE": settings.token_cache, "SPOTIPY_CLIENT_ID": settings.spotify_client_id,
            "SPOTIPY_CLIENT_SECRET": settings.spotify_client_secret,
            "SPOTIPY_REDIRECT_URI": settings.spotify_redirect_uri, "SPOTIFY_API_URL": settings.spotify_api_url,
            "SPOTIFY_ACCOUNTS_URL": settings.spotify_accounts_url}


@pytest.fixture
def cli_env(fake_spotify, tmp_path, monkeypatch):
    for key, value in settings_env(connected_settings(fake_spotify, tmp_path)).items():
        monkeypatch.setenv(key, value)


def test_push_cli_dry_run_push_history_restore(library, fake_spotify, cli_env, capsys):
    ids = add_tracks(library, fake_spotify, 12)
    save(library, UNSORTED_RULE)
    db = ["--db", library.target]
    assert main(["push", "--rule", "all-songs", "--dry-run", *db]) == 0
    out = capsys.readouterr().out
    assert "+12 added" in out
    assert "will be created" in out
    assert "dry run: would make 2 write calls" in out
    assert fake_spotify.writes() == []

    assert main(["push", "--rule", "all-songs", *db]) == 0
    assert "done: 2 write calls (push #1" in capsys.readouterr().out
    assert main(["push", "--all", *db]) == 0
    assert "up to date: no write calls" in capsys.readouterr().out

    drop_tracks(library, ids[:2])
    assert main(["push", "--rule", "all-songs", *db]) == 0
    out = capsys.readouterr().out
    assert "-2 removed" in out
    assert "done: 1 write calls" in out

    assert main(["push", "history", "--rule", "all-songs", *db]) == 0
    out = capsys.readouterr().out
    assert out.count("  push     done") == 2             # the no-op run leaves no history row
    pid = push_store.get_link(library, "all-songs").playlist_id
    assert main(["push", "restore", "--rule", "all-songs", "--push-id", "1", *db]) == 0
    assert len(fake_spotify.data.playlist_uris(pid)) == 12


def test_push_cli_errors_are_clear(library, fake_spotify, cli_env, capsys):
    add_tracks(library, fake_spotify, 3)
    save(library, UNSORTED_RULE)
    db = ["--db", library.target]
    other = fake_spotify.data.add_playlist("Mine", [])
    assert main(["push", *db]) == 1
    assert "--rule ID or use --all" in capsys.readouterr().err
    assert main(["push", "link", "--rule", "all-songs", "--playlist", other, *db]) == 1
    assert "Confirm to link (CLI: --yes)" in capsys.readouterr().err
    assert main(["push", "link", "--rule", "all-songs", "--playlist", other, "--yes", *db]) == 0
    assert push_store.get_link(library, "all-songs").playlist_id == other
    assert main(["push", "--rule", "nope", *db]) == 1
    assert "No rule 'nope'" in capsys.readouterr().err
    assert main(["push", "unlink", "--rule", "all-songs", *db]) == 0
    assert "left on Spotify" in capsys.readouterr().out


def test_push_cli_reports_an_adopted_playlist(library, fake_spotify, cli_env, capsys):
    ids = add_tracks(library, fake_spotify, 3)
    save(library, UNSORTED_RULE)
    pid = fake_spotify.data.add_playlist("All songs", ids[:1], description="x [auto-playlists:all-songs]")
    assert main(["push", "--rule", "all-songs", "--db", library.target]) == 0
    out = capsys.readouterr().out
    assert "found on Spotify by its marker and adopted" in out
    assert "note: Playlist 'All songs'" in out
    assert "+2 added" in out
    assert fake_spotify.count("POST", r"/me/playlists$") == 0
    assert push_store.get_link(library, "all-songs").playlist_id == pid


def test_push_all_goes_on_past_a_broken_rule(library, fake_spotify, cli_env, capsys):
    add_tracks(library, fake_spotify, 5)
    save(library, UNSORTED_RULE)
    save(library, {**UNSORTED_RULE, "id": "zz-second", "name": "Second"})
    # Saved by an older version that accepted it: a date whose next day does not exist.
    broken = {"id": "broken", "name": "Broken", "match": {"conditions": [
        {"field": "added_at", "operator": "after", "value": "9999-12-31"}]}}
    with library.transaction() as cur:
        cur.execute("INSERT INTO rules (rule_id, name, enabled, definition, version) VALUES (?, ?, true, ?, 1)",
                    ["broken", "Broken", json.dumps(broken)])
    db = ["--db", library.target]
    assert main(["push", "--all", "--dry-run", *db]) == 1
    out, err = capsys.readouterr()
    assert "dry run: would make" in out
    assert "rule all-songs" in out
    assert "rule zz-second" in out
    assert "error: rule broken:" in err
    assert "9999-12-31" in err
    assert err.strip().splitlines()[-1] == "error: 1 of 3 rule(s) failed: broken"
    assert main(["push", "--all", *db]) == 1
    capsys.readouterr()
    assert push_store.get_link(library, "all-songs") is not None
    assert push_store.get_link(library, "zz-second") is not None
