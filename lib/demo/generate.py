"""Pure, seeded generation of a realistic music library (tracks, features, genres, sources)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from lib.demo import vocab
from lib.demo.sources import REFERENCE_TIME, DemoSource, build_sources
from lib.store.catalog import TrackRecord

DEMO_SEED = 20260101
_B62 = np.array(list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
_FEATURES = ("popularity", "energy", "valence", "danceability", "tempo", "acousticness", "instrumentalness",
             "speechiness", "liveness", "loudness", "key", "mode", "time_signature")


@dataclass
class DemoData:
    tracks: list[TrackRecord]
    profiles: list[str]                      # profile key per track, same order as tracks
    features: pd.DataFrame                   # track_id + _FEATURES; NaN where a track has no value
    genres: dict[str, list[str]]             # track_id -> genres (absent: no genres known)
    sources: list[DemoSource] = field(default_factory=list)


def _ids(rng: np.random.Generator, n: int) -> list[str]:
    return ["".join(row) for row in _B62[rng.integers(0, 62, size=(n, 22))]]


def _clip(x, lo=0.0, hi=1.0):
    return float(min(hi, max(lo, x)))


def _artist_name(r: random.Random, used: set[str]) -> str:
    for _ in range(6):
        if r.random() < 0.55:
            name = f"{r.choice(vocab.FIRST_NAMES)} {r.choice(vocab.LAST_NAMES)}"
        else:
            name = f"{'The ' if r.random() < 0.5 else ''}{r.choice(vocab.BAND_ADJECTIVES)} {r.choice(vocab.BAND_NOUNS)}"
        if name not in used:
            break
    used.add(name)
    return name


def _title(r: random.Random, style: str) -> str:
    if style != "en" and r.random() < 0.7:
        return r.choice(vocab.LOCALIZED_TITLES[style])
    if r.random() < 0.02:
        return r.choice(vocab.EMOJI_TITLES)
    a, n, n2 = r.choice(vocab.TITLE_ADJECTIVES), r.choice(vocab.TITLE_NOUNS), r.choice(vocab.TITLE_NOUNS)
    title = r.choice(vocab.TITLE_TEMPLATES).format(a=a, n=n, n2=n2)
    return title + (r.choice(vocab.TITLE_SUFFIXES) if r.random() < 0.06 else "")


def _release(r: random.Random, years: tuple[int, int]) -> str | None:
    if r.random() < 0.01:
        return None
    lo, hi = years
    year = int(round(lo + (hi - lo) * r.random() ** 0.7))  # skewed towards recent releases
    day = date(year, 1, 1) + timedelta(days=r.randrange(365))
    day = min(day, REFERENCE_TIME.date() - timedelta(days=20))
    roll = r.random()
    if roll < 0.08:
        return f"{day.year:04d}"
    if roll < 0.12:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def _isrc(r: random.Random, year: int) -> str:
    registrant = "".join(r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(3))
    return f"{r.choice(vocab.ISRC_COUNTRIES)}{registrant}{year % 100:02d}{r.randrange(100000):05d}"


def _features(rng: np.random.Generator, p: vocab.GenreProfile, artist_offset: float, live: bool, year: int) -> dict:
    energy = _clip(rng.normal(p.energy + artist_offset, 0.12), 0.01, 0.99)
    dance = _clip(rng.normal(p.danceability, 0.1), 0.05, 0.98)
    valence = _clip(rng.normal(p.valence, 0.16) + 0.3 * (dance - p.danceability) + 0.15 * (energy - p.energy),
                    0.02, 0.98)
    acoustic = _clip(p.acousticness + rng.normal(0, 0.12) - 0.6 * (energy - p.energy), 0.0, 0.996)
    instr = _clip(rng.normal(p.instrumentalness, 0.18) if p.instrumentalness > 0.3 else rng.beta(0.3, 8), 0.0, 0.98)
    tempo = float(rng.normal(p.tempo, 12))
    if rng.random() < 0.05:  # analysers often report half or double time
        tempo *= 2 if tempo < 100 else 0.5
    age = max(0, REFERENCE_TIME.year - year)
    return {
        "energy": round(energy, 3), "valence": round(valence, 3), "danceability": round(dance, 3),
        "tempo": round(_clip(tempo, 50, 215), 3), "acousticness": round(acoustic, 4),
        "instrumentalness": round(instr, 4),
        "speechiness": round(_clip(rng.normal(p.speechiness, 0.04), 0.022, 0.95), 4),
        "liveness": round(_clip(rng.uniform(0.65, 0.98) if live else 0.05 + rng.beta(1.4, 7)), 4),
        "loudness": round(_clip(-30 + 26 * energy + rng.normal(0, 1.8), -40, -0.5), 3),
        "key": float(rng.integers(0, 12)),
        "mode": float(rng.random() < (0.45 if p.key == "metal" else 0.66)),
        "time_signature": float(rng.choice([4, 3, 5, 1], p=[0.9, 0.07, 0.02, 0.01])),
        "popularity": float(int(_clip(rng.beta(2.2, 3.0) * 100 - age * 0.25 + artist_offset * 40, 0, 100))),
    }


def generate_demo(seed: int = DEMO_SEED, n_tracks: int = 3000) -> DemoData:
    """Generate the demo library's content; the same seed and size always give the same data."""
    r = random.Random(seed)
    rng = np.random.default_rng(seed)
    profiles = {p.key: p for p in vocab.PROFILES}

    # Artists, each rooted in one profile, with one to three fine genres.
    artists: list[dict] = []
    used: set[str] = set()
    for key, names in vocab.SPECIAL_ARTISTS.items():
        for name in names:
            used.add(name)
            artists.append({"name": name, "profile": key})
    weights = [p.weight for p in vocab.PROFILES]
    while len(artists) < max(40, n_tracks // 7):
        key = r.choices(vocab.PROFILES, weights)[0].key
        artists.append({"name": _artist_name(r, used), "profile": key})
    for artist, artist_id in zip(artists, _ids(rng, len(artists)), strict=True):
        p = profiles[artist["profile"]]
        genres = r.sample(p.genres, k=min(len(p.genres), r.choice((1, 2, 2, 3))))
        if r.random() < 0.1:
            genres.append(r.choice(r.choice(vocab.PROFILES).genres))
        artist.update(id=artist_id, genres=list(dict.fromkeys(genres)), offset=float(rng.normal(0, 0.06)),
                      albums=[])
    by_id = {a["id"]: a for a in artists}
    by_profile: dict[str, list[dict]] = {}
    for artist in artists:
        by_profile.setdefault(artist["profile"], []).append(artist)

    # Tracks: popular artists get more tracks (Zipf-like), spread over their albums.
    artist_weights = [1.0 / (i % 60 + 1) ** 0.6 for i in range(len(artists))]
    picks = r.choices(range(len(artists)), artist_weights, k=n_tracks)
    track_ids = _ids(rng, n_tracks)
    tracks: list[TrackRecord] = []
    track_profiles: list[str] = []
    feature_rows: list[dict] = []
    genres: dict[str, list[str]] = {}
    for track_id, artist_index in zip(track_ids, picks, strict=True):
        artist = artists[artist_index]
        p = profiles[artist["profile"]]
        if not artist["albums"] or (len(artist["albums"]) < 4 and r.random() < 0.12):
            album_type = r.choices(("album", "single", "compilation"), (0.7, 0.25, 0.05))[0]
            artist["albums"].append({"id": _ids(rng, 1)[0], "name": _title(r, p.title_style),
                                     "release": _release(r, p.years), "label": r.choice(vocab.LABELS),
                                     "type": album_type, "n": 0})
        album = r.choice(artist["albums"])
        album["n"] += 1
        credits = [(artist["id"], artist["name"])]
        for chance in (0.15, 0.2):  # a featured artist, sometimes two
            if r.random() < chance:
                guest = r.choice(by_profile[p.key] if r.random() < 0.8 else artists)
                if guest["id"] not in {c[0] for c in credits}:
                    credits.append((guest["id"], guest["name"]))
            else:
                break
        year = int(album["release"][:4]) if album["release"] else p.years[0]
        title = _title(r, p.title_style)
        tracks.append(TrackRecord(
            track_id=track_id, title=title, artists=credits, uri=f"spotify:track:{track_id}",
            album_id=album["id"], album_name=album["name"], release_date=album["release"],
            album_type=album["type"], label=album["label"],
            duration_ms=int(_clip(rng.normal(p.duration_s, 48), 38, 1500) * 1000),
            explicit=bool(r.random() < p.explicit_p), isrc=None if r.random() < 0.05 else _isrc(r, year),
            disc_number=1, track_number=album["n"]))
        track_profiles.append(p.key)
        row = {"track_id": track_id, **_features(rng, p, artist["offset"], " - Live" in title, year)}
        roll = r.random()
        if roll < 0.06:  # no audio features at all
            row = {"track_id": track_id}
        elif roll < 0.09:
            row.pop("popularity")
        feature_rows.append(row)
        if r.random() >= 0.08:
            names = list(artist["genres"])
            for guest_id, _ in credits[1:]:
                names += by_id[guest_id]["genres"][:1]
            genres[track_id] = list(dict.fromkeys(names))

    # The same recording released twice (album + single): same ISRC, title and artists, other id.
    for index in r.sample(range(len(tracks)), k=max(2, n_tracks // 150)):
        original = tracks[index]
        copy_id = _ids(rng, 1)[0]
        tracks.append(TrackRecord(
            track_id=copy_id, title=original.title, artists=list(original.artists), uri=f"spotify:track:{copy_id}",
            album_id=None, album_name=f"{original.title} (Single)", release_date=original.release_date,
            album_type="single", label=original.label, duration_ms=original.duration_ms,
            explicit=original.explicit, isrc=original.isrc, disc_number=1, track_number=1))
        track_profiles.append(track_profiles[index])
        feature_rows.append({**feature_rows[index], "track_id": copy_id})
        if original.track_id in genres:
            genres[copy_id] = list(genres[original.track_id])

    features = pd.DataFrame(feature_rows, columns=["track_id", *_FEATURES])
    data = DemoData(tracks=tracks, profiles=track_profiles, features=features, genres=genres)
    data.sources = build_sources(r, rng, data)
    return data
