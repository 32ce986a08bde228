"""Regenerate docs/screenshot.png: the Explore page on the demo library, in headless Chromium."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.harness import CHROMIUM, CHROMIUM_ARGS, streamlit_server, wait_for_app  # noqa: E402


def main(out: Path = ROOT / "docs" / "screenshot.png") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {"AUTOPLAYLISTS_DB": f"{tmp}/library.duckdb", "AUTOPLAYLISTS_DEMO_DB": f"{tmp}/demo.duckdb",
               "AUTOPLAYLISTS_SECRETS_FILE": f"{tmp}/none.toml"}
        with streamlit_server(env) as url, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1100})
            page.goto(url)
            wait_for_app(page)
            # The script's own (empty) library counts as configured, so pick the demo as a newcomer sees it.
            page.locator("[data-testid='stSidebar']").get_by_text("Demo library", exact=True).click()
            wait_for_app(page)
            page.locator("[data-testid='stDataFrame']").first.wait_for(state="attached")
            page.wait_for_timeout(2000)
            page.screenshot(path=str(out))
            browser.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
