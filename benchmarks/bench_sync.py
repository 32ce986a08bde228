"""Benchmark: sync 20,000 liked tracks + 50 playlists × 200 tracks from the fake Spotify, then again unchanged.

Run: python benchmarks/bench_sync.py   (targets: requests = exactly the pages needed, ≤ 20 s, second sync ≤ 3)
"""

from __future__ import annotations

import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lib.spotify import connect_client  # noqa: E402
from lib.spotify.sync import sync_library  # noqa: E402
from lib.store import open_library  # noqa: E402
from tests.fakes.spotify_server import FakeSpotify, connected_settings  # noqa: E402

LIKED, PLAYLISTS, PER_PLAYLIST, PAGE = 20_000, 50, 200, 50


def main() -> None:
    fake = FakeSpotify().start()
    try:
        ids = fake.data.make_tracks(LIKED + 5_000)
        fake.data.like(ids[:LIKED])
        for n in range(PLAYLISTS):
            start = (n * 487) % (len(ids) - PER_PLAYLIST)
            fake.data.add_playlist(f"Playlist {n}", ids[start:start + PER_PLAYLIST])
        with tempfile.TemporaryDirectory() as tmp:
            settings = connected_settings(fake, tmp)
            library = open_library(settings.db)
            expected = 1 + math.ceil(LIKED / PAGE) + math.ceil(PLAYLISTS / PAGE) + PLAYLISTS * math.ceil(
                PER_PLAYLIST / PAGE)

            started = time.perf_counter()
            first = sync_library(library, connect_client(settings), all_playlists=True)
            wall = time.perf_counter() - started
            fake.reset_log()
            started = time.perf_counter()
            second = sync_library(library, connect_client(settings), all_playlists=True)
            wall2 = time.perf_counter() - started

            tracks = library.query_one("SELECT count(*) FROM track_view")[0]
            print(f"first sync:  {first.status}, {first.requests} requests (pages needed: {expected}), "
                  f"{wall:.2f} s wall, {tracks} tracks in the library (target ≤ 20 s)")
            print(f"second sync: {second.status}, {second.requests} requests "
                  f"(server saw {fake.count()}), {wall2:.2f} s wall (target ≤ 3 requests)")
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
