"""A fake MusicBrainz web service (/ws/2/isrc, /ws/2/artist) with real response shapes, faults and a rate limit."""

from __future__ import annotations

import hashlib

import pytest

from tests.fakes.fault_server import FaultServer


def _mbid(text: str) -> str:
    h = hashlib.md5(text.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


class FakeMusicBrainz(FaultServer):
    """Holds recordings by ISRC and artists by MBID; answers 404 for unknown ones, like the real service."""

    name = "fake-musicbrainz"
    limited_status = 503

    def __init__(self, rate_limit: float | None = None, burst: float = 2.0):
        super().__init__(rate_limit, burst)
        self.recordings: dict[str, list[dict]] = {}
        self.artists: dict[str, dict] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/ws/2/"

    def add_artist(self, name: str, *, genres=(), tags=()) -> str:
        mbid = _mbid("artist:" + name)
        self.artists[mbid] = {"id": mbid, "name": name, "sort-name": name, "disambiguation": "",
                              "type": "Group", "country": "GB",
                              "genres": [{"count": c, "name": g, "id": _mbid(g), "disambiguation": ""}
                                         for g, c in genres],
                              "tags": [{"count": c, "name": t} for t, c in tags]}
        return mbid

    def add_recording(self, isrc: str, title: str, artist: str, *, length: int | None = 200_000,
                      first_release_date: str | None = "1975-10-31", genres=(), tags=(), artist_genres=(),
                      artist_tags=()) -> dict:
        """Add one recording for the ISRC (call again to give an ISRC several recordings)."""
        mbid = next((a["id"] for a in self.artists.values() if a["name"] == artist), None)
        if mbid is None:
            mbid = self.add_artist(artist, genres=artist_genres, tags=artist_tags)
        rec = {"id": _mbid(f"rec:{isrc}:{title}:{len(self.recordings.get(isrc, []))}"), "title": title,
               "length": length, "video": False, "disambiguation": "", "first-release-date": first_release_date or "",
               "artist-credit": [{"name": artist, "joinphrase": "",
                                  "artist": {"id": mbid, "name": artist, "sort-name": artist, "disambiguation": ""}}],
               "tags": [{"count": c, "name": t} for t, c in tags],
               "genres": [{"count": c, "name": g, "id": _mbid(g), "disambiguation": ""} for g, c in genres]}
        self.recordings.setdefault(isrc.upper(), []).append(rec)
        return rec

    def route(self, method, path, query, headers):
        agent = headers.get("user-agent", "")
        if not agent or agent.startswith("python-requests") or "(" not in agent:
            return 403, {"error": "a meaningful User-Agent with contact information is required"}, {}
        if query.get("fmt", [""])[0] != "json" and "json" not in headers.get("accept", ""):
            return 200, b"<metadata/>", {}
        parts = path.strip("/").split("/")
        if parts[:2] == ["ws", "2"] and len(parts) == 4 and parts[2] == "isrc":
            isrc = parts[3].upper()
            if isrc not in self.recordings:
                return 404, {"error": "Not Found", "help": "https://musicbrainz.org/development/mmd"}, {}
            return 200, {"isrc": isrc, "recordings": self.recordings[isrc]}, {}
        if parts[:2] == ["ws", "2"] and len(parts) == 4 and parts[2] == "artist":
            artist = self.artists.get(parts[3])
            if artist is None:
                return 404, {"error": "Not Found"}, {}
            return 200, artist, {}
        return 400, {"error": f"Invalid resource {path}"}, {}


@pytest.fixture
def fake_musicbrainz():
    """A running fake MusicBrainz without a rate limit (set `.rate_limit` to enforce one)."""
    with FakeMusicBrainz() as fake:
        yield fake
