"""Start `streamlit run` on a free port and drive it with Playwright in Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(env: dict[str, str], port: int | None = None, log_path: Path | None = None):
    """Run the app with the given environment; yield its base URL (http://127.0.0.1:PORT/)."""
    port = port or free_port()
    full_env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
         "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log_path}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("streamlit did not become healthy in 90 s")
            time.sleep(0.3)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log_path:
            log.close()


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Wait until the script has finished its run (Streamlit's own e2e idiom)."""
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="attached", timeout=timeout)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=timeout)


def demo_env(demo_library, tmp_path: Path, name: str, *, rules: bool = False) -> dict[str, str]:
    """A private copy of the demo library (with the example rules if asked) and the app's environment for it."""
    from lib.rules.examples import install_example_rules
    from lib.store import open_library

    demo = tmp_path / f"{name}.duckdb"
    shutil.copy(demo_library.target, demo)
    if rules:
        install_example_rules(open_library(str(demo)))
    return {"AUTOPLAYLISTS_DEMO_DB": str(demo), "AUTOPLAYLISTS_DB": str(tmp_path / "mine.duckdb"),
            "SPOTIFY_TOKEN_CACHE": str(tmp_path / "token.json")}


def open_demo(page, url: str, page_name: str | None = None) -> None:
    """Open the app at `url` on the demo library, then the named page from the sidebar."""
    page.goto(url)
    wait_for_app(page)
    page.get_by_test_id("stSidebar").get_by_text("Demo library").click()
    wait_for_app(page)
    if page_name:
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=page_name).click()
        wait_for_app(page)


def pick(page, box, option: str, *, until, exact: bool = True) -> None:
    """Choose `option` in the selectbox `box`, then check `until()` (an expect that the form shows the choice).
    On a loaded machine a pick that lands while the page reruns is lost, so it is repeated, like sign_in,
    with a warning in the test report (a pick lost every time still fails)."""
    for attempt in range(3):
        box.click()
        page.keyboard.type(option)         # the list shows only some options until filtered
        page.get_by_role("option", name=option, exact=exact).click()
        wait_for_app(page)
        try:
            until()
            return
        except AssertionError:
            if attempt == 2:
                raise
            warnings.warn(f"the pick of {option!r} did not take; picking again", stacklevel=2)
            page.keyboard.press("Escape")


def sign_in(page) -> None:
    """Click Connect Spotify (same tab → fake /authorize → 302 back) until the app says it is connected.
    We are on /spotify before and after the round trip, so wait for its outcome, not for the URL; on a
    loaded machine a click that lands while the page reruns is lost, so it is repeated."""
    from playwright.sync_api import expect

    for attempt in range(3):
        page.get_by_role("link", name="Connect Spotify").click()
        try:
            expect(page.get_by_text("Connected to Spotify")).to_be_visible(timeout=30_000)
            return
        except AssertionError:
            if attempt == 2:
                raise
