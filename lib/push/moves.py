"""Minimal reorders: keep a longest increasing subsequence in place, move the rest with range moves."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class RangeMove:
    """One `PUT …/items` reorder, in Spotify's terms (positions before the move)."""

    range_start: int
    range_length: int
    insert_before: int


def longest_increasing_subsequence(values: Sequence[int]) -> set[int]:
    """Indexes (into ``values``) of one longest strictly increasing subsequence, O(n log n)."""
    tails: list[int] = []          # tails[k] = index of the smallest tail of an increasing run of length k+1
    tail_values: list[int] = []
    parent = [-1] * len(values)
    for i, v in enumerate(values):
        k = bisect_left(tail_values, v)
        if k > 0:
            parent[i] = tails[k - 1]
        if k == len(tails):
            tails.append(i)
            tail_values.append(v)
        else:
            tails[k] = i
            tail_values[k] = v
    keep: set[int] = set()
    i = tails[-1] if tails else -1
    while i != -1:
        keep.add(i)
        i = parent[i]
    return keep


def apply_move(items: list, move: RangeMove) -> None:
    """Reorder ``items`` in place exactly as Spotify applies a range move."""
    start, length, before = move.range_start, move.range_length, move.insert_before
    block = items[start:start + length]
    del items[start:start + length]
    dest = before - length if before > start else before
    items[dest:dest] = block


def plan_moves(current: Sequence[Hashable], target: Sequence[Hashable]) -> list[RangeMove]:
    """Range moves that turn ``current`` into ``target`` (same tokens, unique), few as possible.

    Tokens in a longest run already in target order stay put; every other token is moved
    right behind its predecessor in ``target``, and neighbours that travel together (adjacent
    now and adjacent in the target) share one move.
    """
    if list(current) == list(target):
        return []
    rank = {tok: i for i, tok in enumerate(target)}
    if len(rank) != len(target) or set(current) != set(rank) or len(current) != len(target):
        raise ValueError("current and target must hold the same unique tokens")
    ranks = [rank[tok] for tok in current]
    fixed = {current[i] for i in longest_increasing_subsequence(ranks)}
    items = list(current)
    pos = {tok: i for i, tok in enumerate(items)}
    moves: list[RangeMove] = []
    i = 0
    while i < len(target):
        tok = target[i]
        if tok in fixed:
            i += 1
            continue
        # Extend the run while the next target token is also unplaced and sits right after it now.
        j = i
        while (j + 1 < len(target) and target[j + 1] not in fixed
               and pos[target[j + 1]] == pos[target[j]] + 1):
            j += 1
        start, length = pos[tok], j - i + 1
        before = 0 if i == 0 else pos[target[i - 1]] + 1
        if before != start:  # already in place after earlier moves: nothing to do
            move = RangeMove(start, length, before)
            apply_move(items, move)
            moves.append(move)
            lo = min(start, before - length if before > start else before)
            hi = max(start + length, before)
            for k in range(lo, min(hi, len(items))):
                pos[items[k]] = k
        fixed.update(target[i:j + 1])
        i = j + 1
    return moves
