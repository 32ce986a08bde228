"""The `python -m lib sync` and `spotify …` commands against the fake."""

from __future__ import annotations

import pytest

from lib.cli import main
from lib.store import open_library


@pytest.fixture
def seeded(fake_spotify):
    d = fake_spotify.data
    ids = d.make_tracks(90)
    d.like(ids[:60])
    mine = d.add_playlist("Gym", ids[50:90])
    d.add_entries(mine, [("local", "Me - Voice memo")])
    theirs = d.add_playlist("Bob's", ids[:2], owner="bob")
    return {"mine": mine, "theirs": theirs}


def test_sync_prints_progress_and_summary(app_env, seeded, capsys):
    assert main(["sync", "--liked", "--playlist", seeded["mine"], "--playlist", seeded["theirs"]]) == 0
    out = capsys.readouterr().out
    assert "Liked Songs" in out
    assert "Gym" in out
    assert "unreadable" in out
    assert "requests made: 5" in out                 # /me, 2 liked pages, playlists page, 1 items page
    lib = open_library(app_env.db)
    assert lib.query_one("SELECT local_count FROM sources WHERE source_id = ?", [f"playlist:{seeded['mine']}"])[0] == 1


def test_sync_without_options_repeats_last_choice_cheaply(app_env, seeded, fake_spotify, capsys):
    assert main(["sync", "--liked", "--playlist", seeded["mine"]]) == 0
    fake_spotify.reset_log()
    assert main(["sync", "--quiet", "--db", app_env.db]) == 0
    out = capsys.readouterr().out
    assert "requests made: 3" in out
    assert fake_spotify.count("GET", "/items$") == 0


def test_sync_quota_pause_exit_code_and_cron_friendly_skip(app_env, seeded, fake_spotify, capsys):
    fake_spotify.inject("quota", path="/me/tracks$", after=1)
    assert main(["sync", "--liked"]) == 2
    assert "paused: Spotify's daily quota" in capsys.readouterr().out
    fake_spotify.clear_faults()
    fake_spotify.reset_log()

    assert main(["sync", "--liked"]) == 2                      # still inside the pause: ask Spotify nothing
    assert "nothing done" in capsys.readouterr().out
    assert fake_spotify.count() == 0
    assert main(["sync", "--liked", "--force"]) == 0
    assert fake_spotify.count("GET", "/me/tracks$") == 2           # page 0 (checks the staged pages), page 1
    lib = open_library(app_env.db)
    assert lib.query_one("SELECT count(*) FROM source_tracks WHERE source_id = 'liked'")[0] == 60
    assert lib.query_one("SELECT count(*) FROM jobs WHERE status = 'paused'")[0] == 0


def test_status_playlists_logout(app_env, seeded, capsys):
    assert main(["spotify", "status"]) == 0
    assert "connected as Jane (jane123)" in capsys.readouterr().out
    assert main(["spotify", "playlists"]) == 0
    out = capsys.readouterr().out
    assert seeded["theirs"] in out
    assert "cannot be read" in out
    assert main(["spotify", "logout"]) == 0
    assert main(["spotify", "status"]) == 1
    assert "not connected" in capsys.readouterr().out


def test_sync_when_not_connected_is_a_clear_error(app_env, capsys):
    main(["spotify", "logout"])
    assert main(["sync", "--liked"]) == 1
    assert "error: Spotify is not connected" in capsys.readouterr().err


def test_cli_uses_the_app_saved_on_the_connect_page(app_env, monkeypatch, capsys):
    from lib.config import load_settings
    from lib.spotify import save_app

    for key in ("SPOTIPY_CLIENT_ID", "SPOTIPY_CLIENT_SECRET"):
        monkeypatch.delenv(key)
    assert main(["spotify", "status"]) == 1
    save_app(load_settings(), app_env.spotify_client_id, app_env.spotify_client_secret)
    capsys.readouterr()
    assert main(["spotify", "status"]) == 0
    assert "connected as Jane" in capsys.readouterr().out
