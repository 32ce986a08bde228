"""Test helpers: a library whose tracks exist on the fake Spotify, and rules over them."""

from __future__ import annotations

from lib.store.catalog import TrackRecord, upsert_tracks

SORTED_RULE = {"id": "by-title", "name": "By title", "description": "Every song, A to Z",
               "match": {"conditions": [{"field": "title", "operator": "starts_with", "value": "Song"}]},
               "sort": [{"field": "title", "direction": "asc"}]}
UNSORTED_RULE = {"id": "all-songs", "name": "All songs",
                 "match": {"conditions": [{"field": "title", "operator": "starts_with", "value": "Song"}]}}


def add_tracks(library, fake, count: int, *, origin: str = "spotify", prefix: str = "Song") -> list[str]:
    """Create `count` tracks on the fake and the same tracks in the library; return their ids."""
    ids = fake.data.make_tracks(count, prefix=prefix)
    records = []
    for tid in ids:
        track = fake.data.tracks[tid]
        records.append(TrackRecord(track_id=tid, title=track["name"], uri=track["uri"],
                                   artists=[(a["id"], a["name"]) for a in track["artists"]],
                                   album_name=track["album"]["name"], duration_ms=track["duration_ms"]))
    with library.write() as w:
        cur = w.cur
        upsert_tracks(cur, records, origin)
        w.touch_all()
    return ids


def drop_tracks(library, track_ids: list[str]) -> None:
    """Remove tracks from the library (as if they left it)."""
    with library.write() as w:
        cur = w.cur
        cur.execute("DELETE FROM track_artists WHERE list_contains(?, track_id)", [track_ids])
        cur.execute("DELETE FROM tracks WHERE list_contains(?, track_id)", [track_ids])
        w.touch_all()


def save(library, rule: dict) -> None:
    from lib.rules.repo import save_rule

    save_rule(library, rule)


def uris(ids) -> list[str]:
    return [f"spotify:track:{i}" for i in ids]
