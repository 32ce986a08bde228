"""Push history, restoring an earlier version, hand-linking a playlist and letting go of one."""

from __future__ import annotations

from dataclasses import dataclass

from lib.push import remote
from lib.push.apply import PushRefused, check_writable
from lib.push.plan import TRACK_PREFIX, PushPlan, plan_push
from lib.push.service import PushOutcome, PushPreview, _execute, read_linked
from lib.push.targets import target_for
from lib.spotify.errors import SpotifyApiError
from lib.store import push_store
from lib.store.push_store import PushRecord


@dataclass(frozen=True)
class RestorePreview:
    record: PushRecord
    version: str                 # 'after' (the playlist as that push left it) | 'before' (as it was before)
    preview: PushPreview
    plan: PushPlan


def push_history(library, rule_id: str) -> list[PushRecord]:
    """Newest first."""
    return push_store.list_pushes(library, rule_id)


def _record(library, rule_id: str, push_id: int) -> PushRecord:
    record = push_store.get_push(library, push_id)
    if record is None or record.rule_id != rule_id:
        raise PushRefused(f"Push {push_id} is not in the history of rule {rule_id!r}.")
    return record


def preview_restore(library, client, rule_id: str, push_id: int, *, version: str = "after") -> RestorePreview:
    """Plan putting the playlist back to how push `push_id` left it (or found it, version='before')."""
    if version not in ("after", "before"):
        raise ValueError("version must be 'after' or 'before'")
    record = _record(library, rule_id, push_id)
    link = push_store.get_link(library, rule_id)
    if link is None or link.playlist_id != record.playlist_id:
        raise PushRefused(f"Push {push_id} went to playlist {record.playlist_id}, which is no longer linked to "
                          f"rule {rule_id!r}; it is not modified.")
    state = read_linked(client, link, library)
    check_writable(link, link.playlist_id, state, client.me()["id"])
    uris = record.after_uris if version == "after" else record.before_uris
    # Local files and episodes cannot be re-added; they are kept if still there (same policy as a push).
    wanted = [u for u in uris if u and u.startswith(TRACK_PREFIX)]
    plan = plan_push(state.items, wanted, True)
    target = target_for(library, rule_id)
    changed = link.last_snapshot_id is not None and state.snapshot_id != link.last_snapshot_id
    preview = PushPreview(target, link, state, plan, plan, plan, changed)
    return RestorePreview(record, version, preview, plan)


def restore_push(library, client, rule_id: str, push_id: int, *, version: str = "after", dry_run: bool = False,
                 progress=None) -> PushOutcome:
    """Restore an earlier version with the same minimal-diff writes; recorded as a 'restore' push."""
    restore = preview_restore(library, client, rule_id, push_id, version=version)
    outcome = PushOutcome(restore.preview, restore.plan, "restore", dry_run, playlist_id=restore.record.playlist_id,
                          messages=[f"restoring the playlist as it was {version} push {push_id}"])
    if dry_run:
        return outcome
    preview = restore.preview
    return _execute(library, client, preview.target, preview.link, preview.state, restore.plan, "restore", outcome,
                    progress)


def link_playlist(library, client, rule_id: str, playlist_id: str, *, confirmed: bool) -> push_store.PlaylistLink:
    """Let a rule manage an existing playlist of yours. Needs an explicit confirmation: pushes will
    remove every track the rule does not select (merge keeps them)."""
    target_for(library, rule_id)                      # the rule must exist
    if not confirmed:
        raise PushRefused(f"Linking playlist {playlist_id} hands it over to rule {rule_id!r}: its next push removes "
                          "the tracks the rule does not select (unless you merge). Confirm to link (CLI: --yes).")
    try:
        state = remote.read_playlist(client, playlist_id)
    except SpotifyApiError as exc:
        raise PushRefused(f"Cannot read playlist {playlist_id}: {exc}") from exc
    check_writable(push_store.PlaylistLink(rule_id, playlist_id, state.name, False, None, None, None, None),
                   playlist_id, state, client.me()["id"])
    for other, link in push_store.list_links(library).items():
        if link.playlist_id == playlist_id and other != rule_id:
            raise PushRefused(f"Playlist {state.name!r} is already managed by rule {other!r}.")
    push_store.save_link(library, rule_id, playlist_id, state.name, created_by_app=False,
                         snapshot_id=state.snapshot_id)
    return push_store.get_link(library, rule_id)


def release_playlist(library, client, rule_id: str, *, unfollow: bool) -> str:
    """Forget a rule's playlist (when the rule is deleted); optionally unfollow (delete) it on Spotify.

    Only playlists the app created may be unfollowed; a hand-linked one is only unlinked.
    """
    link = push_store.get_link(library, rule_id)
    if link is None:
        return f"Rule {rule_id!r} has no playlist."
    if unfollow:
        if not link.created_by_app:
            raise PushRefused(f"Playlist {link.playlist_name!r} was not created by the app (you linked it), so "
                              "the app never deletes it; unlink it instead and delete it in Spotify if you want.")
        client.unfollow_playlist(link.playlist_id)
    push_store.delete_link(library, rule_id)
    what = "deleted (unfollowed) on Spotify" if unfollow else "left on Spotify as it is"
    return f"Playlist {link.playlist_name!r} is no longer managed by rule {rule_id!r}; it was {what}."
