"""Turn Spotify saved-track and playlist-item objects into compact rows, then into catalog records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from lib.store.catalog import Membership, TrackRecord


def _compact_track(track: dict) -> dict:
    album = track.get("album") or {}
    return {
        "id": track["id"], "uri": track.get("uri"), "name": track.get("name") or "",
        "artists": [[a.get("id"), a.get("name") or ""] for a in track.get("artists") or []],
        "album_id": album.get("id"), "album": album.get("name"), "release_date": album.get("release_date"),
        "album_type": album.get("album_type"), "duration_ms": track.get("duration_ms"),
        "explicit": track.get("explicit"), "isrc": (track.get("external_ids") or {}).get("isrc"),
        "disc_number": track.get("disc_number"), "track_number": track.get("track_number"),
    }


def compact_entry(entry: dict | None, position: int) -> dict:
    """One item of /me/tracks ({added_at, track}) or /playlists/{id}/items ({added_at, added_by, item, ...}).

    kind: 'track' (stored), 'local' (is_local or id null), 'episode', 'null' (unavailable or missing).
    """
    entry = entry or {}
    item = entry.get("item") or entry.get("track")   # 'item' since 2026; 'track' is the deprecated twin
    added_by = (entry.get("added_by") or {}).get("id")
    row = {"pos": position, "added_at": entry.get("added_at"), "added_by": added_by}
    if not item:
        return {**row, "kind": "null"}
    if item.get("type") == "episode":
        return {**row, "kind": "episode", "uri": item.get("uri")}
    if entry.get("is_local") or item.get("is_local") or not item.get("id"):
        return {**row, "kind": "local", "uri": item.get("uri")}
    return {**row, "kind": "track", "track": _compact_track(item)}


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


@dataclass
class SourceContent:
    """What one source holds after a sync: tracks to upsert, membership and the skipped-item counts."""

    tracks: list[TrackRecord] = field(default_factory=list)
    members: list[Membership] = field(default_factory=list)
    local_count: int = 0
    episode_count: int = 0
    null_count: int = 0


def build_content(rows: list[dict]) -> SourceContent:
    """Compact rows (any order of pages) → records; positions are Spotify's positions."""
    content = SourceContent()
    seen: set[str] = set()
    for row in sorted(rows, key=lambda r: r["pos"]):
        kind = row["kind"]
        if kind == "local":
            content.local_count += 1
        elif kind == "episode":
            content.episode_count += 1
        elif kind == "null":
            content.null_count += 1
        else:
            t = row["track"]
            if t["id"] not in seen:
                seen.add(t["id"])
                content.tracks.append(_record(t))
            content.members.append(Membership(row["pos"], t["id"], parse_time(row["added_at"]), row["added_by"]))
    return content


def _record(t: dict) -> TrackRecord:
    return TrackRecord(
        track_id=t["id"], title=t["name"], artists=[(a, n) for a, n in t["artists"]], uri=t["uri"],
        album_id=t["album_id"], album_name=t["album"], release_date=t["release_date"],
        album_type=t["album_type"], duration_ms=t["duration_ms"], explicit=t["explicit"],
        isrc=t["isrc"], disc_number=t["disc_number"], track_number=t["track_number"])


def track_record(track: dict | None) -> TrackRecord | None:
    """A full Track object (recently played, top tracks) as a record; None for local files and episodes."""
    if not track or track.get("type") == "episode" or track.get("is_local") or not track.get("id"):
        return None
    return _record(_compact_track(track))
