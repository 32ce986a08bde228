"""The demo generator: deterministic, realistic and full of the awkward cases real libraries have."""

from __future__ import annotations

import re

from lib.demo import build_demo_library, ensure_demo_library, generate_demo


def _snapshot(library):
    return library.query("SELECT * EXCLUDE (custom_num, custom_text) FROM track_view ORDER BY track_id")


def test_same_seed_same_library(tmp_path, demo_library):
    again = build_demo_library(str(tmp_path / "again.duckdb"))
    assert _snapshot(again) == _snapshot(demo_library)
    members = "SELECT source_id, position, track_id, added_at FROM source_tracks ORDER BY ALL"
    assert again.query(members) == demo_library.query(members)


def test_other_seed_differs():
    assert [t.track_id for t in generate_demo(seed=1, n_tracks=50).tracks] != \
        [t.track_id for t in generate_demo(seed=2, n_tracks=50).tracks]


def test_size_sources_and_counts(demo_library):
    (tracks,) = demo_library.query_one("SELECT count(*) FROM tracks")
    assert 2900 <= tracks <= 3100
    kinds = dict(demo_library.query("SELECT kind, count(*) FROM sources GROUP BY kind"))
    assert kinds["liked"] == 1
    assert kinds["playlist"] >= 10
    local, episodes, nulls = demo_library.query_one(
        "SELECT sum(local_count), sum(episode_count), sum(null_count) FROM sources")
    assert local >= 1
    assert episodes >= 1
    assert nulls >= 1
    assert demo_library.query_one("SELECT count(*) FROM sources WHERE NOT readable")[0] == 1
    # every track belongs to some source
    assert demo_library.query_one("SELECT count(*) FROM track_view WHERE len(source_ids) = 0")[0] == 0


def test_awkward_cases_present(demo_library):
    titles = [r[0] for r in demo_library.query("SELECT title FROM tracks")]
    artists = [r[0] for r in demo_library.query("SELECT name FROM artists")]
    text = titles + artists
    assert any(re.search(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]", t) for t in text)  # CJK / Hangul
    assert any(re.search(r"[\U0001F300-\U0001FAFF\u2600-\u27bf]", t) for t in text)        # emoji
    assert any(re.search(r"[éüñøåç]", t) for t in text)                                     # accents
    q = demo_library.query_one
    assert q("SELECT count(*) FROM track_view WHERE len(artists) > 1")[0] > 100
    assert q("SELECT count(*) FROM track_view WHERE energy IS NULL")[0] > 50
    assert q("SELECT count(*) FROM track_view WHERE len(genres) = 0")[0] > 50
    assert q("SELECT count(*) FROM tracks WHERE isrc IS NULL")[0] > 50
    assert q("SELECT count(*) FROM track_view WHERE len(playlists) > 1")[0] > 10
    within = "SELECT count(*) FROM (SELECT source_id, track_id FROM source_tracks GROUP BY ALL HAVING count(*) > 1)"
    assert q(within)[0] >= 3
    assert q("SELECT count(*) FROM (SELECT isrc FROM tracks WHERE isrc IS NOT NULL GROUP BY isrc"
             " HAVING count(*) > 1)")[0] >= 2
    precisions = {r[0] for r in demo_library.query("SELECT DISTINCT release_date_precision FROM albums")}
    assert {"year", "month", "day"} <= precisions
    years = q("SELECT min(year(added_at)), max(year(added_at)) FROM track_view")
    assert years[1] - years[0] >= 5


def test_features_are_plausible_and_from_demo_provider(demo_library):
    providers = demo_library.query("SELECT DISTINCT provider, precedence FROM enrichment_values")
    assert providers == [("demo", 1)]
    lo, hi = demo_library.query_one("SELECT min(energy), max(energy) FROM track_view")
    assert 0 <= lo < 0.2
    assert 0.8 < hi <= 1
    # genres shape the sound: metal is louder and more energetic than classical
    metal, classical = (demo_library.query_one(
        "SELECT avg(energy) FROM track_view WHERE list_contains(genres, ?)", [g])[0]
        for g in ("heavy metal", "classical"))
    assert metal > classical + 0.4


def test_ensure_builds_only_when_missing_or_empty(tmp_path):
    target = str(tmp_path / "d.duckdb")
    library = ensure_demo_library(target)
    library.execute("INSERT INTO meta VALUES ('marker', 'kept')")
    assert ensure_demo_library(target).query_one("SELECT value FROM meta WHERE key = 'marker'") == ("kept",)
    library.execute("DELETE FROM source_tracks; DELETE FROM tracks")
    rebuilt = ensure_demo_library(target)
    assert rebuilt.query_one("SELECT count(*) FROM tracks")[0] > 2900


def test_build_into_memory():
    library = build_demo_library(":memory:", n_tracks=200)
    assert library.query_one("SELECT count(*) FROM track_view")[0] >= 200


def test_a_rebuild_in_a_database_that_is_not_a_file_replaces_everything():
    """Not a file (e.g. MotherDuck's 'md:'): the build empties the tables instead of replacing the file."""
    first = build_demo_library(":memory:rebuilt", n_tracks=200)
    counts = "SELECT (SELECT count(*) FROM tracks), (SELECT count(*) FROM plays), (SELECT count(*) FROM top_tracks)"
    before = first.query_one(counts)
    with first.write() as w:
        w.cur.execute("INSERT INTO classifications (track_id, class_name, origin, value)"
                      " SELECT track_id, 'mood', 'manual', 'sad' FROM tracks LIMIT 3")
        w.touch_all()
    again = build_demo_library(":memory:rebuilt", n_tracks=200)   # the same database, still open
    assert again.query_one(counts) == before
    assert again.query_one("SELECT count(*) FROM classifications")[0] == 0
    first.close()
    again.close()


def test_force_rebuild_replaces_atomically_and_never_deletes_first(tmp_path, monkeypatch):
    """A build that dies before its os.replace leaves the old library whole (nothing deleted first)."""
    import pytest

    import lib.demo.build as build

    target = tmp_path / "demo.duckdb"
    first = build_demo_library(str(target), n_tracks=60)
    tracks = first.query_one("SELECT count(*) FROM tracks")

    def killed(src, dst):
        raise OSError("killed before the swap")

    monkeypatch.setattr(build.os, "replace", killed)
    with pytest.raises(OSError, match="killed"):
        build_demo_library(str(target), seed=7, n_tracks=80)
    assert ensure_demo_library(str(target)).query_one("SELECT count(*) FROM tracks") == tracks
    monkeypatch.undo()
    assert build_demo_library(str(target), seed=7, n_tracks=80).query_one("SELECT count(*) FROM tracks") != tracks
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.duckdb"]


def test_partial_files_of_killed_builds_are_cleaned(tmp_path):
    import os

    target = tmp_path / "demo.duckdb"
    dead = tmp_path / ".demo.duckdb.999999999.building"       # no such process
    alive = tmp_path / f".demo.duckdb.{os.getppid()}.building"  # a build still under way elsewhere
    for partial in (dead, alive):
        partial.write_bytes(b"partial")
    (tmp_path / ".demo.duckdb.999999999.building.wal").write_bytes(b"log")
    build_demo_library(str(target), n_tracks=40)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["demo.duckdb", alive.name])
