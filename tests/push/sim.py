"""A list model of Spotify's playlist writes, to check plans without a server."""

from __future__ import annotations

from lib.push.moves import apply_move


def simulate(before, ops) -> list:
    """Apply a plan's write ops to a list of uris exactly as Spotify would."""
    items = list(before)
    for op in ops:
        if op.kind == "remove":
            gone = set(op.uris)
            items = [u for u in items if u not in gone]
        elif op.kind == "add":
            pos = len(items) if op.position is None else op.position
            assert 0 <= pos <= len(items)
            items[pos:pos] = list(op.uris)
        elif op.kind == "move":
            apply_move(items, op.move)
        else:
            raise AssertionError(op.kind)
    return items
