"""Settings: environment first, then the secrets file or mapping, then defaults."""

from __future__ import annotations

import pytest

from lib.cli import main
from lib.config import DEFAULT_DB, load_settings
from lib.errors import ConfigError


def test_defaults_when_nothing_is_configured(tmp_path):
    cfg = load_settings(env={"AUTOPLAYLISTS_SECRETS_FILE": str(tmp_path / "none.toml")})
    assert (cfg.db, cfg.db_configured, cfg.musicbrainz_rate) == (DEFAULT_DB, False, 1.0)


def test_secrets_file_is_read_and_env_wins(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[spotify]\nclient_id = "from-file"\n[musicbrainz]\ncontact = "me@example.com"\nrate = 2\n')
    env = {"AUTOPLAYLISTS_SECRETS_FILE": str(secrets), "SPOTIPY_CLIENT_ID": "from-env"}
    cfg = load_settings(env=env)
    assert (cfg.spotify_client_id, cfg.musicbrainz_contact, cfg.musicbrainz_rate) == ("from-env", "me@example.com", 2.0)


def test_secret_never_shows_in_repr():
    cfg = load_settings(env={}, secrets={"spotify": {"client_secret": "s3cr3t"}})
    assert cfg.spotify_client_secret == "s3cr3t"
    assert "s3cr3t" not in repr(cfg)


def test_malformed_secrets_file_is_a_clear_cli_error(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "secrets.toml"
    bad.write_text("[spotify\nclient_id = ")
    monkeypatch.setenv("AUTOPLAYLISTS_SECRETS_FILE", str(bad))
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings()
    assert main(["info"]) == 1
    assert "not valid TOML" in capsys.readouterr().err


def test_bad_number_names_the_setting():
    with pytest.raises(ConfigError, match="musicbrainz_rate"):
        load_settings(env={"MUSICBRAINZ_RATE": "fast"}, secrets={})
