"""Benchmark: import a 100,000-row Exportify CSV, the Explore page's first queries, and peak memory.

Run: python benchmarks/bench_library.py [--tracks N] [--keep DIR]
Targets: import ≤ 5 s, first Explore query ≤ 300 ms, peak RSS ≤ 400 MB. The CSV is generated in a
child process so that the peak RSS printed is that of importing and querying only.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def generate(path: Path, tracks: int) -> None:
    from lib.demo import generate_demo
    from lib.demo.exportify import exportify_csv

    path.write_bytes(exportify_csv(generate_demo(seed=42, n_tracks=tracks), layout="classic", bom=True))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, fn, target: float | None = None):
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    verdict = "" if target is None else ("  ok" if elapsed <= target else f"  OVER target {target:g} s")
    print(f"{label:<48} {elapsed * 1000:9.0f} ms   (peak RSS so far {peak_rss_mb():.0f} MB){verdict}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--keep", help="directory to keep the CSV and library in")
    parser.add_argument("--generate-only", metavar="CSV", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_only:
        generate(Path(args.generate_only), args.tracks)
        return

    from lib.explore import TrackFilter, chart_data, filter_options, library_overview, track_page
    from lib.imports import import_exportify_csv
    from lib.store import open_library

    work = Path(args.keep or tempfile.mkdtemp(prefix="bench-library-"))
    work.mkdir(parents=True, exist_ok=True)
    csv_path, db = work / "Benchmark_Playlist.csv", work / "bench.duckdb"
    for leftover in (db, db.with_name(db.name + ".wal")):
        leftover.unlink(missing_ok=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--tracks", str(args.tracks), "--generate-only", str(csv_path)],
                   check=True, cwd=ROOT)
    size_mb = csv_path.stat().st_size / 1e6
    print(f"generated {csv_path.name}: {size_mb:.1f} MB in {time.perf_counter() - start:.1f} s (child process)")

    library = open_library(str(db))
    result = timed(f"import {args.tracks:,}-row Exportify CSV", lambda: import_exportify_csv(library, csv_path),
                   target=5.0)
    print(f"  {result.summary()}")
    timed("re-import the same file (update)", lambda: import_exportify_csv(library, csv_path))
    timed("Explore first query (first page of tracks)", lambda: track_page(library, TrackFilter()), target=0.3)
    timed("Explore overview (counts, coverage)", lambda: library_overview(library))
    timed("Explore filter options", lambda: filter_options(library))
    flt = TrackFilter(search="love", genres=["pop", "house"], ranges={"energy": (0.5, 1.0)})
    timed("filtered + searched page", lambda: track_page(library, flt, sort="energy"), target=0.3)
    timed("chart aggregates (all tracks)", lambda: chart_data(library, TrackFilter()))
    peak_mb = peak_rss_mb()
    print(f"{'peak RSS of this process':<48} {peak_mb:9.0f} MB{'  ok' if peak_mb <= 400 else '  OVER target 400 MB'}")
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    if load:
        print(f"(load average during the run: {' '.join(load)})")


if __name__ == "__main__":
    main()
