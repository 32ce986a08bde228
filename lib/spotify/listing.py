"""The user's playlists from GET /me/playlists, with Development Mode readability worked out."""

from __future__ import annotations

from lib.spotify.client import PAGE_LIMIT, SpotifyClient
from lib.store.catalog import SourceRecord

UNREADABLE_REASON = ("followed, not owned: Spotify lets Development Mode apps read only playlists you own "
                     "or collaborate on")


def _total(playlist: dict) -> int:
    # 2026: 'items' {href, total}; the deprecated 'tracks' may be null or still there.
    for key in ("items", "tracks"):
        ref = playlist.get(key)
        if isinstance(ref, dict) and ref.get("total") is not None:
            return int(ref["total"])
    return 0


def list_playlists(client: SpotifyClient, me: dict) -> list[tuple[SourceRecord, str | None]]:
    """Every playlist the user owns or follows, as (source record, snapshot id), in Spotify's order."""
    records: list[tuple[SourceRecord, str | None]] = []
    offset = 0
    while True:
        page = client.playlists_page(offset)
        for playlist in page.get("items") or []:
            if not playlist or not playlist.get("id"):
                continue
            owner = playlist.get("owner") or {}
            readable = owner.get("id") == me.get("id") or bool(playlist.get("collaborative"))
            records.append((SourceRecord(
                source_id=f"playlist:{playlist['id']}", kind="playlist", name=playlist.get("name") or "(untitled)",
                origin="spotify", spotify_id=playlist["id"], description=playlist.get("description") or None,
                owner_id=owner.get("id"), owner_name=owner.get("display_name") or owner.get("id"),
                collaborative=bool(playlist.get("collaborative")), readable=readable,
                unreadable_reason=None if readable else UNREADABLE_REASON, remote_total=_total(playlist),
            ), playlist.get("snapshot_id")))
        offset += PAGE_LIMIT
        if offset >= (page.get("total") or 0) or not page.get("items"):
            return records
