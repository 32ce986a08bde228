"""Fixtures for the enrichment tests: fakes, a small library with ISRCs, settings pointing at the fakes."""

from __future__ import annotations

import pytest

from lib.config import Settings
from lib.store.catalog import EnrichmentValue, TrackRecord, upsert_tracks, write_enrichment_values
from tests.fakes.musicbrainz_server import fake_musicbrainz  # noqa: F401
from tests.fakes.reccobeats_server import fake_reccobeats  # noqa: F401


def spotify_id(i: int) -> str:
    return f"trk{i:019d}"


def isrc(i: int) -> str:
    return f"GBAAA{i:07d}"


def add_tracks(library, n: int, *, start: int = 0, with_isrc: bool = True) -> list[str]:
    """n tracks 'Song i' by 'Artist i%3' (ISRC GBAAA000000i); returns their ids."""
    records = [TrackRecord(spotify_id(i), f"Song {i}", [(None, f"Artist {i % 3}")], album_name=f"Album {i % 5}",
                           release_date="2001-02-03", duration_ms=200_000, isrc=isrc(i) if with_isrc else None)
               for i in range(start, start + n)]
    with library.write() as w:
        cur = w.cur
        upsert_tracks(cur, records, "csv")
        w.touch_all()
    return [r.track_id for r in records]


def add_values(library, values: list[EnrichmentValue]) -> None:
    with library.write() as w:
        cur = w.cur
        write_enrichment_values(cur, values)
        w.touch_all()


@pytest.fixture
def small_library(library):
    add_tracks(library, 6)
    return library


@pytest.fixture
def mb_settings(fake_musicbrainz):  # noqa: F811
    return Settings(musicbrainz_url=fake_musicbrainz.url, musicbrainz_contact="tests@example.com",
                    musicbrainz_rate=200.0, http_timeout=1.0)


@pytest.fixture
def rb_settings(fake_reccobeats):  # noqa: F811
    return Settings(reccobeats_url=fake_reccobeats.url, http_timeout=1.0)
