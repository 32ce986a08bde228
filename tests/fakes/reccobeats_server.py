"""A fake ReccoBeats API (/v1/audio-features) with real response shapes, faults and a rate limit."""

from __future__ import annotations

import hashlib
import random

import pytest

from tests.fakes.fault_server import FaultServer

MAX_IDS = 40


def _features(track_id: str) -> dict:
    rnd = random.Random(track_id)
    return {"acousticness": round(rnd.random(), 3), "danceability": round(rnd.random(), 3),
            "energy": round(rnd.random(), 3), "instrumentalness": round(rnd.random() ** 3, 3),
            "key": rnd.choice([-1, *range(12)]), "liveness": round(rnd.random() / 2, 3),
            "loudness": round(-rnd.uniform(2, 20), 2), "mode": rnd.choice([0, 1]),
            "speechiness": round(rnd.random() / 4, 3), "tempo": round(rnd.uniform(60, 190), 2),
            "valence": round(rnd.random(), 3)}


class FakeReccoBeats(FaultServer):
    """Known tracks by Spotify id; unknown ids are omitted, extra ids beyond 40 dropped, order scrambled."""

    name = "fake-reccobeats"
    limited_status = 429

    def __init__(self, rate_limit: float | None = None, burst: float = 2.0):
        super().__init__(rate_limit, burst)
        self.tracks: dict[str, dict] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1/"

    def add_track(self, spotify_id: str, **features) -> dict:
        record = {"id": str(hashlib.md5(spotify_id.encode()).hexdigest()),
                  "href": f"https://open.spotify.com/track/{spotify_id}", "isrc": None,
                  **_features(spotify_id), **features}
        self.tracks[spotify_id] = record
        return record

    def route(self, method, path, query, headers):
        if path.rstrip("/") != "/v1/audio-features":
            return 404, {"timestamp": "2026-01-01T00:00:00Z", "error": "4042", "message": "wrong path"}, {}
        ids = [i for value in query.get("ids", []) for i in value.split(",") if i]
        if not ids:
            return 400, {"error": "4001", "message": "Missing parameter: ids"}, {}
        ids = ids[:MAX_IDS]
        found = [self.tracks[i] for i in ids if i in self.tracks]
        return 200, {"content": list(reversed(found))}, {}


@pytest.fixture
def fake_reccobeats():
    with FakeReccoBeats() as fake:
        yield fake
