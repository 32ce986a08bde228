"""Exportify's column headers, in every language and layout, mapped onto our column names."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

# exportify_headers.json holds watsonbox/exportify's header translations as that repository ships them:
# src/i18n/locales/<lang>/translation.json, key "track", every value any commit of those files held.
_I18N_KEYS = {
    "track_uri": "uri", "track_name": "title", "artist_uris": "artist_uris", "artist_names": "artist_names",
    "album_uri": "album_uri", "album_name": "album", "album_artist_names": "album_artists",
    "album_release_date": "release_date", "disc_number": "disc_number", "track_number": "track_number",
    "track_duration": "duration_ms", "explicit": "explicit", "popularity": "popularity", "isrc": "isrc",
    "added_by": "added_by", "added_at": "added_at", "album_genres": "album_genres", "label": "label",
    "artist_genres": "genres", "danceability": "danceability", "energy": "energy", "key": "key",
    "loudness": "loudness", "mode": "mode", "speechiness": "speechiness", "acousticness": "acousticness",
    "instrumentalness": "instrumentalness", "liveness": "liveness", "valence": "valence", "tempo": "tempo",
    "time_signature": "time_signature",
}  # not read: album_image_url, album_artist_uris, track_preview_url, is_playable, copyrights
# pavelkomarov/exportify's own headers (English only), and watsonbox's singular ones from before 2021-03.
PAVELKOMAROV = {"spotify id": "uri", "track id": "uri", "artist ids": "artist_uris", "release date": "release_date",
                "duration (ms)": "duration_ms", "genres": "genres", "record label": "label", "explicit?": "explicit"}
_OLDER = {"artist uri": "artist_uris", "artist name": "artist_names"}


def normalize(header: str) -> str:
    """Case, a BOM and runs of spaces or tabs (some builds wrote tabs into the header) do not matter."""
    return " ".join(header.replace("\ufeff", "").split()).casefold()


@cache
def header_names() -> dict[str, str]:
    """Every known header (normalized) → our column name."""
    table = json.loads((Path(__file__).parent / "exportify_headers.json").read_text(encoding="utf-8"))
    names = {normalize(header): _I18N_KEYS[key] for language, keys in table.items() if language != "_source"
             for key, headers in keys.items() if key in _I18N_KEYS for header in headers}
    return {**names, **_OLDER, **PAVELKOMAROV}
