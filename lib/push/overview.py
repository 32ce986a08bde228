"""Every enabled rule's target at a glance: link, last push, and a plan (fresh or from our last push)."""

from __future__ import annotations

from dataclasses import dataclass

from lib.errors import AutoPlaylistsError
from lib.push.plan import PlaylistItem, PushPlan, plan_push
from lib.push.targets import RuleTarget, enabled_rules, target_for
from lib.store import push_store
from lib.store.push_store import PlaylistLink


@dataclass(frozen=True)
class RulePlan:
    """One rule's push outlook. `based_on`: 'spotify' (read now), 'last push' or 'new playlist'."""

    rule_id: str
    name: str
    target: RuleTarget | None
    link: PlaylistLink | None
    plan: PushPlan | None
    based_on: str
    error: str | None = None


def build_rule_based_playlists(library, now=None, client=None) -> list[RulePlan]:
    """Plans for all enabled rules. With a client each linked playlist is read fresh from Spotify;
    without one the plan is against what our last push left there (no network, no quota)."""
    from lib.push.service import preview_push

    links = push_store.list_links(library)
    out: list[RulePlan] = []
    for stored in enabled_rules(library):
        link = links.get(stored.rule_id)
        try:
            target = target_for(library, stored, now)
            if client is not None:
                preview = preview_push(library, client, stored.rule_id, target=target)
                out.append(RulePlan(stored.rule_id, stored.name, target, link, preview.plan, "spotify"))
                continue
            current: list[PlaylistItem] = []
            based_on = "new playlist"
            if link is not None:
                last = push_store.last_done_push(library, stored.rule_id, link.playlist_id)
                current = [PlaylistItem(u) for u in (last.after_uris if last else [])]
                based_on = "last push" if last else "linked, not read yet"
            plan = plan_push(current, target.uris, target.sorted)
            out.append(RulePlan(stored.rule_id, stored.name, target, link, plan, based_on))
        except AutoPlaylistsError as exc:
            out.append(RulePlan(stored.rule_id, stored.name, None, link, None, "error", str(exc)))
    return out
