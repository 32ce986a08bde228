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


def test_memory_limit_is_a_setting_that_library_files_use(tmp_path):
    import os
    import subprocess
    import sys

    from lib.config import PROJECT_ROOT

    assert load_settings(env={}, secrets={}).memory_limit == "512MB"
    assert load_settings(env={}, secrets={"library": {"memory_limit": "1GB"}}).memory_limit == "1GB"
    both = load_settings(env={"AUTOPLAYLISTS_MEMORY_LIMIT": "96MB"}, secrets={"library": {"memory_limit": "1GB"}})
    assert both.memory_limit == "96MB"
    with pytest.raises(ConfigError, match="memory_limit must be a size such as 144MB"):
        load_settings(env={"AUTOPLAYLISTS_MEMORY_LIMIT": "lots"}, secrets={})
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[library]\nmemory_limit = "200MB"\n')
    env = {k: v for k, v in os.environ.items() if k != "AUTOPLAYLISTS_MEMORY_LIMIT"}
    code = ("import argparse, sys; from lib.cli import open_cli_library; "
            "library = open_cli_library(argparse.Namespace(db=sys.argv[1]), create=True); "
            "print(library.query_one(\"SELECT current_setting('memory_limit')\")[0])")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "x.duckdb")], cwd=PROJECT_ROOT, check=True,
                         env={**env, "AUTOPLAYLISTS_SECRETS_FILE": str(secrets)}, capture_output=True, text=True)
    assert out.stdout.strip() == "190.7 MiB"  # 200 MB



def test_settings_precedence_environment_then_secrets_then_the_app(library, tmp_path, monkeypatch):
    """As the README says: environment > secrets.toml > what the user saved in the app."""
    from lib.config import load_settings
    from lib.enrich import get_contact, set_contact
    from lib.enrich.registry import get_feature_provider

    set_contact(library, "saved@example.com")
    secrets = tmp_path / "secrets.toml"
    monkeypatch.setenv("AUTOPLAYLISTS_SECRETS_FILE", str(secrets))
    assert get_contact(library, load_settings()) == "saved@example.com"
    secrets.write_text('[musicbrainz]\ncontact = "secrets@example.com"\n')
    assert get_contact(library, load_settings()) == "secrets@example.com"
    monkeypatch.setenv("MUSICBRAINZ_CONTACT", "env@example.com")
    settings = load_settings()
    assert get_contact(library, settings) == "env@example.com"
    provider = get_feature_provider("musicbrainz").build(library, settings, None)
    assert "env@example.com" in provider.http.headers["User-Agent"]
