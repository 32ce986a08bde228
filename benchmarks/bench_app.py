"""Benchmark: how fast the app answers in a browser (headless Chromium) on a generated 100,000-track library
and on the demo library, and the Rules preview's own time next to a bare DuckDB query.

Prints medians over EDITS edits of: rule edit → the count changed, rule edit → the page settled (the
rerun finished), Explore search → table updated, Explore filter → table updated. Times are taken in the
page (performance.now() from the key press or click to the first animation frame showing the change).

    python3 benchmarks/bench_app.py [--tracks 100000] [--edits 12]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lib.demo.build import build_demo_library  # noqa: E402
from lib.rules import get_rule, parse_rule, preview_rule  # noqa: E402
from lib.rules.examples import install_example_rules  # noqa: E402
from lib.store import open_library  # noqa: E402
from tests.e2e.harness import CHROMIUM, CHROMIUM_ARGS, streamlit_server, wait_for_app  # noqa: E402
from ui.rules_preview import TABLE_COLUMNS  # noqa: E402

# Arms a measurement: from the trigger event (Enter or a click) to the first frame where the probe's
# text differs ("changed") and then to the first frame where the script run has finished ("settled").
ARM = """([trigger, kind, label]) => {
  const b = window.__bench = {t0: null, changed: null, settled: null};
  const app = document.querySelector('[data-testid="stApp"]');
  const read = () => {
    if (kind === 'metric') {
      const m = [...document.querySelectorAll('[data-testid="stMetric"]')].find(e => e.innerText.includes(label));
      return m ? m.querySelector('[data-testid="stMetricValue"]').innerText : '';
    }
    const c = [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
      .find(e => e.innerText.includes(label));
    return c ? c.innerText : '';
  };
  const before = read();
  document.addEventListener(trigger, e => {
    if (b.t0 === null && (trigger !== 'keydown' || e.key === 'Enter')) b.t0 = performance.now();
  }, {capture: true});
  const tick = () => {
    const now = performance.now();
    if (b.t0 !== null) {
      if (b.changed === null && read() !== before) b.changed = now;
      if (b.changed !== null && app.getAttribute('data-test-script-state') === 'notRunning') b.settled = now;
    }
    if (b.settled === null) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""


def _measure(page, trigger: str, kind: str, label: str, act) -> tuple[float, float]:
    page.evaluate(ARM, [trigger, kind, label])
    act()
    page.wait_for_function("window.__bench.settled !== null", timeout=300_000)
    b = page.evaluate("window.__bench")
    wait_for_app(page)
    page.wait_for_timeout(200)
    return b["changed"] - b["t0"], b["settled"] - b["t0"]


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):6.0f} ms"


def browser_figures(page, url: str, library_label: str, edits: int) -> dict[str, str]:
    page.goto(url)
    wait_for_app(page)
    page.get_by_test_id("stSidebar").get_by_text(library_label).click()
    wait_for_app(page)

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Rules").click()
    wait_for_app(page)
    page.get_by_test_id("stMetric").filter(has_text="Matching").wait_for()
    number = page.get_by_test_id("stMain").get_by_test_id("stNumberInput").locator("input").first
    start = float(number.input_value())
    counts, settled = [], []
    for i in range(edits + 2):                       # two warm-up edits
        value = f"{start + (0.1 if i % 2 == 0 else 0.0):.2f}"
        number.fill(value)
        changed, done = _measure(page, "keydown", "metric", "Matching", lambda: number.press("Enter"))
        if i >= 2:
            counts.append(changed)
            settled.append(done)

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Explore").click()
    wait_for_app(page)
    search = page.get_by_label("Search title, artist or album")
    words = ["love", "night", "fire", "dream", "road", "rain", "sky", "heart", "blue", "gold", "city", "summer"]
    searches = []
    for i in range(edits + 2):
        search.fill(words[(i // 2) % len(words)] if i % 2 == 0 else "")
        changed, done = _measure(page, "keydown", "caption", "matching tracks", lambda: search.press("Enter"))
        if i >= 2:
            searches.append(max(changed, done))
    liked = page.get_by_text("Liked songs only")
    filters = []
    for i in range(edits + 2):
        changed, done = _measure(page, "click", "caption", "matching tracks", liked.click)
        if i >= 2:
            filters.append(max(changed, done))
    return {"rule edit → count changed": _median(counts), "rule edit → page settled": _median(settled),
            "Explore search → table updated": _median(searches), "Explore filter → table updated": _median(filters)}


BROAD = {"id": "broad", "name": "Broad",
         "match": {"conditions": [{"field": "energy", "operator": "gte", "value": 0.1}]},
         "sort": [{"field": "added_at", "direction": "desc"}], "limit": {"tracks": 500}}
SHOWN = ", ".join(TABLE_COLUMNS + ["duration_ms"])
# Each benchmarked rule as SQL written by hand: the same figures (playlist count and duration, tracks
# matched, library size) and the same shown rows as the preview, over the same table.
BARE = {
    "broad": (
        "SELECT count(*), coalesce(sum(duration_ms), 0), (SELECT count(*) FROM track_view WHERE energy >= 0.1),"
        " (SELECT count(*) FROM track_view) FROM (SELECT duration_ms FROM track_view WHERE energy >= 0.1"
        " ORDER BY added_at DESC NULLS LAST, track_id LIMIT 500)",
        f"SELECT {SHOWN} FROM track_view WHERE energy >= 0.1 ORDER BY added_at DESC NULLS LAST, track_id LIMIT 500"),
    "calm-acoustic": (  # the example rule with a 120-minute limit: a running total over the sorted matches
        "WITH calm AS (SELECT duration_ms, sum(coalesce(duration_ms, 0)) OVER (ORDER BY energy, track_id) AS total"
        " FROM track_view WHERE acousticness >= 0.5 AND energy < 0.5 AND explicit IS DISTINCT FROM true)"
        " SELECT count(*) FILTER (WHERE total <= 7200000), coalesce(sum(duration_ms) FILTER (WHERE total <= 7200000),"
        " 0), count(*), (SELECT count(*) FROM track_view) FROM calm",
        f"SELECT {SHOWN} FROM (SELECT *, sum(coalesce(duration_ms, 0)) OVER (ORDER BY energy, track_id) AS total"
        " FROM track_view WHERE acousticness >= 0.5 AND energy < 0.5 AND explicit IS DISTINCT FROM true)"
        " WHERE total <= 7200000 ORDER BY energy, track_id LIMIT 500"),
}


def _median_ms(call, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def preview_vs_bare(path: str, runs: int = 15) -> list[str]:
    """The Rules page's preview (its columns, first 500 rows, figures) against a bare DuckDB connection
    running the hand-written SQL in BARE; checks that both give the same figures."""
    import duckdb

    library = open_library(path)
    lines = []
    for rule in (parse_rule(BROAD), get_rule(library, "calm-acoustic").rule):
        preview = preview_rule(library, rule, columns=TABLE_COLUMNS)
        alone = _median_ms(lambda rule=rule: preview_rule(library, rule, columns=TABLE_COLUMNS), runs)
        with library.cursor():      # as in a page run, which holds the library open (ui.state.library_guard)
            held = _median_ms(lambda rule=rule: preview_rule(library, rule, columns=TABLE_COLUMNS), runs)
        figures, rows = BARE[rule.id]
        con = duckdb.connect(path, read_only=True)
        expected = con.execute(figures).fetchone()
        got = (preview.count, preview.duration_ms, preview.matched, preview.library_tracks)
        if tuple(expected) != got or len(con.execute(rows).df()) != len(preview.tracks):
            raise SystemExit(f"{rule.id}: the bare SQL gives {expected}, the preview {got}")
        bare = _median_ms(lambda con=con, figures=figures, rows=rows: (con.execute(figures).fetchone(),
                                                                       con.execute(rows).df()), runs)
        con.close()
        lines.append(f"preview of {rule.id!r} ({preview.count:,} tracks, {preview.matched:,} of "
                     f"{preview.library_tracks:,} match): {held:.0f} ms in a page run, bare DuckDB {bare:.0f} ms,"
                     f" ratio {held / bare:.2f} (target ≤ 2); called alone (opens the file) {alone:.0f} ms")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=100_000)
    parser.add_argument("--edits", type=int, default=12)
    parser.add_argument("--no-browser", action="store_true", help="only the preview against bare DuckDB")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        big = str(Path(tmp) / "big.duckdb")
        install_example_rules(build_demo_library(big, n_tracks=args.tracks))
        demo = str(Path(tmp) / "demo.duckdb")
        install_example_rules(build_demo_library(demo))
        print(f"libraries built in {time.perf_counter() - t:.0f} s ({args.tracks:,} and 3,000 tracks)", flush=True)
        for path, title in ((big, f"{args.tracks:,} tracks"), (demo, "demo library")):
            for line in preview_vs_bare(path):
                print(f"{title}: {line}", flush=True)
        if args.no_browser:
            return
        env = {"AUTOPLAYLISTS_DB": big, "AUTOPLAYLISTS_DEMO_DB": demo,
               "SPOTIFY_TOKEN_CACHE": str(Path(tmp) / "token.json")}
        with streamlit_server(env, log_path=Path(tmp) / "streamlit.log") as url, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(300_000)
            for label, title in (("My library", f"{args.tracks:,} tracks"),
                                 ("Demo library", "demo library, 3,000 tracks")):
                print(f"\n{title} — medians over {args.edits} edits", flush=True)
                for name, value in browser_figures(page, url, label, args.edits).items():
                    print(f"  {name:32} {value}", flush=True)
            browser.close()


if __name__ == "__main__":
    main()
