"""Push: rule results to Spotify playlists with minimal edits, history and restore."""

from lib.push.apply import (
    ApplyResult,
    PushInterrupted,
    PushNeedsDecision,
    PushRefused,
    apply_plan,
    playlist_description,
)
from lib.push.history import link_playlist, preview_restore, push_history, release_playlist, restore_push
from lib.push.moves import RangeMove, plan_moves
from lib.push.overview import RulePlan, build_rule_based_playlists
from lib.push.plan import (
    MAX_PLAYLIST_ITEMS,
    PlaylistItem,
    PushPlan,
    WriteOp,
    expected_write_calls,
    plan_push,
    simulate,
)
from lib.push.service import PushOutcome, PushPreview, find_adoptable, preview_push, push_all, push_rule
from lib.push.targets import NotPushable, RuleTarget, target_for

__all__ = [
    "MAX_PLAYLIST_ITEMS", "ApplyResult", "NotPushable", "PlaylistItem", "PushInterrupted", "PushNeedsDecision",
    "PushOutcome", "PushPlan", "PushPreview", "PushRefused", "RangeMove", "RulePlan", "RuleTarget", "WriteOp",
    "apply_plan", "build_rule_based_playlists", "expected_write_calls", "find_adoptable", "link_playlist",
    "plan_moves", "plan_push", "playlist_description", "preview_push", "preview_restore", "push_all", "push_history",
    "push_rule", "release_playlist", "restore_push", "simulate", "target_for",
]
