"""Every Spotify call the push area makes, through the shared client's fault policy."""

from __future__ import annotations

import html
from dataclasses import dataclass

from lib.push.plan import PlaylistItem, RangeMove

PAGE = 50                     # GET …/items and GET /me/playlists maximum page size


@dataclass(frozen=True)
class PlaylistState:
    """A playlist as read fresh from Spotify."""

    playlist_id: str
    name: str
    description: str
    owner_id: str | None
    collaborative: bool
    snapshot_id: str | None
    items: tuple[PlaylistItem, ...]
    readable: bool = True         # False: Spotify returned metadata only (not ours, not collaborative)


def _item(entry: dict) -> PlaylistItem:
    obj = entry.get("item") or entry.get("track")   # 2026 key first, the deprecated one as fallback
    if not obj:
        return PlaylistItem(None, entry.get("added_at"))
    artists = ", ".join(a.get("name") or "" for a in obj.get("artists") or [])
    name = f"{obj.get('name') or ''}{' — ' + artists if artists else ''}"
    return PlaylistItem(obj.get("uri"), entry.get("added_at"), bool(entry.get("is_local") or obj.get("is_local")),
                        name)


def _known_item(uri: str | None) -> PlaylistItem:
    return PlaylistItem(uri, None, bool(uri and uri.startswith("spotify:local:")))


def read_playlist(client, playlist_id: str, known: tuple[str, list] | None = None) -> PlaylistState:
    """Metadata and all items (pages of 50 by explicit offset; the first 100 come with the playlist).

    ``known`` = (snapshot_id, uris) of what our last completed push left there: when the snapshot
    is still the same, the playlist is exactly that and the remaining pages are not read (one
    request instead of one per 50 tracks — the daily playlist quota is small).
    """
    meta = client.call("playlist", playlist_id, additional_types=("track", "episode"))
    embedded = meta.get("items") if isinstance(meta.get("items"), dict) else None
    entries = list((embedded or {}).get("items") or [])
    total = (embedded or {}).get("total")
    owner = meta.get("owner") or {}
    if embedded is None:          # Dev Mode: no items for playlists we neither own nor collaborate on
        return PlaylistState(playlist_id, meta.get("name") or "", meta.get("description") or "", owner.get("id"),
                             bool(meta.get("collaborative")), meta.get("snapshot_id"), (), readable=False)
    if known is not None and known[0] and meta.get("snapshot_id") == known[0]:
        return PlaylistState(playlist_id, meta.get("name") or "", meta.get("description") or "", owner.get("id"),
                             bool(meta.get("collaborative")), meta.get("snapshot_id"),
                             tuple(_known_item(u) for u in known[1]))
    if total is None:
        entries = []
    while total is None or len(entries) < total:
        page = client.call("playlist_items", playlist_id, limit=PAGE, offset=len(entries),
                           additional_types=("track", "episode"))
        got = page.get("items") or []
        entries.extend(got)
        total = page.get("total", len(entries))
        if not got:
            break
    return PlaylistState(playlist_id, meta.get("name") or "", meta.get("description") or "", owner.get("id"),
                         bool(meta.get("collaborative")), meta.get("snapshot_id"),
                         tuple(_item(e) for e in entries))


def find_marked_playlist(client, marker: str, user_id: str, skip: set[str] = frozenset()) -> dict | None:
    """The first of the user's OWN playlists whose description carries ``marker`` (GET /me/playlists).

    Pages by explicit offsets (the ``next`` link has pointed at a removed endpoint). Playlists of
    other owners are ignored even when their description carries the marker: we could not write them.
    """
    offset = 0
    while True:
        page = client.call("current_user_playlists", limit=PAGE, offset=offset)
        items = page.get("items") or []
        for playlist in items:
            if not playlist or not playlist.get("id") or playlist["id"] in skip:
                continue
            owner = (playlist.get("owner") or {}).get("id")
            # Spotify returns descriptions HTML-escaped; the marker itself needs no escaping, but be safe.
            if owner == user_id and marker in html.unescape(playlist.get("description") or ""):
                return playlist
        offset += len(items)
        if not items or offset >= (page.get("total") or 0):
            return None


def create_playlist(client, name: str, description: str) -> tuple[str, str | None]:
    """POST /me/playlists (private); returns (id, snapshot_id).

    idempotent=False: never retried after a timeout or dropped connection, because Spotify may
    have created it already; the next push then finds it by its marker instead of making another.
    """
    created = client.call("current_user_playlist_create", name, public=False, description=description,
                          idempotent=False)
    return created["id"], created.get("snapshot_id")


def _snapshot(response) -> str | None:
    return response.get("snapshot_id") if isinstance(response, dict) else None


def remove_items(client, playlist_id: str, uris) -> str | None:
    # Removing is idempotent (removing a gone track is a no-op), so retries are safe.
    return _snapshot(client.call("playlist_remove_all_occurrences_of_items", playlist_id, list(uris)))


def add_items(client, playlist_id: str, uris, position: int | None) -> str | None:
    # Not idempotent: a blind retry could add the batch twice. The next push re-diffs instead.
    return _snapshot(client.call("playlist_add_items", playlist_id, list(uris), position=position,
                                 idempotent=False))


def move_items(client, playlist_id: str, move: RangeMove) -> str | None:
    # A repeated range move would move again: not idempotent either.
    return _snapshot(client.call("playlist_reorder_items", playlist_id, range_start=move.range_start,
                                 insert_before=move.insert_before, range_length=move.range_length,
                                 idempotent=False))

