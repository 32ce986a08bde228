"""Benchmark: 500 MusicBrainz ISRC lookups against a rate-limited fake, and classification refresh on 100k tracks.

Run: python benchmarks/bench_enrich.py [--rate 50] [--lookups 500] [--tracks 100000]
Targets: no 503 from the fake's rate limit; wall time ≈ lookups × 1.1 / rate (the throttle's budget);
classification + track_view refresh on 100k tracks well under a second for the classification part.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402

from lib.config import Settings  # noqa: E402
from lib.enrich import get_feature_provider, run_enrichment  # noqa: E402
from lib.enrich.http import SAFETY  # noqa: E402
from lib.store import open_library  # noqa: E402
from lib.store.catalog import TrackRecord, upsert_tracks, write_enrichment_frame  # noqa: E402
from lib.store.classification import recompute_classifications  # noqa: E402
from lib.store.track_view import refresh_track_view  # noqa: E402
from tests.fakes.musicbrainz_server import FakeMusicBrainz  # noqa: E402

GENRES = ["indie rock", "dance pop", "deep house", "west coast hip hop", "bebop", "art pop", "neo soul", "k-pop",
          "black metal", "bluegrass", "reggaeton", "roots reggae", "delta blues", "baroque", "afrobeats", "zydeco"]


def bench_musicbrainz(tmp: str, lookups: int, rate: float) -> None:
    library = open_library(f"{tmp}/mb.duckdb")
    records = [TrackRecord(f"trk{i:019d}", f"Song {i}", [(None, f"Artist {i % 40}")], isrc=f"GBAAA{i:07d}",
                           duration_ms=200_000) for i in range(lookups)]
    with library.transaction() as cur:
        upsert_tracks(cur, records, "csv")
        refresh_track_view(cur)
    with FakeMusicBrainz(rate_limit=rate, burst=2.0) as fake:
        for i in range(lookups):
            if i % 10:                                          # one in ten is unknown (404 → no_data)
                fake.add_recording(f"GBAAA{i:07d}", f"Song {i}", f"Artist {i % 40}", genres=[(GENRES[i % 16], 2)])
        settings = Settings(musicbrainz_url=fake.url, musicbrainz_contact="bench@example.com",
                            musicbrainz_rate=rate, http_timeout=5.0)
        start = time.perf_counter()
        result = run_enrichment(library, "musicbrainz", settings)
        wall = time.perf_counter() - start
        budget = lookups * SAFETY / rate
        print(f"MusicBrainz: {lookups} ISRC lookups at {rate:g} req/s (fake enforces {rate:g}/s, token bucket of 2)")
        print(f"  requests {result.requests} · 503s from the rate limit {fake.rate_limited_count} (target 0) · "
              f"found {result.ok} · no data {result.no_data} · errors {result.errors}")
        print(f"  wall {wall:.1f} s vs budget {budget:.1f} s ({lookups} × {SAFETY}/{rate:g}); "
              f"at 1 req/s the same run is budgeted {lookups * SAFETY:.0f} s (~{lookups * SAFETY / 60:.1f} min)")
        start = time.perf_counter()
        again = run_enrichment(library, "musicbrainz", settings)
        print(f"  second run: {again.processed} tracks pending, {again.requests} requests, "
              f"{time.perf_counter() - start:.2f} s")
    # Control: the same fake against a client that ignores the limit (10x too fast) must see 503s.
    with FakeMusicBrainz(rate_limit=rate, burst=2.0) as fake:
        fast = Settings(musicbrainz_url=fake.url, musicbrainz_contact="bench@example.com",
                        musicbrainz_rate=rate * 10, http_timeout=5.0)
        control = open_library(f"{tmp}/control.duckdb")
        with control.transaction() as cur:
            upsert_tracks(cur, records[:100], "csv")
            refresh_track_view(cur)
        provider = get_feature_provider("musicbrainz").build(control, fast)
        provider.http.max_wait = 0          # stop at the first 503 instead of waiting it out
        result = run_enrichment(control, "musicbrainz", fast, provider=provider)
        print(f"  control, client at {rate * 10:g} req/s: {fake.rate_limited_count} request(s) refused with 503 "
              f"after {len(fake.log) - fake.rate_limited_count} accepted → job {result.status}")


def bench_classification(tmp: str, tracks: int) -> None:
    library = open_library(f"{tmp}/cls.duckdb")
    rnd = random.Random(7)
    ids = [f"trk{i:019d}" for i in range(tracks)]
    with library.transaction() as cur:
        upsert_tracks(cur, [TrackRecord(t, f"Song {i}", [(None, f"Artist {i % 5000}")]) for i, t in enumerate(ids)],
                      "demo")
        frame = pd.DataFrame({
            "track_id": ids * 3,
            "field": ["energy"] * tracks + ["valence"] * tracks + ["genres"] * tracks,
            "num_value": [rnd.random() for _ in range(2 * tracks)] + [None] * tracks,
            "list_value": [None] * (2 * tracks) + [rnd.sample(GENRES, rnd.randint(1, 3)) for _ in range(tracks)],
            "provider": "demo", "origin": "file", "fetched_at": pd.Timestamp("2026-01-01")})
        write_enrichment_frame(cur, frame)
    timings = {}
    for label, fn in (("recompute classifications (mood + genre_family)", lambda cur: recompute_classifications(cur)),
                      ("full refresh_track_view (incl. classification)", lambda cur: refresh_track_view(cur)),
                      ("refresh 500 tracks (partial)", lambda cur: refresh_track_view(cur, ids[:500]))):
        best = float("inf")
        for _ in range(3):
            with library.transaction() as cur:
                start = time.perf_counter()
                fn(cur)
                best = min(best, time.perf_counter() - start)
        timings[label] = best
    moods = library.query("SELECT count(mood), count(genre_family) FROM track_view")[0]
    print(f"Classification on {tracks:,} tracks ({moods[0]:,} with a mood, {moods[1]:,} with a family):")
    for label, seconds in timings.items():
        print(f"  {label}: {seconds * 1000:.0f} ms (best of 3)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--lookups", type=int, default=500)
    parser.add_argument("--tracks", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench_musicbrainz(tmp, args.lookups, args.rate)
        bench_classification(tmp, args.tracks)


if __name__ == "__main__":
    main()
