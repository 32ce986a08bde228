"""Browser test: every page opens without an exception, and Explore downloads exactly the filtered table."""

from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import expect

from tests.e2e.harness import demo_env, open_demo, streamlit_server, wait_for_app

PAGES = ("Explore", "Sources & import", "Enrich", "Rules", "Push", "Connect & sync", "Jobs")


def _search(page, text: str):
    """Search Explore for `text`; the number of matching tracks the caption shows once updated."""
    counter = page.get_by_text(re.compile(r"matching tracks")).first
    everything = counter.inner_text()
    search = page.get_by_label("Search title, artist or album")
    search.fill(text)
    search.press("Enter")
    expect(counter).not_to_have_text(everything)
    wait_for_app(page)
    return int(counter.inner_text().split(" ")[0].replace(",", ""))


def test_pages_open_and_explore_downloads_csv(page, demo_library, tmp_path):
    env = demo_env(demo_library, tmp_path, "demo-e2e")
    with streamlit_server(env, log_path=tmp_path / "streamlit.log") as url:
        open_demo(page, url)
        for title in PAGES:
            page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
            wait_for_app(page)
            page.get_by_role("heading", name=re.compile(re.escape(title.split(" ")[0]))).first.wait_for()
            assert page.get_by_test_id("stException").count() == 0, f"exception on page {title}"

        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Explore").click()
        wait_for_app(page)
        total = _search(page, "golden")
        assert total > 0
        with page.expect_download() as info:
            page.get_by_role("button", name=re.compile("Download these")).click()
        text = info.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == total
    assert list(rows[0]) == ["title", "artists", "album", "release_year", "genres", "mood", "energy", "valence",
                             "danceability", "tempo", "popularity", "liked", "playlists", "added_at"]
    assert all("golden" in (r["title"] + r["artists"] + r["album"]).lower() for r in rows)


def test_accent_free_search_finds_accented_titles_and_save_as_rule_opens_them(page, demo_library, tmp_path):
    from lib.rules import get_rule, ordered_track_ids
    from lib.store import open_library

    env = demo_env(demo_library, tmp_path, "demo-save")
    library = open_library(env["AUTOPLAYLISTS_DEMO_DB"])
    track_id = library.query_one("SELECT min(track_id) FROM tracks")[0]
    with library.write() as w:
        w.cur.execute("UPDATE tracks SET title = 'Canción de José Núñez' WHERE track_id = ?", [track_id])
        w.touch(tracks=[track_id])
    with streamlit_server(env, log_path=tmp_path / "streamlit.log") as url:
        open_demo(page, url)
        found = _search(page, "jose nunez")
        assert 1 <= found < 50
        page.get_by_role("button", name="Save as rule").click()
        page.get_by_role("heading", name="Rules").wait_for()
        wait_for_app(page)
        expect(page.get_by_test_id("stMetric").filter(has_text="Tracks").get_by_test_id("stMetricValue")
               ).to_have_text(str(found))
        expect(page.get_by_role("textbox", name="Id", exact=True)).to_have_value("explore-jose-nunez")
        page.get_by_role("button", name="Save").click()
        wait_for_app(page)
        expect(page.get_by_text("Saved “Explore: jose nunez”")).to_be_visible()
        assert page.get_by_test_id("stException").count() == 0
    ids = ordered_track_ids(library, get_rule(library, "explore-jose-nunez").rule)
    assert len(ids) == found
    assert track_id in ids
