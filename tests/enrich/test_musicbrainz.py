"""MusicBrainz end to end against the fake: values, caching, 404, 503 + Retry-After, malformed, timeouts."""

from __future__ import annotations

import dataclasses

import pytest

from lib.enrich import ProviderNotConfigured, get_feature_provider, run_enrichment, set_contact
from lib.enrich.musicbrainz import choose_recording, normalize_date, trim_isrc_payload
from lib.store import get_job
from tests.enrich.conftest import add_tracks, isrc, spotify_id


def _seed(fake, n=6):
    for i in range(n):
        fake.add_recording(isrc(i), f"Song {i}", f"Artist {i % 3}", genres=[("rock", 3), ("indie rock", 5)],
                           first_release_date=f"19{70 + i}-05")


def _genres(library, track_id):
    return library.query_one("SELECT genres, release_date, genre_family FROM track_view WHERE track_id = ?",
                             [track_id])


def test_lookup_stores_genres_date_and_family(small_library, fake_musicbrainz, mb_settings):
    _seed(fake_musicbrainz)
    result = run_enrichment(small_library, "musicbrainz", mb_settings)
    assert (result.status, result.ok, result.requests) == ("done", 6, 6)
    genres, released, family = _genres(small_library, spotify_id(2))
    assert genres == ["indie rock", "rock"]
    assert str(released) == "1972-05-01"
    assert family == "rock"
    first = fake_musicbrainz.log[0]
    assert first.path == f"/ws/2/isrc/{isrc(0)}"
    assert first.query["fmt"] == ["json"]
    assert first.query["inc"] == ["artist-credits tags genres"]
    assert first.headers["user-agent"] == "spotify-auto-playlists/0.1 ( tests@example.com )"


def test_never_asks_twice_even_across_tracks_sharing_an_isrc(small_library, fake_musicbrainz, mb_settings):
    _seed(fake_musicbrainz)
    run_enrichment(small_library, "musicbrainz", mb_settings)
    # New provider version: everything is stale, but answers come from the cache.
    with small_library.transaction() as cur:
        cur.execute("UPDATE enrichment_status SET provider_version = '0'")
    again = run_enrichment(small_library, "musicbrainz", mb_settings)
    assert again.processed == 6
    assert again.requests == 0
    assert len(fake_musicbrainz.log) == 6
    third = run_enrichment(small_library, "musicbrainz", mb_settings)
    assert third.processed == 0
    assert len(fake_musicbrainz.log) == 6


def test_404_is_stored_as_no_data_and_not_retried(small_library, fake_musicbrainz, mb_settings):
    _seed(fake_musicbrainz, n=3)                  # tracks 3..5 are unknown to MusicBrainz
    first = run_enrichment(small_library, "musicbrainz", mb_settings)
    assert (first.ok, first.no_data) == (3, 3)
    assert small_library.query("SELECT count(*) FROM provider_cache WHERE status = 'no_data'") == [(3,)]
    second = run_enrichment(small_library, "musicbrainz", mb_settings)
    assert second.processed == 0
    assert len(fake_musicbrainz.log) == 6


def test_artist_tags_are_the_fallback(library, fake_musicbrainz, mb_settings):
    add_tracks(library, 1)
    fake_musicbrainz.add_recording(isrc(0), "Song 0", "Artist 0", genres=[], tags=[("seen live", 0)],
                                   artist_genres=[("jazz", 4), ("bebop", 1)])
    run_enrichment(library, "musicbrainz", mb_settings)
    assert _genres(library, spotify_id(0))[0] == ["jazz", "bebop"]
    assert [r.path.split("/")[3] for r in fake_musicbrainz.log] == ["isrc", "artist"]


def test_several_recordings_pick_the_matching_one():
    recs = [{"title": "Song (Dolby Atmos)", "artists": [{"name": "X"}], "length": 400_000, "first_release_date": None},
            {"title": "Song", "artists": [{"name": "Artist"}], "length": 201_000, "first_release_date": "1999"}]
    assert choose_recording(recs, "Song - 2011 Remaster", "Artist", 200_000) is recs[1]
    assert normalize_date("1999") == "1999-01-01"
    assert normalize_date("0000") is None


def test_503_with_retry_after_is_honoured(small_library, fake_musicbrainz, mb_settings):
    _seed(fake_musicbrainz)
    fake_musicbrainz.fail_next(503, count=2, retry_after="0.3")
    result = run_enrichment(small_library, "musicbrainz", mb_settings)
    assert (result.status, result.ok) == ("done", 6)
    log = fake_musicbrainz.log
    assert [r.status for r in log[:3]] == [503, 503, 200]
    assert log[1].at - log[0].at >= 0.29
    assert log[2].at - log[1].at >= 0.29


