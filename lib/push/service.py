"""Preview and push one rule: read the playlist fresh, diff, apply, record history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from lib.clock import stored_now
from lib.errors import AutoPlaylistsError
from lib.push import remote
from lib.push.apply import (
    PushInterrupted,
    PushNeedsDecision,
    PushRefused,
    apply_plan,
    check_writable,
    marker,
    playlist_description,
)
from lib.push.plan import PushPlan, plan_push
from lib.push.targets import RuleTarget, target_for
from lib.spotify.errors import QuotaExceeded, SpotifyApiError, SpotifyUnavailable
from lib.store import push_store
from lib.store.push_store import PlaylistLink

MODES = ("auto", "overwrite", "merge")


@dataclass(frozen=True)
class PushPreview:
    """Everything the page and CLI show before a push."""

    target: RuleTarget
    link: PlaylistLink | None
    state: remote.PlaylistState | None          # None: the playlist will be created
    plan: PushPlan                              # the plan for the chosen (or default) mode
    overwrite_plan: PushPlan
    merge_plan: PushPlan
    changed_on_spotify: bool                    # snapshot differs from the one after our last push
    adopted: bool = False                       # link found by the marker (an earlier create's answer was lost)

    @property
    def needs_decision(self) -> bool:
        """Changed outside and overwrite would drop something merge keeps."""
        return self.changed_on_spotify and self.overwrite_plan.ops != self.merge_plan.ops

    @property
    def write_calls(self) -> int:
        """The calls the push will make: the plan's, plus one to create the playlist if there is none."""
        return self.plan.write_calls + (0 if self.link else 1)

    @property
    def playlist_label(self) -> str:
        if self.link is None:
            return f"will be created: {self.target.name!r}"
        name = self.state.name if self.state else self.link.playlist_name
        how = "created by the app" if self.link.created_by_app else "linked by you"
        if self.adopted:
            how += ", found on Spotify by its marker and adopted"
        return f"{name!r} ({self.link.playlist_id}, {how})"


@dataclass(frozen=True)
class PushOutcome:
    preview: PushPreview
    plan: PushPlan
    mode: str
    dry_run: bool
    write_calls: int = 0
    push_id: int | None = None
    playlist_id: str | None = None
    messages: list[str] = field(default_factory=list)


def read_linked(client, link: PlaylistLink, library=None) -> remote.PlaylistState:
    known = None
    if library is not None:
        last = push_store.last_done_push(library, link.rule_id, link.playlist_id)
        known = (last.snapshot_after, last.after_uris) if last else None
    try:
        return remote.read_playlist(client, link.playlist_id, known)
    except SpotifyApiError as exc:
        if getattr(exc, "status", None) == 404:
            raise PushRefused(f"Playlist {link.playlist_name!r} ({link.playlist_id}) of rule {link.rule_id!r} no "
                              "longer exists on Spotify. Unlink the rule to let the next push create a new "
                              "playlist.") from exc
        raise


def find_adoptable(library, client, rule_id: str) -> tuple[PlaylistLink | None, remote.PlaylistState | None]:
    """A playlist an earlier push created for this rule but never linked (POST /me/playlists went through,
    its answer was lost): the user's own playlist whose description carries the rule's marker.

    Playlists we know (linked, or pushed to before) are skipped: one that was released ("leave it on
    Spotify") keeps its marker but must never be taken over again.
    """
    me = client.me()["id"]
    found = remote.find_marked_playlist(client, marker(rule_id), me, skip=push_store.known_playlist_ids(library))
    if found is None:
        return None, None
    state = remote.read_playlist(client, found["id"])
    link = PlaylistLink(rule_id, found["id"], state.name, True, None, None, None, None)
    check_writable(link, found["id"], state, me)
    return link, state


