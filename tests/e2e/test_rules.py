"""Browser test: on the Rules page, editing a condition's number changes the live preview count."""

from __future__ import annotations

import shutil

from playwright.sync_api import expect

from lib.rules import import_rules, list_rules
from lib.rules.examples import install_example_rules
from lib.store import open_library
from tests.e2e.harness import demo_env, open_demo, pick, streamlit_server, wait_for_app


def test_edit_condition_updates_preview_count(page, demo_library, tmp_path):
    env = demo_env(demo_library, tmp_path, "demo-rules", rules=True)
    with streamlit_server(env, log_path=tmp_path / "streamlit.log") as url:
        open_demo(page, url, "Rules")
        page.get_by_role("heading", name="Rules").wait_for()
        matching = page.get_by_test_id("stMetric").filter(has_text="Matching").get_by_test_id("stMetricValue")
        expect(matching).to_be_visible()
        before = matching.inner_text()
        assert int(before.replace(",", "")) > 0
        value = page.get_by_test_id("stMain").get_by_test_id("stNumberInput").locator("input").first
        assert float(value.input_value()) == 0.5     # calm-acoustic: acousticness ≥ 0.5
        value.fill("0.9")
        value.press("Enter")
        expect(matching).not_to_have_text(before)
        wait_for_app(page)
        after = int(matching.inner_text().replace(",", ""))
        assert 0 < after < int(before.replace(",", ""))
        assert page.get_by_test_id("stException").count() == 0
        page.screenshot(path=str(tmp_path / "rules.png"), full_page=True)


NESTED = {"version": 1, "rules": [{"id": "nested", "name": "Nested groups", "limit": {"minutes": 65},
                                   "sort": [{"field": "danceability", "direction": "desc"}],
                                   "match": {"operator": "and", "conditions": [
    {"field": "energy", "operator": "between", "value": [0.2, 0.9]},
    {"operator": "or", "conditions": [
        {"field": "genres", "operator": "contains", "value": "rock"},
        {"operator": "and", "negate": True, "conditions": [
            {"field": "tempo", "operator": "gte", "value": 120},
            {"operator": "or", "conditions": [
                {"field": "title", "operator": "not_matches", "value": "live"},
                {"field": "added_at", "operator": "in_last_days", "value": 365}]}]}]}]}}]}

# Elements whose text the browser cut (an ellipsis or hidden overflow), and buttons outside the main area.
CUT = """() => {
  const main = document.querySelector('[data-testid="stMain"]').getBoundingClientRect();
  const cut = [];
  for (const el of document.querySelectorAll('[data-testid="stMain"] *')) {
    if (!el.childElementCount && el.innerText && el.scrollWidth > el.clientWidth + 1) {
      const style = getComputedStyle(el);
      if (style.textOverflow === 'ellipsis' || style.overflow === 'hidden') cut.push(el.innerText);
    }
  }
  for (const b of document.querySelectorAll('[data-testid="stMain"] button')) {
    const r = b.getBoundingClientRect();
    if (r.width && (r.right > main.right + 1 || r.left < main.left - 1)) cut.push('button ' + b.innerText);
  }
  return cut;
}"""


def _rules_server(demo_library, tmp_path):
    demo = tmp_path / "demo-rules.duckdb"
    shutil.copy(demo_library.target, demo)
    library = open_library(str(demo))
    install_example_rules(library)
    import_rules(library, NESTED)
    env = {"AUTOPLAYLISTS_DEMO_DB": str(demo), "AUTOPLAYLISTS_DB": str(tmp_path / "mine.duckdb"),
           "SPOTIFY_TOKEN_CACHE": str(tmp_path / "token.json")}
    return library, streamlit_server(env, log_path=tmp_path / "streamlit.log")


def _open_rules(page, url):
    open_demo(page, url, "Rules")
    page.get_by_role("heading", name="Rules").wait_for()


def _pick(page, label: str, shows: str):
    """Pick the rule `label` in the rule chooser; its form then shows the playlist name `shows`."""
    name = page.get_by_role("textbox", name="Playlist name", exact=True)
    pick(page, page.get_by_test_id("stSelectbox").first, label, exact=False,
         until=lambda: expect(name).to_have_value(shows, timeout=10_000))


def test_nothing_is_cut_at_1280_px(browser, demo_library, tmp_path):
    _, server = _rules_server(demo_library, tmp_path)
    context = browser.new_context(viewport={"width": 1280, "height": 2400})
    page = context.new_page()
    with server as url:
        _open_rules(page, url)
        _pick(page, "Nested groups", "Nested groups")
        wait_for_app(page)
        page.wait_for_timeout(1000)
        page.screenshot(path=str(tmp_path / "rules-1280.png"))
        removes = page.get_by_test_id("stMain").get_by_role("button", name="✕")
        expect(removes).to_have_count(8)                  # 5 conditions and 3 nested groups
        for i in range(removes.count()):
            expect(removes.nth(i)).to_be_visible()
        assert page.evaluate(CUT) == []
    context.close()


def test_a_new_rules_id_follows_its_name(page, demo_library, tmp_path):
    library, server = _rules_server(demo_library, tmp_path)
    with server as url:
        _open_rules(page, url)
        for expected in ("evening-jazz", "evening-jazz-2"):
            _pick(page, "New rule", "New playlist")
            name = page.get_by_role("textbox", name="Playlist name", exact=True)
            name.fill("Evening Jazz")
            name.press("Enter")
            wait_for_app(page)
            expect(page.get_by_role("textbox", name="Id", exact=True)).to_have_value(expected)
            page.get_by_role("button", name="Save").click()
            wait_for_app(page)
            expect(page.get_by_text("Saved “Evening Jazz”")).to_be_visible()
        assert {"evening-jazz", "evening-jazz-2"} <= {s.rule_id for s in list_rules(library)}
        assert page.get_by_test_id("stException").count() == 0
