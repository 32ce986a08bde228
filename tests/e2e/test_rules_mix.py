"""Browser test: on the Rules page, build a 3-part mix of saved rules and see per part how many tracks it gave."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.harness import demo_env, open_demo, pick, streamlit_server, wait_for_app


def _choose(page, label: str, option: str, *, until) -> None:
    box = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text(label, exact=True))
    pick(page, box, option, until=until)


def test_build_a_three_part_mix_and_see_per_part_counts(page, demo_library, tmp_path):
    env = demo_env(demo_library, tmp_path, "demo-mix", rules=True)
    with streamlit_server(env, log_path=tmp_path / "streamlit.log") as url:
        open_demo(page, url, "Rules")
        _choose(page, "Rule", "➕ New rule",
                until=lambda: expect(page.get_by_label("Playlist name")).to_have_value("New playlist", timeout=10_000))
        page.get_by_text("Mix of rules", exact=True).click()
        expect(page.get_by_text("+ part", exact=True)).to_be_visible()
        wait_for_app(page)
        for n in range(1, 4):
            page.get_by_text("+ part", exact=True).click()
            expect(page.get_by_text(f"Part {n}", exact=True)).to_be_visible()
            wait_for_app(page)
        table = page.get_by_test_id("stTable")
        _choose(page, "Part 2", "upbeat-2010s",
                until=lambda: expect(table).to_contain_text("rule 'upbeat-2010s'", timeout=10_000))
        _choose(page, "Part 3", "jazz-cafe",
                until=lambda: expect(table).to_contain_text("rule 'jazz-cafe'", timeout=10_000))
        expect(table).to_contain_text("rule 'calm-acoustic'")
        expect(table).to_contain_text("rule 'upbeat-2010s'")
        expect(table).to_contain_text("rule 'jazz-cafe'")
        rows = table.locator("tbody tr")
        expect(rows).to_have_count(3)
        for i in range(3):
            expect(rows.nth(i)).to_contain_text("gave 10 of 10")
        tracks = page.get_by_test_id("stMetric").filter(has_text="Tracks").get_by_test_id("stMetricValue")
        expect(tracks).to_have_text("30")
        assert page.get_by_test_id("stException").count() == 0
        page.screenshot(path=str(tmp_path / "mix.png"), full_page=True)
