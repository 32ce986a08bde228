"""Benchmark: caps + artist separation and a 3-part mix over 100,000 generated tracks, next to the plain rule."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_rules import NOW, RULE, generate_library, timed  # noqa: E402
from lib.rules import ordered_track_ids, parse_rule, preview_rule, save_rule  # noqa: E402

RUNS = 9
BROAD = {"id": "broad", "name": "Broad", "match": {"conditions": [
    {"field": "energy", "operator": "gte", "value": 0.3}]}, "sort": [{"field": "popularity", "direction": "desc"}],
    "limit": {"tracks": 1000}}


def variants(plain: dict) -> dict[str, dict]:
    """The plain rule, with caps and separation, and a 3-part mix of rules like it (same total)."""
    limit = plain["limit"]["tracks"]
    return {
        "plain": plain,
        "max_per_artist 2 + separate_artists 3": {**plain, "max_per_artist": 2, "separate_artists": 3},
        "3-part mix in turn": {"id": "mix", "name": "Mix", "seed": 3, "limit": {"tracks": limit}, "mix": {
            "parts": [{"rule": "part-a", "share": 0.4}, {"rule": "part-b", "share": 0.3},
                      {"rule": "part-c", "share": 0.3}]}},
    }


def parts(plain: dict) -> list[dict]:
    """Three saved rules, each the plain rule with another order."""
    orders = [[{"field": "random"}], [{"field": "added_at", "direction": "desc"}],
              [{"field": "tempo", "direction": "asc"}]]
    return [{**plain, "id": f"part-{c}", "name": f"Part {c}", "sort": order} for c, order in zip("abc", orders,
                                                                                                  strict=True)]


def measure(library, plain: dict, label: str) -> None:
    for part in parts(plain):
        save_rule(library, part)
    rules = {name: parse_rule(data) for name, data in variants(plain).items()}
    times: dict[str, list[float]] = {name: [] for name in rules}
    sizes = {name: len(ordered_track_ids(library, rule, NOW)) for name, rule in rules.items()}
    for _ in range(RUNS):     # interleaved: a shared machine loads every variant alike
        for name, rule in rules.items():
            times[name].append(timed(lambda rule=rule: ordered_track_ids(library, rule, NOW)))
    preview_times = [timed(lambda: preview_rule(library, rules["3-part mix in turn"], NOW)) for _ in range(3)]
    base = statistics.median(times["plain"])
    print(f"\n{label}")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"  {name:40s} median {median:7.1f} ms  min {min(samples):7.1f}  {sizes[name]:>5} tracks"
              f"  ratio {median / base:4.2f} (target <= 3)")
    print(f"  3-part mix, whole preview (rows, figures, per-part counts): median "
          f"{statistics.median(preview_times):.1f} ms")


def main() -> None:
    start = time.perf_counter()
    library = generate_library("bench_model_")
    print(f"generated 100,000 tracks in {time.perf_counter() - start:.1f} s; ordered_track_ids() incl. opening the"
          f" file, medians of {RUNS} interleaved runs; load average {os.getloadavg()[0]:.1f} (the machine is shared)")
    measure(library, RULE, "the benchmark rule of bench_rules.py (14 conditions, dedupe isrc, 500 tracks)")
    measure(library, BROAD, "a broad rule (energy >= 0.3: ~66,000 matches, by popularity, 1,000 tracks)")


if __name__ == "__main__":
    main()