def preview_push(library, client, rule_id: str, *, mode: str = "auto", now=None,
                 target: RuleTarget | None = None) -> PushPreview:
    """Read the target playlist fresh and plan the push (no writes)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    target = target or target_for(library, rule_id, now)
    target.check_pushable()
    link = push_store.get_link(library, target.rule_id)
    state = None
    owned: set[str] = set()
    changed = adopted = False
    items = ()
    if link is not None:
        state = read_linked(client, link, library)
        check_writable(link, link.playlist_id, state, client.me()["id"])
        owned = push_store.owned_uris(library, target.rule_id, link.playlist_id)
        changed = link.last_snapshot_id is not None and state.snapshot_id != link.last_snapshot_id
        items = state.items
    else:
        link, state = find_adoptable(library, client, target.rule_id)
        adopted = link is not None
        items = state.items if state else ()
    overwrite = plan_push(items, target.uris, target.sorted)
    merge = plan_push(items, target.uris, target.sorted, merge=True, owned_uris=owned)
    chosen = merge if mode == "merge" else overwrite
    return PushPreview(target, link, state, chosen, overwrite, merge, changed, adopted)


def push_rule(library, client, rule_id: str, *, mode: str = "auto", dry_run: bool = False, now=None,
              progress: Callable[[int, int], None] | None = None, preview: PushPreview | None = None,
              target: RuleTarget | None = None) -> PushOutcome:
    """Push one rule. mode 'auto' refuses (PushNeedsDecision) when the playlist changed on Spotify and
    overwriting would drop outside additions; 'overwrite' or 'merge' decide. Without a `preview` the
    playlist is read fresh; a `target` (the rule's tracks as previewed) saves evaluating the rule again."""
    preview = preview or preview_push(library, client, rule_id, mode=mode, now=now, target=target)
    if mode == "auto" and preview.needs_decision and not dry_run:
        extra = set(preview.overwrite_plan.removed) - set(preview.merge_plan.removed)
        raise PushNeedsDecision(
            f"Playlist {preview.playlist_label} of rule {preview.target.rule_id!r} changed on Spotify since the "
            f"last push ({len(extra)} tracks added "
            "outside the app would be removed). Choose: overwrite (make it exactly the rule) or merge (keep the "
            "outside additions) — CLI: --overwrite or --merge.")
    plan = preview.plan
    kind = "merge" if mode == "merge" else "push"
    messages = list(plan.warnings)
    if preview.adopted:
        messages.insert(0, f"Playlist {preview.link.playlist_name!r} ({preview.link.playlist_id}) carries rule "
                           f"{preview.target.rule_id!r}'s marker: an earlier push created it but Spotify's answer was "
                           "lost. It is used instead of creating another playlist.")
    outcome = PushOutcome(preview, plan, mode, dry_run, playlist_id=preview.link.playlist_id if preview.link else None,
                          messages=messages)
    if dry_run:
        return outcome
    return _execute(library, client, preview.target, preview.link, preview.state, plan, kind, outcome, progress)


def _execute(library, client, target: RuleTarget, link, state, plan: PushPlan, kind: str, outcome: PushOutcome,
             progress) -> PushOutcome:
    extra_calls = 0
    if outcome.preview.adopted and push_store.get_link(library, target.rule_id) is None:
        push_store.save_link(library, target.rule_id, link.playlist_id, link.playlist_name, created_by_app=True)
        link = push_store.get_link(library, target.rule_id)
    if link is not None and plan.is_noop:
        last = push_store.last_done_push(library, target.rule_id, link.playlist_id)
        if last is not None and last.snapshot_after == state.snapshot_id:
            # Nothing changed anywhere: no history row for cron's no-op runs.
            push_store.mark_up_to_date(library, target.rule_id, state.snapshot_id, stored_now())
            return PushOutcome(outcome.preview, plan, outcome.mode, False, 0, None, link.playlist_id,
                               outcome.messages)
        # Changed on Spotify but nothing to do: record the state, so later pushes know it.
    if link is None:
        try:
            playlist_id, snapshot = remote.create_playlist(client, target.name,
                                                           playlist_description(target.rule_id, target.description))
        except AutoPlaylistsError as exc:
            maybe = (" Spotify may have created it anyway: the next push finds it by the marker in its description "
                     "and uses it instead of creating another." if isinstance(exc, SpotifyUnavailable) else "")
            raise PushInterrupted(f"Creating playlist {target.name!r} for rule {target.rule_id!r} failed: {exc}{maybe}",
                                  write_calls=0, snapshot_id=None, after=[], cause=exc) from exc
        extra_calls = 1
        # Keep the link at once: if the pushes below fail, the next push resumes into this playlist.
        push_store.save_link(library, target.rule_id, playlist_id, target.name, created_by_app=True)
        link = push_store.get_link(library, target.rule_id)
        before_snapshot = None
    else:
        playlist_id, snapshot = link.playlist_id, state.snapshot_id
        before_snapshot = state.snapshot_id
    record = dict(rule_id=target.rule_id, playlist_id=playlist_id, rule_version=target.version, kind=kind,
                  before_uris=plan.before, snapshot_before=before_snapshot, added=len(plan.added),
                  removed=len(plan.removed), moved=plan.moves)
    try:
        result = apply_plan(client, plan, link=link, playlist_id=playlist_id, snapshot_id=snapshot,
                            progress=progress)
    except PushInterrupted as exc:
        push_store.record_push(library, **record, status="partial", after_uris=exc.after,
                               snapshot_after=exc.snapshot_id, write_calls=exc.write_calls + extra_calls,
                               message=str(exc.cause), pushed_at=stored_now())
        raise
    push_id = push_store.record_push(library, **record, status="done", after_uris=plan.after,
                                     snapshot_after=result.snapshot_id, write_calls=result.write_calls + extra_calls,
                                     message=plan.summary(), pushed_at=stored_now())
    return PushOutcome(outcome.preview, plan, outcome.mode, False, result.write_calls + extra_calls, push_id,
                       playlist_id, outcome.messages)


def push_all(library, client, *, mode: str = "auto", dry_run: bool = False, now=None) -> list[PushOutcome | Exception]:
    """Push every enabled rule; one rule's failure (whatever it is) is reported in its place and does not
    stop the others. Each error carries `rule_id`."""
    from lib.push.targets import enabled_rules

    results: list[PushOutcome | Exception] = []
    for stored in enabled_rules(library):
        try:
            target = target_for(library, stored, now)
            preview = preview_push(library, client, target.rule_id, mode=mode, target=target)
            results.append(push_rule(library, client, target.rule_id, mode=mode, dry_run=dry_run, preview=preview))
        except Exception as exc:  # noqa: BLE001 - reported per rule by the caller; the cron push goes on
            exc.rule_id = stored.rule_id
            results.append(exc)
            if isinstance(exc, QuotaExceeded) or isinstance(getattr(exc, "cause", None), QuotaExceeded):
                break  # every further call would fail too
    return results
