"""ReccoBeats end to end against the fake: opt-in, batches of 40, mapping by href, unknown ids, faults."""

from __future__ import annotations

import pytest

from lib.enrich import ProviderNotConfigured, run_enrichment, set_reccobeats_opt_in, value_provenance
from lib.enrich.reccobeats import spotify_id_from_href
from tests.enrich.conftest import add_tracks, add_values, spotify_id


def test_off_until_the_user_opts_in(small_library, fake_reccobeats, rb_settings):
    with pytest.raises(ProviderNotConfigured, match="third-party"):
        run_enrichment(small_library, "reccobeats", rb_settings)
    assert fake_reccobeats.log == []
    assert small_library.query("SELECT count(*) FROM jobs") == [(0,)]


def test_batches_of_40_mapped_back_by_href(library, fake_reccobeats, rb_settings):
    ids = add_tracks(library, 90)
    for i, track_id in enumerate(ids):
        if i % 10 != 9:                                 # every tenth track is unknown to the service
            fake_reccobeats.add_track(track_id, energy=0.9, valence=0.8 if i % 2 else 0.2)
    set_reccobeats_opt_in(library, True)
    result = run_enrichment(library, "reccobeats", rb_settings)
    assert (result.ok, result.no_data, result.requests) == (81, 9, 3)
    sizes = [len(r.query["ids"][0].split(",")) for r in fake_reccobeats.log]
    assert sizes == [40, 40, 10]
    rows = dict(library.query("SELECT track_id, mood FROM track_view WHERE energy IS NOT NULL"))
    assert rows[spotify_id(1)] == "energetic"
    assert rows[spotify_id(2)] == "tense"
    assert spotify_id(9) not in rows
    # Never asked twice: a new run finds nothing pending; stale versions come from the cache.
    with library.transaction() as cur:
        cur.execute("UPDATE enrichment_status SET provider_version = '0'")
    again = run_enrichment(library, "reccobeats", rb_settings)
    assert again.processed == 90
    assert again.requests == 0


def test_key_minus_one_is_left_empty(small_library, fake_reccobeats, rb_settings):
    fake_reccobeats.add_track(spotify_id(0), key=-1, tempo=120.5)
    set_reccobeats_opt_in(small_library, True)
    run_enrichment(small_library, "reccobeats", rb_settings)
    assert small_library.query("SELECT key, tempo FROM track_view WHERE track_id = ?", [spotify_id(0)]) == [
        (None, 120.5)]


def test_file_values_win_over_reccobeats(small_library, fake_reccobeats, rb_settings):
    from lib.store.catalog import EnrichmentValue

    add_values(small_library, [EnrichmentValue(spotify_id(0), "energy", "exportify-csv", "file", num_value=0.11)])
    fake_reccobeats.add_track(spotify_id(0), energy=0.99)
    set_reccobeats_opt_in(small_library, True)
    run_enrichment(small_library, "reccobeats", rb_settings)
    assert small_library.query("SELECT energy FROM track_view WHERE track_id = ?", [spotify_id(0)]) == [(0.11,)]
    prov = value_provenance(small_library, spotify_id(0))
    energy = prov[prov["field"] == "energy"][["provider", "origin", "shown"]].values.tolist()
    assert energy == [["exportify-csv", "file", True], ["reccobeats", "online", False]]


@pytest.mark.parametrize("fault", ["malformed", "badshape", 500])
def test_bad_answers_lose_nothing_and_are_retried(small_library, fake_reccobeats, rb_settings, fault):
    for track_id in [spotify_id(i) for i in range(6)]:
        fake_reccobeats.add_track(track_id)
    set_reccobeats_opt_in(small_library, True)
    run_enrichment(small_library, "reccobeats", rb_settings, limit=2)
    before = small_library.query("SELECT track_id, energy FROM track_view WHERE energy IS NOT NULL ORDER BY 1")
    if fault == 500:
        fake_reccobeats.fail_next(500, count=2, retry_after="0.1")
    else:
        fake_reccobeats.fail_next(fault)
    result = run_enrichment(small_library, "reccobeats", rb_settings)
    if fault == 500:
        assert (result.status, result.ok) == ("done", 4)       # retried after Retry-After
    else:
        assert (result.status, result.errors, result.remaining) == ("done", 4, 4)
        assert small_library.query("SELECT track_id, energy FROM track_view WHERE energy IS NOT NULL"
                                   " ORDER BY 1") == before
        assert run_enrichment(small_library, "reccobeats", rb_settings).ok == 4


def test_429_retry_after_and_timeouts(small_library, fake_reccobeats, rb_settings):
    fake_reccobeats.add_track(spotify_id(0))
    set_reccobeats_opt_in(small_library, True)
    fake_reccobeats.fail_next(429, retry_after="0.2")
    fake_reccobeats.fail_next("slow", delay=1.5)
    result = run_enrichment(small_library, "reccobeats", rb_settings)
    assert result.status == "done"
    assert result.ok == 1
    assert [r.status for r in fake_reccobeats.log] == [429, 200, 200]


def test_href_parsing():
    href = "https://open.spotify.com/track/00aqkszH1FdUiJJWvX6iEl?si=x"
    assert spotify_id_from_href(href) == "00aqkszH1FdUiJJWvX6iEl"
    assert spotify_id_from_href(None) is None
    assert spotify_id_from_href("https://x/album/1") is None


def test_values_that_are_not_finite_are_left_out_and_reported(small_library, fake_reccobeats, rb_settings):
    """NaN and Infinity are valid to Python's JSON reader; they never reach the library."""
    fake_reccobeats.add_track(spotify_id(0), energy=float("nan"), tempo=float("inf"), valence=0.25)
    set_reccobeats_opt_in(small_library, True)
    run_enrichment(small_library, "reccobeats", rb_settings)
    assert small_library.query("SELECT energy, tempo, valence FROM track_view WHERE track_id = ?",
                               [spotify_id(0)]) == [(None, None, 0.25)]
    assert small_library.query("SELECT count(*) FROM enrichment_values WHERE NOT isfinite(num_value)") == [(0,)]
    (detail,) = small_library.query_one("SELECT detail FROM enrichment_status WHERE track_id = ?", [spotify_id(0)])
    assert detail == "left out, not finite numbers: energy nan, tempo inf"
