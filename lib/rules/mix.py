"""Mixing parts: quotas from several ordered track lists, in turn or in blocks, never a track twice.

Each part offers its rule's tracks in that rule's order. `in_turn` takes one track from each part in
turn (A, B, C, A, B, C…), `in_blocks` takes each part's quota in one block (all of A, then B, then C).
A track an earlier pick already took is skipped. A part that runs dry before its quota gives fewer;
with `fill`, the parts that still have tracks give the missing ones (in turn for `in_turn`, in part
order after the blocks for `in_blocks`). Pure and deterministic: the same lists give the same mix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class PartResult:
    """What one part gave and why it gave fewer than its quota."""

    label: str
    quota: int
    offered: int       # tracks its rule returned
    given: int         # tracks it gave towards its quota
    extra: int         # tracks it gave filling in for dry parts
    taken: int         # of its tracks, how many were skipped because another part had taken them

    @property
    def reason(self) -> str:
        if self.given >= self.quota:
            return f"gave {self.given} of {self.quota}" + (f" (+{self.extra} filling in)" if self.extra else "")
        why = []
        if self.offered < self.quota:
            why.append(f"its rule has only {self.offered} track{'s' if self.offered != 1 else ''}")
        if self.taken:
            why.append(f"{self.taken} of its tracks were already taken by other parts")
        return f"gave {self.given} of {self.quota}: {'; '.join(why)}"


def quotas(counts: list[int | None], shares: list[float | None], total: int | None) -> list[int]:
    """Each part's quota: its `tracks`, or its share of `total` (largest remainders, ties by part order)."""
    raw = [share * total if share is not None else 0.0 for share in shares]
    out = [int(c) if c is not None else math.floor(r) for c, r in zip(counts, raw, strict=True)]
    spare = round(sum(raw)) - sum(math.floor(r) for r in raw)
    by_remainder = sorted((i for i, s in enumerate(shares) if s is not None),
                          key=lambda i: (-(raw[i] - math.floor(raw[i])), i))
    for i in by_remainder[:max(0, spare)]:
        out[i] += 1
    return out


class _Part:
    def __init__(self, ids: list[str], quota: int):
        self.ids, self.quota, self.at, self.given, self.extra, self.taken = ids, quota, 0, 0, 0, 0

    def next(self, used: set) -> str | None:
        """The part's next track nobody has taken, or None when it is dry."""
        while self.at < len(self.ids):
            track = self.ids[self.at]
            self.at += 1
            if track not in used:
                return track
            self.taken += 1
        return None


def combine(lists: list[list[str]], part_quotas: list[int], mode: str = "in_turn", fill: bool = True,
            labels: list[str] | None = None) -> tuple[list[str], list[PartResult]]:
    """The mixed track ids and, per part, what it gave."""
    parts = [_Part(ids, q) for ids, q in zip(lists, part_quotas, strict=True)]
    used: set[str] = set()
    out: list[str] = []
    dry: set[int] = set()

    def take(i: int, extra: bool) -> bool:
        track = parts[i].next(used)
        if track is None:
            dry.add(i)
            return False
        used.add(track)
        out.append(track)
        if extra:
            parts[i].extra += 1
        else:
            parts[i].given += 1
        return True

    if mode == "in_blocks":
        for i, part in enumerate(parts):
            while part.given < part.quota and take(i, False):
                pass
    else:
        while any(p.given < p.quota and i not in dry for i, p in enumerate(parts)):
            for i, part in enumerate(parts):
                if part.given < part.quota and i not in dry:
                    take(i, False)
    missing = sum(p.quota - p.given for p in parts) if fill else 0
    while missing > 0 and len(dry) < len(parts):
        for i in range(len(parts)):
            while missing > 0 and i not in dry and take(i, True):
                missing -= 1
                if mode != "in_blocks":
                    break
    labels = labels or [f"part {i + 1}" for i in range(len(parts))]
    return out, [PartResult(label, p.quota, len(p.ids), p.given, p.extra, p.taken)
                 for label, p in zip(labels, parts, strict=True)]
