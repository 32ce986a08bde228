"""The fake Spotify account's data (tracks, artists, Liked Songs, playlists) and how to seed and edit it."""

from __future__ import annotations

import hashlib
import itertools
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
GENRE_POOL = ("indie rock", "synthpop", "deep house", "jazz", "hip hop", "ambient", "dream pop", "techno")


def spotify_id(seed: str) -> str:
    """A deterministic 22-character base62 id (like a real Spotify id)."""
    number = int.from_bytes(hashlib.sha1(seed.encode()).digest(), "big")
    chars = []
    for _ in range(22):
        number, rem = divmod(number, 62)
        chars.append(_B62[rem])
    return "".join(chars)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Entry:
    """One playlist row: a track, an episode, a local file or a null (unavailable) item."""

    kind: str                       # 'track' | 'episode' | 'local' | 'null'
    ref: str | None                 # track/episode id; for 'local' the local URI
    added_at: str | None
    added_by: str | None


@dataclass
class Playlist:
    id: str
    name: str
    owner_id: str
    owner_name: str
    description: str = ""
    public: bool = False
    collaborative: bool = False
    entries: list[Entry] = field(default_factory=list)
    snapshot_id: str = ""


class FakeData:
    """Mutable state of one Spotify account; every method is thread-safe through `lock`."""

    def __init__(self, user_id: str = "jane123", display_name: str = "Jane"):
        self.lock = threading.RLock()
        self.user_id = user_id
        self.display_name = display_name
        self.tracks: dict[str, dict] = {}
        self.artists: dict[str, dict] = {}
        self.episodes: dict[str, dict] = {}
        self.liked: list[tuple[str, str]] = []          # (added_at, track id), newest first
        self.playlists: dict[str, Playlist] = {}
        self.followed: list[str] = []                   # playlist ids in /me/playlists order
        self._counter = itertools.count(1)
        self._clock = datetime(2026, 11, 1, 12, 0, 0, tzinfo=UTC)
        # Listening: every play (epoch ms, track id, context uri or None), newest first; Spotify serves
        # only the newest `history_window` of them. Top tracks by term, best first.
        self.plays: list[tuple[int, str, str | None]] = []
        self.history_window = 50
        self.top: dict[str, list[str]] = {"short_term": [], "medium_term": [], "long_term": []}

    # --- builders ---------------------------------------------------------------------------
    def _tick(self) -> str:
        self._clock += timedelta(seconds=1)
        return iso(self._clock)

    def new_snapshot(self, playlist_id: str) -> str:
        return spotify_id(f"snap:{playlist_id}:{next(self._counter)}") + "AAAA"

    def add_artist(self, name: str, genres: list[str] | None = None, artist_id: str | None = None) -> str:
        with self.lock:
            aid = artist_id or spotify_id(f"artist:{name}")
            self.artists[aid] = {"id": aid, "name": name, "genres": list(genres or []), "type": "artist",
                                 "uri": f"spotify:artist:{aid}", "images": [],
                                 "external_urls": {"spotify": f"https://open.spotify.com/artist/{aid}"}}
            return aid

    def add_track(self, title: str, artists: list[str] | None = None, *, album: str | None = None,
                  release_date: str = "2019-05-17", isrc: str | None = None, duration_ms: int = 200_000,
                  explicit: bool = False, track_id: str | None = None) -> str:
        """Create a track (artists by name; created as needed) and return its id."""
        with self.lock:
            tid = track_id or spotify_id(f"track:{title}:{next(self._counter)}")
            artist_ids = []
            for name in artists or ["Unknown Artist"]:
                aid = spotify_id(f"artist:{name}")
                if aid not in self.artists:
                    self.add_artist(name, artist_id=aid)
                artist_ids.append(aid)
            album_name = album or f"{title} (single)"
            album_id = spotify_id(f"album:{album_name}")
            simple_artists = [{"id": a, "name": self.artists[a]["name"], "type": "artist",
                               "uri": f"spotify:artist:{a}"} for a in artist_ids]
            self.tracks[tid] = {
                "id": tid, "name": title, "type": "track", "uri": f"spotify:track:{tid}", "is_local": False,
                "artists": simple_artists, "duration_ms": duration_ms, "explicit": explicit,
                "disc_number": 1, "track_number": 1, "external_ids": {"isrc": isrc} if isrc else {},
                "external_urls": {"spotify": f"https://open.spotify.com/track/{tid}"},
                "album": {"id": album_id, "name": album_name, "album_type": "album", "release_date": release_date,
                          "release_date_precision": "day" if len(release_date) == 10 else "year",
                          "artists": simple_artists, "images": [], "total_tracks": 10,
                          "uri": f"spotify:album:{album_id}"},
            }
            return tid

    def make_tracks(self, count: int, prefix: str = "Song", artist_pool: int = 50,
                    genre_every: int = 3) -> list[str]:
        """Bulk tracks with artists from a pool; every `genre_every`-th artist has genres (others empty)."""
        ids = []
        with self.lock:
            start = len(self.tracks)
            for i in range(count):
                n = start + i
                artist = f"Artist {n % artist_pool}"
                aid = spotify_id(f"artist:{artist}")
                if aid not in self.artists:
                    genres = [GENRE_POOL[n % len(GENRE_POOL)]] if (n % artist_pool) % genre_every == 0 else []
                    self.add_artist(artist, genres, artist_id=aid)
                ids.append(self.add_track(f"{prefix} {n}", [artist], album=f"Album {n // 10}",
                                          release_date=f"{1970 + n % 55}-0{1 + n % 9}-1{n % 10}",
                                          isrc=f"USFAKE{n:07d}", duration_ms=120_000 + (n * 7919) % 240_000,
                                          explicit=n % 11 == 0,
                                          track_id=spotify_id(f"bulk:{prefix}:{n}")))
        return ids

    def add_episode(self, title: str = "An episode") -> str:
        with self.lock:
            eid = spotify_id(f"episode:{title}:{next(self._counter)}")
            self.episodes[eid] = {"id": eid, "name": title, "type": "episode", "uri": f"spotify:episode:{eid}",
                                  "duration_ms": 1_800_000, "show": {"name": "A show"}, "release_date": "2025-01-01"}
            return eid

    # --- Liked Songs ------------------------------------------------------------------------
    def like(self, track_ids: list[str], added_at: list[str] | None = None) -> None:
        """Add tracks to Liked Songs; the first id ends up newest (top) unless explicit times are given."""
        with self.lock:
            stamps = added_at or [self._tick() for _ in track_ids][::-1]
            again = set(track_ids)
            self.liked = [(a, t) for a, t in self.liked if t not in again]
            self.liked.extend(zip(stamps, track_ids, strict=True))
            self.liked.sort(key=lambda pair: pair[0], reverse=True)

    def unlike(self, track_ids: list[str]) -> None:
        with self.lock:
            drop = set(track_ids)
            self.liked = [(a, t) for a, t in self.liked if t not in drop]

    # --- listening --------------------------------------------------------------------------
    def play(self, track_ids: list[str], start: datetime | None = None, context: str | None = None,
             gap_s: int = 200) -> list[int]:
        """Record plays, in order, `gap_s` apart from `start` (default: after the newest play); their epoch ms."""
        with self.lock:
            at = start or (datetime.fromtimestamp(self.plays[0][0] / 1000, UTC) + timedelta(seconds=gap_s)
                           if self.plays else self._clock)
            stamps = []
            for i, tid in enumerate(track_ids):
                ms = int((at + timedelta(seconds=gap_s * i)).timestamp() * 1000) + 123
                self.plays.append((ms, tid, context))
                stamps.append(ms)
            self.plays.sort(key=lambda p: p[0], reverse=True)
            return stamps

    def play_object(self, play: tuple[int, str, str | None], base: str) -> dict:
        ms, tid, context = play
        moment = datetime.fromtimestamp(ms / 1000, UTC)
        ctx = None
        if context:
            kind, _, ident = context.removeprefix("spotify:").partition(":")
            ctx = {"type": kind, "uri": context, "href": f"{base}{kind}s/{ident}",
                   "external_urls": {"spotify": f"https://open.spotify.com/{kind}/{ident}"}}
        return {"track": self.tracks[tid], "context": ctx,
                "played_at": moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"}

    # --- playlists --------------------------------------------------------------------------
    def add_playlist(self, name: str, track_ids: list[str] | None = None, *, owner: str | None = None,
                     collaborative: bool = False, public: bool = False, description: str = "",
                     follow: bool = True, playlist_id: str | None = None) -> str:
        """Create a playlist (owned by the user unless `owner` names someone else) and return its id."""
        with self.lock:
            pid = playlist_id or spotify_id(f"playlist:{name}:{next(self._counter)}")
            owner_id = owner or self.user_id
            playlist = Playlist(pid, name, owner_id, self.display_name if owner_id == self.user_id else owner_id,
                                description, public, collaborative)
            playlist.snapshot_id = self.new_snapshot(pid)
            self.playlists[pid] = playlist
            for tid in track_ids or []:
                playlist.entries.append(Entry("track", tid, self._tick(), owner_id))
            if follow:
                self.followed.insert(0, pid)
            return pid

    def add_entries(self, playlist_id: str, entries: list[tuple[str, str | None]]) -> None:
        """Append raw entries: ('track', id), ('episode', id), ('local', 'Artist - Title'), ('null', None)."""
        with self.lock:
            playlist = self.playlists[playlist_id]
            for kind, ref in entries:
                if kind == "local":
                    artist, _, title = (ref or "Local Artist - Local Song").partition(" - ")
                    ref = f"spotify:local:{artist.replace(' ', '+')}::{title.replace(' ', '+')}:180"
                playlist.entries.append(Entry(kind, ref, self._tick(), playlist.owner_id))
            self.touch(playlist_id)

    def touch(self, playlist_id: str) -> str:
        """A write happened: give the playlist a new snapshot id."""
        playlist = self.playlists[playlist_id]
        playlist.snapshot_id = self.new_snapshot(playlist_id)
        return playlist.snapshot_id

    def readable(self, playlist: Playlist) -> bool:
        """Dev Mode: items are readable only for owned or collaborative playlists."""
        return playlist.owner_id == self.user_id or playlist.collaborative

    def playlist_uris(self, playlist_id: str) -> list[str | None]:
        """The playlist's items as URIs (None for null items), in order."""
        with self.lock:
            return [self.entry_uri(e) for e in self.playlists[playlist_id].entries]

    def entry_uri(self, entry: Entry) -> str | None:
        if entry.kind == "track":
            return f"spotify:track:{entry.ref}"
        if entry.kind == "episode":
            return f"spotify:episode:{entry.ref}"
        if entry.kind == "local":
            return entry.ref
        return None

    # --- rendering --------------------------------------------------------------------------
    def render_item(self, entry: Entry) -> dict | None:
        if entry.kind == "track":
            return self.tracks.get(entry.ref)
        if entry.kind == "episode":
            return self.episodes.get(entry.ref)
        if entry.kind == "local":
            parts = entry.ref.split(":")
            artist, album, title = (p.replace("+", " ") for p in parts[2:5])
            return {"id": None, "uri": entry.ref, "name": title, "type": "track", "is_local": True,
                    "artists": [{"id": None, "name": artist, "type": "artist", "uri": None}],
                    "album": {"id": None, "name": album or None, "release_date": None, "artists": []},
                    "duration_ms": 180_000, "explicit": False, "external_ids": {}, "track_number": 0,
                    "disc_number": 0}
        return None

    def render_entry(self, entry: Entry) -> dict:
        item = self.render_item(entry)
        added_by = ({"id": entry.added_by, "type": "user", "uri": f"spotify:user:{entry.added_by}"}
                    if entry.added_by else None)
        return {"added_at": entry.added_at, "added_by": added_by, "is_local": entry.kind == "local",
                "item": item, "track": item}

    def user_object(self, base: str) -> dict:
        return {"account_id": spotify_id(f"account:{self.user_id}"), "display_name": self.display_name,
                "id": self.user_id, "href": f"{base}users/{self.user_id}", "images": [], "type": "user",
                "uri": f"spotify:user:{self.user_id}",
                "external_urls": {"spotify": f"https://open.spotify.com/user/{self.user_id}"}}

    def playlist_object(self, playlist: Playlist, base: str, *, full: bool) -> dict:
        items_ref = {"href": f"{base}playlists/{playlist.id}/items", "total": len(playlist.entries)}
        obj = {
            "collaborative": playlist.collaborative, "description": playlist.description,
            "href": f"{base}playlists/{playlist.id}", "id": playlist.id, "images": [], "name": playlist.name,
            "owner": {"id": playlist.owner_id, "display_name": playlist.owner_name, "type": "user",
                      "uri": f"spotify:user:{playlist.owner_id}"},
            "public": playlist.public, "snapshot_id": playlist.snapshot_id, "type": "playlist",
            "uri": f"spotify:playlist:{playlist.id}",
            "external_urls": {"spotify": f"https://open.spotify.com/playlist/{playlist.id}"},
            "items": items_ref, "tracks": dict(items_ref),
        }
        if full:
            obj.pop("tracks")
            if self.readable(playlist):
                page = playlist.entries[:100]
                more = len(playlist.entries) > 100
                obj["items"] = {"href": f"{base}playlists/{playlist.id}/items?offset=0&limit=100",
                                "items": [self.render_entry(e) for e in page], "limit": 100, "offset": 0,
                                "previous": None, "total": len(playlist.entries),
                                "next": f"{base}playlists/{playlist.id}/items?offset=100&limit=50" if more else None}
            else:
                obj.pop("items")
        return obj
