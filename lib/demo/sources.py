"""Liked Songs and playlists of the demo library: who holds which track, since when, and the odd items."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np

from lib.clock import utc
from lib.demo import vocab
from lib.store.catalog import Membership, SourceRecord

if TYPE_CHECKING:
    from lib.demo.generate import DemoData

# Fixed "today" of the demo so that the same seed gives the same library on every day.
REFERENCE_TIME = utc(2026, 11, 15, 12, 0, 0)
OWNER = ("demo-user", "Demo User")
_FIRST_LIKE = utc(2016, 2, 1)
# Items Spotify returns but that are not tracks: (local files, podcast episodes, unavailable/null items).
_ODD_ITEMS = {"Road Trip 2019": (2, 1, 0), "Chill Evenings": (1, 0, 0), "Discover Weekly Archive": (0, 2, 0),
              "Throwbacks": (0, 0, 1)}
_WINDOWS = {"Road Trip 2019": (utc(2019, 5, 1), utc(2019, 8, 31))}
_REPEATS = {"Party Bangers 🎉": 3, "Discover Weekly Archive": 2, "Workout 💪": 1}


@dataclass
class DemoSource:
    """A source with its membership and the items kept out of the track table."""

    record: SourceRecord
    members: list[Membership]
    snapshot_id: str | None = None
    local_count: int = 0
    episode_count: int = 0
    null_count: int = 0


def _moment(r: random.Random, start: datetime, end: datetime, skew: float = 1.0) -> datetime:
    span = max(0.0, (end - start).total_seconds())
    return (start + timedelta(seconds=span * r.random() ** skew)).replace(microsecond=0)


def _release_start(release: str | None) -> datetime:
    if not release:
        return _FIRST_LIKE
    return max(_FIRST_LIKE, utc(int(release[:4]), int(release[5:7] or 1) if len(release) >= 7 else 1, 1))


def _snapshot(rng: np.random.Generator) -> str:
    return "".join(np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))[
        rng.integers(0, 62, size=32)])


def _fits(taste, feats: dict, year: int | None) -> bool:
    if taste is None:
        return True
    name, lo, hi = taste
    value = year if name == "release_year" else feats.get(name)
    if value is None or value != value:  # missing or NaN: the playlist's curator would not pick it
        return False
    return (lo is None or value >= lo) and (hi is None or value <= hi)


def build_sources(r: random.Random, rng: np.random.Generator, data: DemoData) -> list[DemoSource]:
    """Ten playlists drawn by style and taste, Liked Songs, and a followed playlist we cannot read."""
    scale = len(data.tracks) / 3000
    feats = data.features.set_index("track_id").to_dict("index")
    years = {t.track_id: int(t.release_date[:4]) if t.release_date else None for t in data.tracks}
    releases = {t.track_id: t.release_date for t in data.tracks}
    in_playlist: set[str] = set()
    sources: list[DemoSource] = []
    playlist_ids = ["".join(row) for row in np.array(list("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"
                                                          "TUVWXYZ"))[rng.integers(0, 62, size=(11, 22))]]
    for (name, description, styles, taste, size), playlist_id in zip(vocab.PLAYLISTS, playlist_ids, strict=False):
        pool = [t.track_id for t, key in zip(data.tracks, data.profiles, strict=True)
                if key in styles and _fits(taste, feats.get(t.track_id, {}), years[t.track_id])]
        chosen = r.sample(pool, k=min(len(pool), max(3, int(size * scale))))
        start, end = _WINDOWS.get(name, (utc(2017 + r.randrange(8), 1 + r.randrange(12), 1), REFERENCE_TIME))
        stamps = sorted((max(_moment(r, start, end), min(_release_start(releases[t]), end)), t) for t in chosen)
        for _ in range(_REPEATS.get(name, 0)):  # the same track added twice to one playlist
            stamps.append((_moment(r, stamps[-1][0], end), r.choice(chosen)))
        added_by = None if name.startswith("Discover") else OWNER[0]
        members = [Membership(i, tid, at, added_by) for i, (at, tid) in enumerate(stamps)]
        local, episodes, nulls = _ODD_ITEMS.get(name, (0, 0, 0))
        record = SourceRecord(source_id=f"playlist:{playlist_id}", kind="playlist", name=name, origin="demo",
                              spotify_id=playlist_id, description=description, owner_id=OWNER[0],
                              owner_name=OWNER[1], remote_total=len(members) + local + episodes + nulls)
        sources.append(DemoSource(record, members, _snapshot(rng), local, episodes, nulls))
        in_playlist.update(chosen)

    # Liked Songs: everything no playlist holds plus most playlist tracks, newest first like Spotify.
    liked = [t.track_id for t in data.tracks if t.track_id not in in_playlist or r.random() < 0.6]
    stamps = sorted(((_moment(r, _release_start(releases[t]), REFERENCE_TIME, skew=0.6), t) for t in liked),
                    reverse=True)
    members = [Membership(i, tid, at) for i, (at, tid) in enumerate(stamps)]
    record = SourceRecord(source_id="liked", kind="liked", name="Liked Songs", origin="demo", owner_id=OWNER[0],
                          owner_name=OWNER[1], remote_total=len(members))
    sources.insert(0, DemoSource(record, members, None))

    followed = playlist_ids[10]
    sources.append(DemoSource(SourceRecord(
        source_id=f"playlist:{followed}", kind="playlist", name="Today's Top Hits", origin="demo",
        spotify_id=followed, description="Followed, not owned.", owner_id="spotify", owner_name="Spotify",
        readable=False, unreadable_reason="Followed playlist owned by someone else: Spotify does not let "
                                          "Development Mode apps read its items.", remote_total=50), []))
    return sources
