"""Which library the app opens on: the demo for a newcomer, the user's own once it holds something."""

from __future__ import annotations

from lib.config import Settings
from lib.store import open_library
from lib.store.catalog import SourceRecord, upsert_source
from ui.state import DEMO, MINE, default_choice


def test_newcomer_gets_the_demo(tmp_path):
    assert default_choice(Settings(db=str(tmp_path / "library.duckdb"))) == DEMO


def test_an_empty_library_file_left_by_a_visit_still_opens_the_demo(tmp_path):
    path = str(tmp_path / "library.duckdb")
    open_library(path)
    assert default_choice(Settings(db=path)) == DEMO


def test_a_library_with_content_opens_as_mine(tmp_path):
    path = str(tmp_path / "library.duckdb")
    with open_library(path).transaction() as cur:
        upsert_source(cur, SourceRecord("liked", "liked", "Liked Songs", origin="csv"))
    assert default_choice(Settings(db=path)) == MINE


def test_a_configured_library_opens_as_mine_even_when_empty(tmp_path):
    assert default_choice(Settings(db=str(tmp_path / "x.duckdb"), db_configured=True)) == MINE
