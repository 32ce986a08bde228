"""The pure push planner: current playlist items + the rule's ordered tracks → the fewest write calls.

Policy (documented in the README):
- Only ``spotify:track:`` items are ever touched. Local files (Spotify's API cannot remove them),
  podcast episodes and unavailable items (``uri`` missing) are kept; unsorted rules leave them
  where they are, sorted rules gather them after the rule's tracks.
- Tracks that stay are never removed and re-added, so they keep their "date added".
- Overwrite (default): every other track that is not in the rule is removed. A rule track the
  playlist holds more than once is collapsed to one copy: Spotify deletes every occurrence of a
  URI, so it is removed and added back once (only that track's "date added" resets).
- Merge: only tracks our own last push put there (``owned_uris``) and the rule no longer selects
  are removed; outside additions and duplicates stay.
- Unsorted rules: order is left alone, new tracks are appended at the end. Sorted rules: new
  tracks are inserted near their place and the order is fixed with the fewest range moves.
- At most 10,000 items (Spotify's limit): the rule's list is cut with a warning.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lib.push.moves import RangeMove, apply_move, plan_moves

MAX_PLAYLIST_ITEMS = 10_000
BATCH = 100
TRACK_PREFIX = "spotify:track:"


@dataclass(frozen=True)
class PlaylistItem:
    """One entry of a playlist as read from Spotify."""

    uri: str | None
    added_at: str | None = None
    is_local: bool = False
    name: str | None = None

    @property
    def touchable(self) -> bool:
        """True for Spotify tracks; local files, episodes and unavailable items are never edited."""
        return bool(self.uri) and not self.is_local and self.uri.startswith(TRACK_PREFIX)


@dataclass(frozen=True)
class WriteOp:
    """One write call: 'remove' (uris), 'add' (uris at position; None appends) or 'move'."""

    kind: str
    uris: tuple[str, ...] = ()
    position: int | None = None
    move: RangeMove | None = None


@dataclass(frozen=True)
class PushPlan:
    """What a push will change, and the write calls that do it."""

    before: tuple[str | None, ...]
    after: tuple[str | None, ...]
    desired: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    kept: tuple[str, ...]
    kept_outside: tuple[str | None, ...]
    ops: tuple[WriteOp, ...]
    sorted: bool
    merge: bool
    warnings: tuple[str, ...] = field(default=())

    @property
    def moves(self) -> int:
        return sum(1 for op in self.ops if op.kind == "move")

    @property
    def write_calls(self) -> int:
        return len(self.ops)

    @property
    def is_noop(self) -> bool:
        return not self.ops

    def summary(self) -> str:
        return (f"+{len(self.added)} added, -{len(self.removed)} removed, {self.moves} moves, "
                f"{len(self.kept)} unchanged, {len(self.kept_outside)} outside kept; "
                f"{self.write_calls} write calls")


def expected_write_calls(adds: int, removes: int, moves: int = 0) -> int:
    """ceil(adds/100) + ceil(removes/100) + moves: the contract every plan meets."""
    return math.ceil(adds / BATCH) + math.ceil(removes / BATCH) + moves


def _batches(uris: Sequence[str]) -> list[tuple[str, ...]]:
    return [tuple(uris[i:i + BATCH]) for i in range(0, len(uris), BATCH)]


def _unique(uris: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for u in uris:
        if u not in seen:
            seen.add(u)
            out.append(u)
    return out


def _diff(items: Sequence[PlaylistItem], desired: list[str], merge: bool, owned: set[str] | None):
    """Removal set, surviving item indexes, and additions (desired order)."""
    counts = Counter(it.uri for it in items if it.touchable)
    wanted = set(desired)
    if merge:
        owned = owned or set()
        remove = [u for u in counts if u not in wanted and u in owned]
    else:
        remove = [u for u in counts if u not in wanted or counts[u] > 1]
    remove_set = set(remove)
    survivors = [i for i, it in enumerate(items) if not (it.touchable and it.uri in remove_set)]
    present = {items[i].uri for i in survivors if items[i].touchable}
    adds = [u for u in desired if u not in present]
    return remove, survivors, adds


def plan_push(current_items: Sequence[PlaylistItem], desired_uris: Sequence[str], sorted: bool, *,
              merge: bool = False, owned_uris: Iterable[str] | None = None,
              max_items: int = MAX_PLAYLIST_ITEMS) -> PushPlan:
    """Diff the playlist against the rule's ordered tracks; see the module docstring for the policy."""
    items = list(current_items)
    warnings: list[str] = []
    raw = _unique(desired_uris)
    desired = [u for u in raw if u.startswith(TRACK_PREFIX)]
    if len(desired) < len(raw):
        warnings.append(f"{len(raw) - len(desired)} non-track items in the rule's result were skipped.")
    owned = set(owned_uris) if owned_uris is not None else None
    full = len(desired)
    limit = min(full, max_items)
    while True:  # outside items that stay count against Spotify's 10,000-item limit too
        desired = desired[:limit]
        remove, survivors, adds = _diff(items, desired, merge, owned)
        total = len(survivors) + len(adds)
        if total <= max_items or limit == 0:
            break
        limit = max(0, limit - (total - max_items))
    if len(desired) < full:
        warnings.append(f"The rule selects {full} tracks; Spotify playlists hold at most {max_items} items, "
                        f"so only the first {len(desired)} are pushed.")

    wanted = set(desired)
    first_idx: dict[str, int] = {}  # the copy of each rule track that stays (duplicates only in merge mode)
    for i in survivors:
        if items[i].touchable and items[i].uri in wanted:
            first_idx.setdefault(items[i].uri, i)
    rule_idx = set(first_idx.values())
    outside_idx = [i for i in survivors if i not in rule_idx]
    ops = [WriteOp("remove", b) for b in _batches(remove)]

    if not sorted:
        after = [items[i].uri for i in survivors] + adds
        ops += [WriteOp("add", b) for b in _batches(adds)]
    else:
        # Tokens: ("old", index) for surviving items, ("new", uri) for additions.
        target = [("old", first_idx[u]) if u in first_idx else ("new", u) for u in desired]
        target += [("old", i) for i in outside_idx]
        live = [("old", i) for i in survivors]
        target_rank = {t: k for k, t in enumerate(target)}
        for batch in _batches(adds):
            first = target_rank[("new", batch[0])]
            live_set = set(live)
            pos = 0
            for k in range(first - 1, -1, -1):  # right after the nearest earlier target token present now
                if target[k] in live_set:
                    pos = live.index(target[k]) + 1
                    break
            live[pos:pos] = [("new", u) for u in batch]
            ops.append(WriteOp("add", batch, position=pos))
        ops += [WriteOp("move", move=m) for m in plan_moves(live, target)]
        after = [items[t[1]].uri if t[0] == "old" else t[1] for t in target]

    return PushPlan(
        before=tuple(it.uri for it in items),
        after=tuple(after),
        desired=tuple(desired),
        added=tuple(adds),
        removed=tuple(remove),
        kept=tuple(u for u in desired if u in first_idx),
        kept_outside=tuple(items[i].uri for i in outside_idx),
        ops=tuple(ops),
        sorted=sorted,
        merge=merge,
        warnings=tuple(warnings),
    )


def simulate(before: Sequence[str | None], ops: Sequence[WriteOp]) -> list[str | None]:
    """Apply write ops to a list of uris exactly as Spotify does (a removal drops every occurrence)."""
    result = list(before)
    for op in ops:
        if op.kind == "remove":
            gone = set(op.uris)
            result = [u for u in result if u not in gone]
        elif op.kind == "add":
            pos = len(result) if op.position is None else op.position
            result[pos:pos] = list(op.uris)
        else:
            apply_move(result, op.move)
    return result
