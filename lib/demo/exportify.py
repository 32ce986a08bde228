"""Write generated tracks as an Exportify CSV (both layouts) — for trying the importer and benchmarks."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

from lib.clock import utc
from lib.demo.generate import DemoData

CLASSIC_HEADER = (
    "Track URI", "Track Name", "Artist URI(s)", "Artist Name(s)", "Album URI", "Album Name", "Album Artist URI(s)",
    "Album Artist Name(s)", "Album Release Date", "Album Image URL", "Disc Number", "Track Number",
    "Track Duration (ms)", "Track Preview URL", "Explicit", "Popularity", "ISRC", "Added By", "Added At",
    "Artist Genres", "Danceability", "Energy", "Key", "Loudness", "Mode", "Speechiness", "Acousticness",
    "Instrumentalness", "Liveness", "Valence", "Tempo", "Time Signature", "Album Genres", "Label", "Copyrights")
NEW_HEADER = (
    "Track URI", "Track Name", "Album Name", "Artist Name(s)", "Release Date", "Duration (ms)", "Popularity",
    "Explicit", "Added By", "Added At", "Genres", "Record Label", "Danceability", "Energy", "Key", "Loudness",
    "Mode", "Speechiness", "Acousticness", "Instrumentalness", "Liveness", "Valence", "Tempo", "Time Signature")
_FEATURES = ("danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
             "instrumentalness", "liveness", "valence", "tempo", "time_signature")


def _num(value) -> str:
    if value is None or value != value:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


_START = utc(2020, 1, 1)

def exportify_csv(data: DemoData, *, layout: str = "classic", bom: bool = False, limit: int | None = None,
                  start: datetime = _START) -> bytes:
    """The tracks of `data` as one Exportify playlist file (classic 35-column or newer 24-column layout)."""
    feats = data.features.set_index("track_id").to_dict("index")
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CLASSIC_HEADER if layout == "classic" else NEW_HEADER)
    for i, t in enumerate(data.tracks[:limit]):
        f = feats.get(t.track_id, {})
        added = (start + timedelta(minutes=7 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        genres = ",".join(data.genres.get(t.track_id, []))
        explicit = "true" if t.explicit else "false"
        features = [_num(f.get(name)) for name in _FEATURES]
        if layout == "classic":
            names = ",".join(name.replace(",", "\\,") for _, name in t.artists)
            uris = ",".join(f"spotify:artist:{aid}" for aid, _ in t.artists)
            writer.writerow([t.uri, t.title, uris, names, f"spotify:album:{t.album_id}" if t.album_id else "",
                             t.album_name or "", uris.split(",")[0], t.artists[0][1], t.release_date or "", "",
                             t.disc_number or "", t.track_number or "", t.duration_ms or "", "", explicit,
                             _num(f.get("popularity")), t.isrc or "", "demo-user", added, genres, *features, "",
                             t.label or "", ""])
        else:
            writer.writerow([t.uri, t.title, t.album_name or "", ";".join(name for _, name in t.artists),
                             t.release_date or "", t.duration_ms or "", _num(f.get("popularity")), explicit,
                             "demo-user", added, genres, t.label or "", *features])
    text = out.getvalue()
    return ("\ufeff" + text if bom else text).encode("utf-8")
