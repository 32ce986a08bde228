"""Benchmark: peak memory and time of a Rules-page preview at the documented limits, on 100,000 tracks.

Each case runs in its own process (peak RSS is per process): a one-condition rule, then rules at the
limits (100 `contains` conditions; 10 nested groups; a 1000-character regex), previewed as the page does.
    python benchmarks/bench_rule_limits.py [N_TRACKS]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_rules import NOW, generate_library  # noqa: E402
from lib.rules.limits import MAX_CONDITIONS, MAX_DEPTH, MAX_REGEX  # noqa: E402


def _contains(i: int) -> dict:
    return {"field": "title", "operator": "not_contains", "value": f"zz{i:03d}"}


def _nested() -> dict:
    node = {"operator": "or", "conditions": [{"field": "energy", "operator": "gte", "value": 0.2},
                                              {"field": "genres", "operator": "contains", "value": "rock"}]}
    for _ in range(MAX_DEPTH - 1):
        node = {"operator": "and", "conditions": [node, {"field": "title", "operator": "not_contains", "value": "q"}]}
    return node


CASES = {
    "1 condition": {"conditions": [_contains(0)]},
    f"{MAX_CONDITIONS} contains conditions (the limit)": {"conditions": [_contains(i) for i in range(MAX_CONDITIONS)]},
    f"{MAX_DEPTH} nested groups (the limit)": _nested(),
    f"a {MAX_REGEX}-character regex (the limit)": {"conditions": [
        {"field": "title", "operator": "not_matches", "value": ("(" + "|".join(
            f"w{i:04d}" for i in range(200)) + ")")[:MAX_REGEX - 1] + ")"}]},
}


def child(db: str, name: str) -> None:
    from lib.rules import parse_rule, preview_rule
    from lib.store import open_library

    library = open_library(db)
    rule = parse_rule({"id": "lim", "name": "Limits", "match": CASES[name], "limit": {"tracks": 500},
                       "sort": [{"field": "added_at", "direction": "desc"}]})
    times = []
    for _ in range(7):
        start = time.perf_counter()
        preview = preview_rule(library, rule, NOW, seconds=60)
        times.append((time.perf_counter() - start) * 1000)
    # VmHWM: this process's own peak (ru_maxrss would start from the parent's size at fork).
    status = Path("/proc/self/status").read_text()
    peak_mb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024
    print(json.dumps({"median_ms": statistics.median(times), "min_ms": min(times), "peak_mb": peak_mb,
                      "count": preview.count, "matched": preview.matched}))


def main() -> None:
    n_tracks = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    library = generate_library("bench_limits_", n_tracks)
    db = library.target
    library.close()
    print(f"{n_tracks:,} generated tracks; load average {os.getloadavg()[0]:.1f} (the machine may be shared)")
    base = None
    for name in CASES:
        out = subprocess.run([sys.executable, __file__, "--child", db, name], capture_output=True, text=True,
                             check=True, cwd=ROOT).stdout
        figures = json.loads(out.strip().splitlines()[-1])
        base = base or figures
        print(f"{name:42} preview median {figures['median_ms']:7.1f} ms (min {figures['min_ms']:6.1f}),"
              f" peak RSS {figures['peak_mb']:6.0f} MB ({figures['peak_mb'] / base['peak_mb']:.2f}x of one condition;"
              f" target <= 2x), {figures['matched']:,} matched")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
