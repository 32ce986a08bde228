"""Shared fixtures: isolated settings, libraries on tmp_path, and a guard against real network."""

from __future__ import annotations

import ipaddress
import shutil
import socket

import pytest

from lib.store import Library, open_library

_real_connect = socket.socket.connect


def _loopback_only(self, address):
    host = address[0] if isinstance(address, tuple) else None
    if host is not None and self.family in (socket.AF_INET, socket.AF_INET6):
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            ip = None if host == "localhost" else ipaddress.ip_address("0.0.0.1")
        if ip is not None and not ip.is_loopback:
            raise ConnectionRefusedError(f"tests may only reach 127.0.0.1, not {host}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_real_network(monkeypatch):
    """Tests talk to local fakes only; anything else is refused loudly."""
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Every test gets its own library files and token cache, and no user configuration."""
    for key in ("SPOTIPY_CLIENT_ID", "SPOTIPY_CLIENT_SECRET", "SPOTIPY_REDIRECT_URI", "SPOTIFY_API_URL",
                "SPOTIFY_ACCOUNTS_URL", "MUSICBRAINZ_URL", "RECCOBEATS_URL", "MUSICBRAINZ_CONTACT"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AUTOPLAYLISTS_DB", str(tmp_path / "library.duckdb"))
    monkeypatch.setenv("AUTOPLAYLISTS_DEMO_DB", str(tmp_path / "demo.duckdb"))
    monkeypatch.setenv("SPOTIFY_TOKEN_CACHE", str(tmp_path / "token.json"))
    monkeypatch.setenv("AUTOPLAYLISTS_SECRETS_FILE", str(tmp_path / "no-secrets.toml"))
    return tmp_path


@pytest.fixture(autouse=True)
def _clear_streamlit_caches():
    """st.cache_* objects survive across AppTest instances in one process."""
    import sys

    yield
    if "streamlit" in sys.modules:
        import streamlit as st

        st.cache_data.clear()
        st.cache_resource.clear()


@pytest.fixture
def library(tmp_path) -> Library:
    """An empty library in a real DuckDB file."""
    return open_library(str(tmp_path / "lib.duckdb"))


@pytest.fixture
def memory_library() -> Library:
    lib = open_library(":memory:")
    yield lib
    lib.close()


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory) -> str:
    from lib.demo import build_demo_library

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo_library(str(path))
    return str(path)


@pytest.fixture
def demo_library(_demo_template, tmp_path) -> Library:
    """A private copy of the generated demo library (built once per session)."""
    path = tmp_path / "demo-copy.duckdb"
    shutil.copy(_demo_template, path)
    return open_library(str(path))
