"""AppTest of the Connect & sync and Jobs pages against the fake Spotify."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from streamlit.testing.v1 import AppTest

from lib.store import list_jobs, open_library

ROOT = Path(__file__).resolve().parents[2]


def _page(name: str) -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=60)


def _links(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


def test_setup_walkthrough_saves_app_and_offers_connect(fake_spotify, app_env, monkeypatch):
    for key in ("SPOTIPY_CLIENT_ID", "SPOTIPY_CLIENT_SECRET"):
        monkeypatch.delenv(key)
    Path(app_env.token_cache).unlink()                          # a first visit: nothing stored yet
    at = _page("spotify").run()
    assert not at.exception
    assert "Register your Spotify app" in " ".join(h.value for h in at.subheader)
    assert "127.0.0.1:8501" in _links(at) or "http://127.0.0.1" in _links(at)

    at.text_input(key="spotify.client_id").input(fake_spotify.client_id)
    at.button[0].click().run()                                  # the form's "Save app"
    assert not at.exception
    link = next(m.value for m in at.markdown if "spotify-connect-link" in m.value)
    href = link.split('href="')[1].split('"')[0].replace("&amp;", "&")
    query = parse_qs(urlsplit(href).query)
    assert href.startswith(fake_spotify.url + "/authorize?")
    assert query["client_id"] == [fake_spotify.client_id]
    assert "code_challenge" in query                          # no secret entered: PKCE
    assert 'target="_self"' in link


def test_connected_page_syncs_with_progress_and_summary(fake_spotify, app_env):
    d = fake_spotify.data
    ids = d.make_tracks(120)
    d.like(ids[:70])
    d.add_playlist("Road trip", ids[60:120])
    d.add_playlist("Bob's", ids[:3], owner="bob")

    at = _page("spotify").run()
    assert not at.exception
    assert any("Connected as **Jane**" in s.value for s in at.success)
    at.multiselect(key="spotify.playlists").select(at.multiselect(key="spotify.playlists").options[0])
    at.button(key="spotify.sync").click().run()

    assert not at.exception
    assert [m.value for m in at.metric][:2] == ["6", "130"]      # requests, tracks
    lib = open_library(app_env.db)
    assert lib.query_one("SELECT count(*) FROM source_tracks")[0] == 130
    assert {j.kind for j in list_jobs(lib)} == {"sync", "fetch_tracks", "listening"}   # a Sync click reads plays

    jobs = _page("jobs").run()
    assert not jobs.exception
    assert len(jobs.dataframe) >= 2


def test_callback_with_unknown_state_shows_error(fake_spotify, app_env):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.query_params["code"] = "CODE-x"
    at.query_params["state"] = "forged"
    at.run()
    assert not at.exception
    assert any("unknown, expired or was already used" in e.value for e in at.error)
