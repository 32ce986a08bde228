"""Benchmark on 100,000 generated tracks: explain of one track and the near-miss counts of a 12-condition rule,
each next to the plain preview of the same rule."""

from __future__ import annotations

import copy
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_rules import NOW, RULE, generate_library  # noqa: E402

from lib.rules import compile_rule, ordered_track_ids, parse_rule, preview_rule  # noqa: E402
from lib.rules.explain import explain_track  # noqa: E402
from lib.rules.near_miss import conditions, near_misses, relax  # noqa: E402

RUNS = 9


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def twelve_conditions() -> dict:
    """The rules benchmark's rule without its last two top-level conditions: 12 conditions, 3 levels."""
    rule = copy.deepcopy(RULE)
    top = rule["match"]["conditions"]
    rule["match"]["conditions"] = [c for c in top if c.get("value") not in ("xyz", 95)]
    return rule


def main() -> None:
    library = generate_library("bench_explain_")
    rule = parse_rule(twelve_conditions())
    count = len(list(conditions(rule.match)))
    playlist = ordered_track_ids(library, rule, NOW)
    inside, last = playlist[0], playlist[-1]
    beyond = ordered_track_ids(library, rule.model_copy(update={"limit": None}), NOW)[len(playlist) + 100]
    outside = library.query_one("SELECT track_id FROM track_view WHERE track_id NOT IN (SELECT unnest($ids))"
                                " ORDER BY track_id LIMIT 1", {"ids": playlist})[0]
    sql, params = compile_rule(rule, NOW)
    print(f"{library.query_one('SELECT count(*) FROM track_view')[0]:,} tracks; rule: {count} conditions, "
          f"3 levels, dedupe isrc, limit 500; {len(playlist)} in the playlist")
    series: dict[str, list[float]] = {k: [] for k in ("preview", "query", "in", "last", "cut", "out", "near", "relax")}
    path = next(p for p, c in conditions(rule.match) if c.operator.value == "gte")
    for _ in range(RUNS):      # interleaved, so each figure sees the same load on a shared machine
        series["preview"].append(timed(lambda: preview_rule(library, rule, NOW)))
        series["query"].append(timed(lambda: library.query(sql, params)))
        series["in"].append(timed(lambda: explain_track(library, rule, inside, NOW)))
        series["last"].append(timed(lambda: explain_track(library, rule, last, NOW)))
        series["cut"].append(timed(lambda: explain_track(library, rule, beyond, NOW)))
        series["out"].append(timed(lambda: explain_track(library, rule, outside, NOW)))
        series["near"].append(timed(lambda: near_misses(library, rule, NOW)))
        series["relax"].append(timed(lambda: relax(library, rule, path, now=NOW)))
    med = {k: statistics.median(v) for k, v in series.items()}
    preview = med["preview"]
    print(f"machine shared with other work; load average {os.getloadavg()[0]:.1f}; medians of {RUNS} runs")
    print(f"plain preview (preview_rule):            {preview:7.1f} ms   (bare compiled query: {med['query']:.1f} ms)")
    for key, what in (("in", "explain, track 1 of the playlist"), ("last", "explain, last track of the playlist"),
                      ("cut", "explain, a track cut by the limit"), ("out", "explain, a track that does not match")):
        print(f"{what + ':':41s}{med[key]:7.1f} ms   ratio {med[key] / preview:.2f} (target <= 1)")
    print(f"{'near-miss counts, ' + str(count) + ' conditions, 1 query:':41s}{med['near']:7.1f} ms   "
          f"ratio {med['near'] / preview:.2f} (target <= 2)")
    print(f"{'relax: 7 nearby values of one bound:':41s}{med['relax']:7.1f} ms   ratio {med['relax'] / preview:.2f}")


if __name__ == "__main__":
    main()
