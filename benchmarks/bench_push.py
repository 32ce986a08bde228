"""Benchmark: push a 5,000-track rule to the fake Spotify, then a 2% change; print write calls and wall time.

Run: python benchmarks/bench_push.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lib.push import push_rule  # noqa: E402
from lib.spotify import connect_client  # noqa: E402
from lib.store import open_library  # noqa: E402
from tests.fakes.spotify_server import FakeSpotify, connected_settings  # noqa: E402
from tests.push.helpers import SORTED_RULE, UNSORTED_RULE, add_tracks, drop_tracks, save  # noqa: E402

SIZE = 5_000
CHANGE = 0.02


def run(rule: dict, label: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        fake = FakeSpotify().start()
        try:
            library = open_library(f"{tmp}/bench.duckdb")
            ids = add_tracks(library, fake, SIZE)
            save(library, rule)
            client = connect_client(connected_settings(fake, tmp))

            def push(step: str) -> None:
                fake.reset_log()
                start = time.perf_counter()
                out = push_rule(library, client, rule["id"], mode="overwrite")
                wall = time.perf_counter() - start
                reads = fake.count("GET")
                print(f"{label:9} {step:28} {out.write_calls:>6} writes {reads:>5} reads {wall:8.2f} s   "
                      f"(+{len(out.plan.added)} -{len(out.plan.removed)} moves {out.plan.moves})")

            push(f"first push ({SIZE} tracks)")
            push("unchanged push")
            half = int(SIZE * CHANGE / 2)
            drop_tracks(library, ids[::SIZE // half][:half])
            add_tracks(library, fake, half)
            push(f"{CHANGE:.0%} change (-{half} +{half})")
        finally:
            fake.stop()


def main() -> None:
    print(f"push benchmark against the local fake Spotify ({SIZE} tracks)")
    run(UNSORTED_RULE, "unsorted")
    run(SORTED_RULE, "sorted")


if __name__ == "__main__":
    main()
