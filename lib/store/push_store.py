"""SQL for playlist links (rule → Spotify playlist) and push history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lib.store.db import Library


@dataclass(frozen=True)
class PlaylistLink:
    rule_id: str
    playlist_id: str
    playlist_name: str | None
    created_by_app: bool
    linked_at: datetime | None
    last_snapshot_id: str | None
    last_pushed_at: datetime | None
    last_result: str | None


@dataclass(frozen=True)
class PushRecord:
    push_id: int
    rule_id: str
    playlist_id: str
    rule_version: int | None
    pushed_at: datetime
    kind: str
    status: str
    before_uris: list[str]
    after_uris: list[str]
    snapshot_before: str | None
    snapshot_after: str | None
    added: int
    removed: int
    moved: int
    write_calls: int
    message: str | None


_LINK_COLS = ("rule_id, playlist_id, playlist_name, created_by_app, linked_at, last_snapshot_id, "
              "last_pushed_at, last_result")
_PUSH_COLS = ("push_id, rule_id, playlist_id, rule_version, pushed_at, kind, status, before_uris, after_uris, "
              "snapshot_before, snapshot_after, added, removed, moved, write_calls, message")


def _push(row: tuple) -> PushRecord:
    values = list(row)
    values[7] = list(values[7] or [])
    values[8] = list(values[8] or [])
    return PushRecord(*values)


def get_link(library: Library, rule_id: str) -> PlaylistLink | None:
    row = library.query_one(f"SELECT {_LINK_COLS} FROM playlist_links WHERE rule_id = ?", [rule_id])
    return PlaylistLink(*row) if row else None


def list_links(library: Library) -> dict[str, PlaylistLink]:
    rows = library.query(f"SELECT {_LINK_COLS} FROM playlist_links ORDER BY rule_id")
    return {r[0]: PlaylistLink(*r) for r in rows}


def save_link(library: Library, rule_id: str, playlist_id: str, playlist_name: str | None, *,
              created_by_app: bool, snapshot_id: str | None = None) -> None:
    """Link a rule to a playlist (replacing an earlier link of that rule)."""
    with library.transaction() as cur:
        cur.execute("DELETE FROM playlist_links WHERE rule_id = ?", [rule_id])
        cur.execute(
            "INSERT INTO playlist_links (rule_id, playlist_id, playlist_name, created_by_app, last_snapshot_id) "
            "VALUES (?, ?, ?, ?, ?)", [rule_id, playlist_id, playlist_name, created_by_app, snapshot_id])


def delete_link(library: Library, rule_id: str) -> None:
    library.execute("DELETE FROM playlist_links WHERE rule_id = ?", [rule_id])


def record_push(library: Library, *, rule_id: str, playlist_id: str, rule_version: int | None, kind: str,
                status: str, before_uris, after_uris, snapshot_before: str | None, snapshot_after: str | None,
                added: int, removed: int, moved: int, write_calls: int, message: str | None,
                pushed_at: datetime) -> int:
    """Store one push and update the link's last push fields, atomically; returns the push id.

    The link's snapshot is only advanced when the push completed, so a half-done push still
    shows the playlist as "changed since our last push" until the next push finishes it.
    """
    with library.transaction() as cur:
        push_id = cur.execute(
            "INSERT INTO push_history (rule_id, playlist_id, rule_version, pushed_at, kind, status, before_uris, "
            "after_uris, snapshot_before, snapshot_after, added, removed, moved, write_calls, message) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING push_id",
            [rule_id, playlist_id, rule_version, pushed_at, kind, status, list(before_uris), list(after_uris),
             snapshot_before, snapshot_after, added, removed, moved, write_calls, message]).fetchone()[0]
        result = f"{status}: {message}" if message else status
        if status == "done":
            cur.execute("UPDATE playlist_links SET last_snapshot_id = ?, last_pushed_at = ?, last_result = ? "
                        "WHERE rule_id = ?", [snapshot_after, pushed_at, result, rule_id])
        else:
            cur.execute("UPDATE playlist_links SET last_pushed_at = ?, last_result = ? WHERE rule_id = ?",
                        [pushed_at, result, rule_id])
    return int(push_id)


def mark_up_to_date(library: Library, rule_id: str, snapshot_id: str | None, checked_at: datetime) -> None:
    """A push found nothing to change: no history row, but the link notes the check and the snapshot."""
    library.execute("UPDATE playlist_links SET last_snapshot_id = ?, last_pushed_at = ?, last_result = ? "
                    "WHERE rule_id = ?", [snapshot_id, checked_at, "done: up to date", rule_id])


def list_pushes(library: Library, rule_id: str, limit: int = 200) -> list[PushRecord]:
    rows = library.query(f"SELECT {_PUSH_COLS} FROM push_history WHERE rule_id = ? "
                         "ORDER BY push_id DESC LIMIT ?", [rule_id, limit])
    return [_push(r) for r in rows]


def get_push(library: Library, push_id: int) -> PushRecord | None:
    row = library.query_one(f"SELECT {_PUSH_COLS} FROM push_history WHERE push_id = ?", [push_id])
    return _push(row) if row else None


def last_done_push(library: Library, rule_id: str, playlist_id: str) -> PushRecord | None:
    """The latest completed push to this playlist (its after_uris are what we own there)."""
    row = library.query_one(
        f"SELECT {_PUSH_COLS} FROM push_history WHERE rule_id = ? AND playlist_id = ? AND status = 'done' "
        "ORDER BY push_id DESC LIMIT 1", [rule_id, playlist_id])
    return _push(row) if row else None


def known_playlist_ids(library: Library) -> set[str]:
    """Every playlist a rule is linked to or was ever pushed to (released ones included)."""
    rows = library.query("SELECT playlist_id FROM playlist_links UNION SELECT playlist_id FROM push_history")
    return {r[0] for r in rows}


def owned_uris(library: Library, rule_id: str, playlist_id: str) -> set[str]:
    """Tracks our own pushes added to this playlist (after minus before): all that merge may remove."""
    rows = library.query("SELECT before_uris, after_uris FROM push_history WHERE rule_id = ? AND playlist_id = ?",
                         [rule_id, playlist_id])
    owned: set[str] = set()
    for before, after in rows:
        owned.update(set(after or []) - set(before or []))
    owned.discard(None)
    return owned


def track_rows(library: Library, track_ids: list[str]) -> dict[str, tuple[str, str, str]]:
    """track_id → (uri, "Title — Artist", origin) for the given tracks."""
    if not track_ids:
        return {}
    rows = library.query(
        "SELECT t.track_id, t.uri, t.title, v.artist, t.origin FROM tracks t "
        "LEFT JOIN track_view v USING (track_id) WHERE list_contains(?, t.track_id)", [list(track_ids)])
    return {r[0]: (r[1], f"{r[2]} — {r[3]}" if r[3] else r[2], r[4]) for r in rows}


def labels_for_uris(library: Library, uris: list[str]) -> dict[str, str]:
    """uri → "Title — Artist" for tracks the library knows."""
    if not uris:
        return {}
    rows = library.query(
        "SELECT t.uri, t.title, v.artist FROM tracks t LEFT JOIN track_view v USING (track_id) "
        "WHERE list_contains(?, t.uri)", [list(uris)])
    return {r[0]: f"{r[1]} — {r[2]}" if r[2] else r[1] for r in rows}
