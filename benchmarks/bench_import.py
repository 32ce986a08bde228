"""Benchmark: Exportify CSV import against DuckDB's own read_csv, a playlist into a big library, bad rows.

Run: python benchmarks/bench_import.py [--tracks N] [--playlist N] [--bad N] [--keep DIR]
Every figure is measured in a child process of its own (so each peak RSS is that step's alone), in
one run, on the same files. Targets (issue 11): importing the N-row file ≤ 3× DuckDB's read_csv
loading it into a table; importing the playlist into the N-track library ≤ 2× importing it into an
empty one. Also: one bad row in the big file costs no extra memory (issue 16), and a file of broken
rows is reported with bounded memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def generate(work: Path, tracks: int, playlist: int, bad: int) -> None:
    from lib.demo import generate_demo
    from lib.demo.exportify import exportify_csv

    data = exportify_csv(generate_demo(seed=42, n_tracks=tracks), layout="classic", bom=True)
    (work / "big.csv").write_bytes(data)
    header, first, rest = data.split(b"\r\n", 2)
    # The same file with one row whose energy is not a number (issue 16: the careful path's memory).
    (work / "big_one_bad.csv").write_bytes(b"\r\n".join([header, first.replace(b"spotify:track:", b"x", 1),
                                                          rest]))
    lines = data.split(b"\r\n")
    (work / "playlist.csv").write_bytes(b"\r\n".join([lines[0], *lines[1:playlist + 1]]) + b"\r\n")
    broken = [b'"too","few"', first.replace(b"spotify:track:", b"spotify:track:x", 1)]  # wrong width, bad URI
    with (work / "broken.csv").open("wb") as out:
        out.write(header + b"\r\n")
        for start in range(0, bad, 10_000):
            out.write(b"".join(broken[i % 2] + b"\r\n" for i in range(start, min(bad, start + 10_000))))
        out.write(first + b"\r\n")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_only(library: Path, target: Path) -> tuple[float, str]:
    """The floor under any import into this data model: write the rows the imported library holds (every
    table, with its keys), from memory, into a new file: no parsing, converting or deriving. Run after
    the steps read_csv and import_big; returns the seconds and what was written."""
    import duckdb

    source = duckdb.connect(str(library), read_only=True)
    sequences = [row[0] for row in source.execute("SELECT sql FROM duckdb_sequences()").fetchall()]
    tables = {name: (ddl, source.sql(f"SELECT * FROM {name}").to_arrow_table())  # names from the catalog
              for name, ddl in source.execute("SELECT table_name, sql FROM duckdb_tables()"
                                              " WHERE schema_name = 'main' AND NOT temporary").fetchall()}
    source.close()
    target.unlink(missing_ok=True)
    start = time.perf_counter()
    con = duckdb.connect(str(target))
    con.execute("BEGIN")
    for ddl in sequences:
        con.execute(ddl)
    for name, (ddl, rows) in tables.items():
        con.execute(ddl)
        con.register("_rows", rows)
        con.execute(f"INSERT INTO {name} SELECT * FROM _rows")
        con.unregister("_rows")
    con.execute("COMMIT")
    con.close()
    seconds = time.perf_counter() - start
    return seconds, (f"{sum(r.num_rows for _, r in tables.values()):,} rows in {len(tables)} tables, "
                     f"{target.stat().st_size / 1e6:.0f} MB written (read_csv's table: "
                     f"{(target.parent / 'read_csv.duckdb').stat().st_size / 1e6:.0f} MB)")


def step(name: str, work: Path) -> dict:
    """One measured step, run in this (child) process."""
    import duckdb

    from lib.imports import import_exportify_csv
    from lib.store import open_library

    start = time.perf_counter()
    detail = ""
    if name == "write_only":
        seconds, detail = write_only(work / "big.duckdb", work / "write_only.duckdb")
        return {"seconds": seconds, "peak_mb": peak_rss_mb(), "detail": detail}
    if name == "read_csv":
        con = duckdb.connect(str(work / "read_csv.duckdb"))
        con.execute("CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv($p)", {"p": str(work / "big.csv")})
        detail = f"{con.execute('SELECT count(*) FROM t').fetchone()[0]:,} rows"
        con.close()
    else:
        file, db = {"import_big": ("big.csv", "big.duckdb"), "import_one_bad": ("big_one_bad.csv", "bad.duckdb"),
                    "playlist_empty": ("playlist.csv", "empty.duckdb"),
                    "playlist_big": ("playlist.csv", "big_copy.duckdb"),
                    "broken": ("broken.csv", "broken.duckdb")}[name]
        library = open_library(str(work / db))
        start = time.perf_counter()  # opening (and migrating) the library is not the import
        try:
            detail = import_exportify_csv(library, work / file).summary()
        except Exception as exc:  # a refusal is a figure too
            detail = str(exc)[:200]
    return {"seconds": time.perf_counter() - start, "peak_mb": peak_rss_mb(), "detail": detail}


def run_step(name: str, work: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--step", name, "--work", str(work)], check=True, cwd=ROOT,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--playlist", type=int, default=8_000)
    parser.add_argument("--bad", type=int, default=1_000_000, help="broken rows in the broken file")
    parser.add_argument("--keep", help="directory to keep the files and libraries in")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.step, Path(args.work))))
        return

    work = Path(args.keep or tempfile.mkdtemp(prefix="bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    for old in work.glob("*.duckdb*"):
        old.unlink()
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
                    f"from benchmarks.bench_import import generate; from pathlib import Path; "
                    f"generate(Path({str(work)!r}), {args.tracks}, {args.playlist}, {args.bad})"], check=True, cwd=ROOT)
    print(f"generated files in {time.perf_counter() - start:.1f} s: "
          + ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in sorted(work.glob("*.csv"))))

    figures = {}
    for name in ("read_csv", "import_big", "write_only", "import_one_bad", "playlist_empty"):
        figures[name] = run_step(name, work)
    shutil.copy(work / "big.duckdb", work / "big_copy.duckdb")
    for name in ("playlist_big", "broken"):
        figures[name] = run_step(name, work)
    labels = {"read_csv": f"DuckDB read_csv of the {args.tracks:,}-row file into a table",
              "import_big": f"import the {args.tracks:,}-row file into an empty library",
              "write_only": "only writing the rows that import stored (from memory)",
              "import_one_bad": "the same file with one bad row",
              "playlist_empty": f"import a {args.playlist:,}-row playlist into an empty library",
              "playlist_big": f"the playlist into the {args.tracks:,}-track library",
              "broken": f"a file of {args.bad:,} broken rows and one good one"}
    for name, label in labels.items():
        f = figures[name]
        print(f"{label:<62} {f['seconds'] * 1000:8.0f} ms   peak RSS {f['peak_mb']:5.0f} MB")
        print(f"    {f['detail'][:150]}")
    big = figures["import_big"]["seconds"] / figures["read_csv"]["seconds"]
    playlist = figures["playlist_big"]["seconds"] / figures["playlist_empty"]["seconds"]
    print(f"ratio import / read_csv:                      {big:5.2f}  (target ≤ 3)  {'ok' if big <= 3 else 'OVER'}")
    floor = figures["write_only"]["seconds"] / figures["read_csv"]["seconds"]
    print(f"ratio only writing those rows / read_csv:     {floor:5.2f}  (the data model's floor for the ratio above)")
    print(f"ratio playlist into big / into empty library: {playlist:5.2f}  (target ≤ 2)  "
          f"{'ok' if playlist <= 2 else 'OVER'}")
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    if load:
        print(f"(load average during the run: {' '.join(load)}; the machine may be shared)")


if __name__ == "__main__":
    main()
