"""Generated listening history for the demo: seeded plays over the year before REFERENCE_TIME, top lists from them."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

from lib.demo.generate import DemoData
from lib.demo.sources import REFERENCE_TIME
from lib.store.listening_store import TERMS, Play

TERM_DAYS = {"short_term": 28, "medium_term": 182, "long_term": 365}   # Spotify: ~4 weeks, ~6 months, ~1 year
TOP_SIZE = 50


def demo_plays(data: DemoData, seed: int) -> list[Play]:
    """About a fifth of the tracks get played, favourites often and lately; a few in no source at all."""
    r = random.Random(seed + 15)
    liked = {m.track_id for s in data.sources if s.record.kind == "liked" for m in s.members}
    ids = [t.track_id for t in data.tracks]
    played = r.sample(ids, k=max(1, len(ids) // 5))
    plays = []
    for rank, track_id in enumerate(played):
        fondness = 1.0 / (1 + rank / 40)                        # a few favourites, a long tail
        count = 1 + int(r.paretovariate(1.6) * 6 * fondness * (1.5 if track_id in liked else 1))
        recent = r.random() < 0.35                               # some tracks are current obsessions
        for _ in range(min(count, 120)):
            days = r.expovariate(1 / 12) if recent else r.uniform(0, 365)
            moment = REFERENCE_TIME - timedelta(days=min(days, 365), seconds=r.randrange(86_400))
            plays.append(Play(track_id, moment.replace(microsecond=0), "playlist" if r.random() < 0.6 else "album"))
    return sorted(set(plays), key=lambda p: (p.played_at, p.track_id))


def demo_top(plays: list[Play]) -> dict[str, list[str]]:
    """Each term's top 50, by plays within it (as Spotify would rank them)."""
    tops = {}
    for term in TERMS:
        since = REFERENCE_TIME - timedelta(days=TERM_DAYS[term])
        counts = Counter(p.track_id for p in plays if p.played_at >= since)
        tops[term] = [t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_SIZE]]
    return tops
