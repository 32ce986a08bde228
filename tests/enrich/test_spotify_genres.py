"""Spotify artist genres against the fake Spotify: one request per unseen artist, cached, quota pauses."""

from __future__ import annotations

import pytest

from lib.enrich import EnrichError, run_enrichment
from lib.store.catalog import TrackRecord, upsert_tracks
from tests.fakes.spotify_server import connected_settings, fake_spotify  # noqa: F401


def _seed(library, fake):
    a = fake.data.add_artist("Alpha", genres=["indie rock", "shoegaze"])
    b = fake.data.add_artist("Beta", genres=[])
    c = fake.data.add_artist("Gamma", genres=["bebop"])
    records = [TrackRecord("t" * 21 + "1", "One", [(a, "Alpha"), (c, "Gamma")]),
               TrackRecord("t" * 21 + "2", "Two", [(b, "Beta")]),
               TrackRecord("t" * 21 + "3", "Three", [(a, "Alpha")]),
               TrackRecord("t" * 21 + "4", "Four", [(None, "Only A Name")])]
    with library.write() as w:
        cur = w.cur
        upsert_tracks(cur, records, "spotify")
        w.touch_all()
    return a, b, c


def test_genres_per_artist_once_and_cached(library, fake_spotify, tmp_path):  # noqa: F811
    a, b, c = _seed(library, fake_spotify)
    settings = connected_settings(fake_spotify, tmp_path, db=library.target)
    result = run_enrichment(library, "spotify-artist-genres", settings)
    assert (result.status, result.ok, result.no_data) == ("done", 2, 2)
    artist_calls = [r.path for r in fake_spotify.requests("GET") if "/artists/" in r.path]
    assert sorted(artist_calls) == sorted(f"/v1/artists/{x}" for x in (a, b, c))
    rows = dict(library.query("SELECT title, genres FROM track_view"))
    assert rows["One"] == ["indie rock", "shoegaze", "bebop"]
    assert rows["Two"] == []
    assert dict(library.query("SELECT name, spotify_genres FROM artists WHERE genres_fetched_at IS NOT NULL")) == {
        "Alpha": ["indie rock", "shoegaze"], "Beta": [], "Gamma": ["bebop"]}
    assert library.query("SELECT genre_family FROM track_view WHERE title = 'Three'") == [("rock",)]
    # A stale provider version re-derives from the artist cache without asking Spotify again.
    with library.transaction() as cur:
        cur.execute("UPDATE enrichment_status SET provider_version = '0'")
    fake_spotify.reset_log()
    again = run_enrichment(library, "spotify-artist-genres", settings)
    assert again.processed == 4
    assert [r for r in fake_spotify.requests("GET") if "/artists/" in r.path] == []


def test_quota_pauses_and_keeps_fetched_artists(library, fake_spotify, tmp_path):  # noqa: F811
    _seed(library, fake_spotify)
    settings = connected_settings(fake_spotify, tmp_path, db=library.target)
    fake_spotify.inject("quota", r"^/v1/artists/", after=1)
    result = run_enrichment(library, "spotify-artist-genres", settings)
    assert result.status == "paused"
    assert "quota" in result.message
    assert library.query("SELECT count(*) FROM artists WHERE genres_fetched_at IS NOT NULL") == [(1,)]
    with pytest.raises(EnrichError, match="wait until"):
        run_enrichment(library, "spotify-artist-genres", settings, resume_job_id=result.job_id)
    fake_spotify.clear_faults()
    library.execute("UPDATE jobs SET paused_until = now() - INTERVAL 1 MINUTE")   # the quota has reset
    resumed = run_enrichment(library, "spotify-artist-genres", settings, resume_job_id=result.job_id)
    assert resumed.status == "done"
    assert len([r for r in fake_spotify.requests("GET") if "/artists/" in r.path]) == 4   # 1 + quota hit + 2
