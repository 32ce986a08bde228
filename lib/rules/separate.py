"""Artist separation: reorder a playlist so no two tracks within K positions share an artist.

A post-step on the ordered tracks (after sort, dedupe, caps and limit): it walks the positions and puts
there the earliest remaining track whose artist is not among the last K placed — except when an artist
has so many tracks left that, to fit at all, one of them must come now. Tracks already far enough
apart stay where they are. When no order fits (one artist has too many of the tracks), the best order
found is kept and the number of tracks still too close is reported. Deterministic.
"""

from __future__ import annotations

import heapq
from collections import defaultdict, deque
from dataclasses import dataclass


@dataclass(frozen=True)
class Separation:
    order: list[int]          # positions into the input, in the new order
    too_close: int            # tracks that still have a same-artist track within K before them
    moved: int                # tracks not at their old position


def too_close(artists: list, k: int) -> int:
    """How many tracks have a track by the same artist among the K before them (None never clashes)."""
    count = 0
    for i, artist in enumerate(artists):
        if artist is not None and artist in artists[max(0, i - k):i]:
            count += 1
    return count


def separate(artists: list, k: int) -> Separation:
    """The new order of tracks whose (first, folded) artists are `artists`; None means unknown (no clash)."""
    n = len(artists)
    keys = [a if a is not None else ("", i) for i, a in enumerate(artists)]
    queues: dict = defaultdict(deque)
    for i, key in enumerate(keys):
        queues[key].append(i)
    buckets: dict[int, set] = defaultdict(set)    # remaining count → artists
    for key, queue in queues.items():
        buckets[len(queue)].add(key)
    top = max(buckets, default=0)
    heap = [(queue[0], key) for key, queue in queues.items()]
    heapq.heapify(heap)
    recent: deque = deque()
    order: list[int] = []
    for placed in range(n):
        left = n - placed
        while top and not buckets[top]:
            top -= 1
        blocked = set(recent)
        pick = None
        if top >= 2 and (top - 1) * (k + 1) + len(buckets[top]) >= left:
            # Tight: an artist with the most tracks left must take this slot for the rest to fit.
            free = [key for key in buckets[top] if key not in blocked]
            if free:
                pick = min(free, key=lambda key: queues[key][0])
        if pick is None:
            parked = []
            while heap:
                index, key = heapq.heappop(heap)
                if not queues[key] or queues[key][0] != index:
                    continue          # stale: that artist's next track was placed out of turn
                if key in blocked:
                    parked.append((index, key))
                    continue
                pick = key
                heapq.heappush(heap, (index, key))
                break
            for item in parked:
                heapq.heappush(heap, item)
            if pick is None:          # every artist left is too recent: keep the sort here
                pick = min((queues[key][0], key) for key in blocked if queues[key])[1]
        queue = queues[pick]
        order.append(queue.popleft())
        buckets[len(queue) + 1].discard(pick)
        if queue:
            buckets[len(queue)].add(pick)
            heapq.heappush(heap, (queue[0], pick))
        recent.append(pick)
        if len(recent) > k:
            recent.popleft()
    new = [artists[i] for i in order]
    return Separation(order, too_close(new, k), sum(1 for pos, i in enumerate(order) if pos != i))
