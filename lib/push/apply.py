"""Carry out a PushPlan on Spotify: the only place that writes, and only to playlists we may write."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lib.errors import AutoPlaylistsError
from lib.push import remote
from lib.push.plan import PushPlan, simulate
from lib.store.push_store import PlaylistLink

MARKER = "[auto-playlists:{rule_id}]"


class PushRefused(AutoPlaylistsError):
    """The playlist may not be written (not created by the app, not linked, not owned...)."""


class PushNeedsDecision(AutoPlaylistsError):
    """The playlist changed on Spotify since our last push: overwrite or merge must be chosen."""


class PushInterrupted(AutoPlaylistsError):
    """Some write calls were made, then Spotify stopped us; the next push finishes from a fresh diff."""

    def __init__(self, message: str, *, write_calls: int, snapshot_id: str | None, after: list, cause: Exception):
        super().__init__(message)
        self.write_calls, self.snapshot_id, self.after, self.cause = write_calls, snapshot_id, after, cause


@dataclass(frozen=True)
class ApplyResult:
    write_calls: int
    snapshot_id: str | None


def marker(rule_id: str) -> str:
    return MARKER.format(rule_id=rule_id)


def playlist_description(rule_id: str, description: str) -> str:
    """The rule's description plus the marker, within Spotify's 300 characters."""
    tag = marker(rule_id)
    text = " ".join((description or "Auto playlist").split())
    return f"{text[:300 - len(tag) - 1]} {tag}"


def check_writable(link: PlaylistLink | None, playlist_id: str, state: remote.PlaylistState | None,
                   user_id: str | None) -> None:
    """Refuse unless the app created the playlist or the user linked it with a confirmation, and we own it."""
    if link is None or link.playlist_id != playlist_id:
        whose = f"to rule {link.rule_id!r}" if link is not None else "to a rule"
        raise PushRefused(f"Playlist {playlist_id} was neither created by this app nor linked {whose} by you; "
                          "it is never modified. Link it first (with confirmation) if you want a rule to manage it.")
    if state is not None and ((user_id is not None and state.owner_id != user_id and not state.collaborative)
                              or not state.readable):
        raise PushRefused(f"Playlist {state.name!r} ({playlist_id}) of rule {link.rule_id!r} belongs to "
                          f"{state.owner_id}, not to you; Spotify only lets its owner change it; nothing is written.")


def apply_plan(client, plan: PushPlan, *, link: PlaylistLink | None, playlist_id: str,
               snapshot_id: str | None = None, progress: Callable[[int, int], None] | None = None) -> ApplyResult:
    """Make the plan's write calls in order; raise PushInterrupted when Spotify stops us halfway.

    Additions and moves are sent with idempotent=False, so the client never repeats them after
    an ambiguous failure; resuming means planning again from the playlist's fresh contents.
    """
    check_writable(link, playlist_id, None, None)
    done = 0
    total = plan.write_calls
    for op in plan.ops:
        try:
            if op.kind == "remove":
                snap = remote.remove_items(client, playlist_id, op.uris)
            elif op.kind == "add":
                snap = remote.add_items(client, playlist_id, op.uris, op.position)
            else:
                snap = remote.move_items(client, playlist_id, op.move)
        except Exception as exc:  # typed Spotify errors, and anything unexpected: record what was done
            after = simulate(plan.before, plan.ops[:done])
            raise PushInterrupted(
                f"Push of rule {link.rule_id!r} to playlist {link.playlist_name or playlist_id!r} stopped after "
                f"{done} of {total} write calls: {exc} Nothing is lost: pushing again re-reads the playlist and "
                "finishes the job without duplicating tracks.",
                write_calls=done, snapshot_id=snapshot_id, after=after, cause=exc) from exc
        done += 1
        snapshot_id = snap or snapshot_id
        if progress:
            progress(done, total)
    return ApplyResult(done, snapshot_id)