def test_long_retry_after_pauses_the_job_and_keeps_what_was_stored(small_library, fake_musicbrainz, mb_settings):
    _seed(fake_musicbrainz)
    first = run_enrichment(small_library, "musicbrainz", mb_settings, limit=2)
    assert first.ok == 2
    fake_musicbrainz.fail_next(503, retry_after="3600")
    paused = run_enrichment(small_library, "musicbrainz", mb_settings)
    assert paused.status == "paused"
    assert "wait 3600 s" in paused.message
    job = get_job(small_library, paused.job_id)
    assert job.status == "paused"
    assert job.paused_until is not None
    assert _genres(small_library, spotify_id(0))[0] == ["indie rock", "rock"]     # nothing lost
    assert paused.remaining == 4


def test_malformed_answers_mark_errors_and_are_retried_next_run(small_library, fake_musicbrainz, mb_settings):
    _seed(fake_musicbrainz)
    run_enrichment(small_library, "musicbrainz", mb_settings, limit=1)
    fake_musicbrainz.fail_next("malformed", match=isrc(1))
    fake_musicbrainz.fail_next("badshape", match=isrc(2))
    result = run_enrichment(small_library, "musicbrainz", mb_settings)
    assert (result.status, result.ok, result.errors) == ("done", 3, 2)
    detail = small_library.query("SELECT status, detail FROM enrichment_status WHERE track_id = ?", [spotify_id(1)])
    assert detail[0][0] == "error"
    assert "malformed" in detail[0][1]
    assert _genres(small_library, spotify_id(0))[0] == ["indie rock", "rock"]
    retry = run_enrichment(small_library, "musicbrainz", mb_settings)
    assert (retry.processed, retry.ok) == (2, 2)


def test_timeouts_are_retried_then_pause_when_the_service_hangs(small_library, fake_musicbrainz, mb_settings):
    _seed(fake_musicbrainz)
    fast = dataclasses.replace(mb_settings, http_timeout=0.3)
    fake_musicbrainz.fail_next("slow", delay=0.6)
    ok = run_enrichment(small_library, "musicbrainz", fast, limit=2)
    assert (ok.status, ok.ok) == ("done", 2)
    assert fake_musicbrainz.log[0].fault == "slow"
    fake_musicbrainz.fail_next("slow", count=40, delay=0.6)
    provider = get_feature_provider("musicbrainz").build(small_library, fast)
    provider.http.backoff, provider.http.retries = 0.01, 1
    hung = run_enrichment(small_library, "musicbrainz", fast, provider=provider)
    assert hung.status == "paused"
    assert "not answering" in hung.message
    assert small_library.query("SELECT count(*) FROM enrichment_values WHERE provider = 'musicbrainz'"
                               " AND field = 'genres'") == [(2,)]
    fake_musicbrainz.faults.clear()
    resumed = run_enrichment(small_library, "musicbrainz", fast, resume_job_id=hung.job_id)
    assert resumed.job_id == hung.job_id
    assert resumed.status == "done"
    assert resumed.remaining == 0


def test_throttle_keeps_under_the_fakes_rate_limit(small_library, fake_musicbrainz, mb_settings):
    _seed(fake_musicbrainz)
    fake_musicbrainz.rate_limit = 20.0
    result = run_enrichment(small_library, "musicbrainz", dataclasses.replace(mb_settings, musicbrainz_rate=20.0))
    assert result.ok == 6
    assert fake_musicbrainz.rate_limited_count == 0


def test_the_fake_does_enforce_its_rate_limit(fake_musicbrainz):
    import requests

    fake_musicbrainz.rate_limit, fake_musicbrainz.burst = 2.0, 1.0
    fake_musicbrainz._tokens = 1.0
    codes = [requests.get(f"{fake_musicbrainz.url}isrc/X?fmt=json", headers={"User-Agent": "t/1 ( a@b )"},
                          timeout=2).status_code for _ in range(4)]
    assert 503 in codes
    assert fake_musicbrainz.rate_limited_count >= 1


def test_needs_a_contact_for_the_user_agent(small_library, mb_settings):
    with pytest.raises(ProviderNotConfigured, match="contact"):
        run_enrichment(small_library, "musicbrainz", dataclasses.replace(mb_settings, musicbrainz_contact=""))
    set_contact(small_library, "me@example.org")
    result = run_enrichment(small_library, "musicbrainz", dataclasses.replace(mb_settings, musicbrainz_contact=""))
    assert result.status == "done"


def test_a_length_that_is_not_a_whole_number_is_left_out():
    """Python's JSON reader accepts NaN and Infinity; only whole milliseconds are kept."""
    answer = {"recordings": [{"id": "a", "title": "T", "length": float("nan")}, {"id": "b", "length": 1e999},
                             {"id": "c", "length": True}, {"id": "d", "length": 201000}]}
    assert [r["length"] for r in trim_isrc_payload(answer)["recordings"]] == [None, None, None, 201000]
