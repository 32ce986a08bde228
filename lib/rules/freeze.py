"""Freezing a rule: its current playlist becomes a new rule holding that fixed track list."""

from __future__ import annotations

from datetime import UTC, datetime

from lib.errors import AutoPlaylistsError
from lib.rules.engine import ordered_track_ids
from lib.rules.models import PlaylistRuleSet, free_id


def frozen_rule(rule: PlaylistRuleSet, track_ids: list[str], taken: set[str], new_id: str | None = None,
                now: datetime | None = None) -> PlaylistRuleSet:
    """A rule whose playlist is exactly `track_ids`, named after `rule` (pure; `taken`: ids in use)."""
    day = (now or datetime.now(UTC)).strftime("%Y-%m-%d")
    if new_id is None:
        new_id = free_id(f"{rule.id[:50]}-frozen", taken)
    elif new_id in taken:
        raise AutoPlaylistsError(f"A rule with id {new_id!r} already exists.")
    return PlaylistRuleSet.model_validate({
        "id": new_id, "name": f"{rule.name[:80]} ({day})",
        "description": f"Frozen from rule {rule.id!r} on {day}: {len(track_ids)} tracks."[:300],
        "tracks": list(track_ids)})


def freeze_rule(library, rule_id: str, new_id: str | None = None, now=None) -> PlaylistRuleSet:
    """Save the current playlist of saved rule `rule_id` as a new fixed-list rule; return it."""
    from lib.rules import get_rule, list_rules, save_rule

    stored = get_rule(library, rule_id)
    if stored.rule is None:
        raise AutoPlaylistsError(f"Rule {rule_id!r} is invalid and cannot be frozen: {stored.errors[0]}")
    ids = ordered_track_ids(library, stored.rule, now)
    frozen = frozen_rule(stored.rule, ids, {s.rule_id for s in list_rules(library)}, new_id)
    save_rule(library, frozen)
    return frozen
