"""AppTest of the schedule settings (Push and Rules pages) and the Connect page's scope and Client ID checks."""

from __future__ import annotations

import os
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.autopilot import rule_task, run_once, task_states
from lib.autopilot.lock import instance_lock, lock_path
from lib.clock import stored_now
from lib.rules.repo import save_rule
from lib.store import open_library
from lib.store.schedule_store import schedule_rows
from tests.autopilot.conftest import LIKED_RULE
from tests.fakes.spotify_server import CORE_SCOPE, connected_settings
from tests.spotify.conftest import env_for

ROOT = Path(__file__).resolve().parents[2]


def _page(name: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=60)
    at.session_state["app.library_choice"] = "mine"
    return at


@pytest.fixture
def env(fake_spotify, tmp_path, monkeypatch):
    def make(**kwargs):
        settings = connected_settings(fake_spotify, tmp_path, **kwargs)
        for key, value in env_for(settings).items():
            monkeypatch.setenv(key, value)
        return settings
    return make


@pytest.fixture
def with_rule(env):
    """Settings and library of a connected app with the saved Liked Songs rule."""
    settings = env()
    lib = open_library(settings.db)
    save_rule(lib, LIKED_RULE)
    return settings, lib


def _texts(at) -> str:
    return " ".join(e.value for kind in ("markdown", "caption", "warning", "success", "error", "info")
                    for e in getattr(at, kind))


def test_push_page_sets_a_rule_schedule_and_shows_how_to_turn_autopilot_on(with_rule):
    _, lib = with_rule
    at = _page("playlists").run()
    assert not at.exception
    assert "Autopilot has never run" in _texts(at)
    assert any("-m lib autopilot --db" in c.value and "*/10 * * * *" in c.value for c in at.code)
    task = rule_task("liked-songs")
    at.selectbox(key=f"sched.push.{task}.kind").select("hours").run()
    at.number_input(key=f"sched.push.{task}.hours").set_value(3)
    at.radio(key=f"sched.push.{task}.mode").set_value("merge")
    at.button(key=f"sched.push.{task}.save").click().run()
    assert not at.exception
    row = schedule_rows(lib)[task]
    assert (row["kind"], row["every_hours"], row["mode"]) == ("hours", 3, "merge")
    assert "Next run: due now" in _texts(at)
    frame = next(d.value for d in at.dataframe if "schedule" in d.value.columns)
    assert "every 3 hours" in list(frame["schedule"])
    # the listening task, weekly
    at.selectbox(key="sched.listening.kind").select("weekly").run()
    at.selectbox(key="sched.listening.day").select(4)
    at.button(key="sched.listening.save").click().run()
    listening = schedule_rows(lib)["listening"]
    assert (listening["kind"], listening["weekday"], listening["at_time"]) == ("weekly", 4, "07:00")


def test_push_page_says_autopilot_is_on_after_a_run_and_shows_the_outcome(with_rule, fake_spotify):
    settings, lib = with_rule
    from lib.autopilot import Schedule, set_schedule

    set_schedule(lib, rule_task("liked-songs"), Schedule("daily", at_time="06:30"))
    with instance_lock(settings.db):            # what every `python -m lib autopilot` run does
        pass
    moment = (stored_now() - timedelta(minutes=4)).replace(tzinfo=UTC).timestamp()
    os.utime(lock_path(settings.db), (moment, moment))
    at = _page("playlists").run()
    assert not at.exception
    assert "Autopilot is on: it last looked 4 min ago" in _texts(at)
    state = next(s for s in task_states(lib) if s.rule_id == "liked-songs")
    assert f"{state.next_run_at:%Y-%m-%d %H:%M} UTC" in _texts(at)
    run_once(lib, settings, now=state.next_run_at + timedelta(minutes=1))
    at = _page("playlists").run()
    assert "Last run: " in _texts(at)
    assert "— done:" in _texts(at)


def test_rules_page_has_the_schedule_of_the_saved_rule(with_rule):
    _, lib = with_rule
    at = _page("rules").run()
    assert not at.exception
    task = rule_task("liked-songs")
    at.selectbox(key="sched.rules.liked-songs.kind").select("daily").run()
    at.button(key="sched.rules.liked-songs.save").click().run()
    assert not at.exception
    assert schedule_rows(lib)[task]["at_time"] == "07:00"


def test_connect_page_names_the_missing_scopes_and_offers_to_connect_again(env):
    env(scope=CORE_SCOPE)
    at = _page("spotify").run()
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "user-read-recently-played" in warning
    assert "user-top-read" in warning
    link = next(m.value for m in at.markdown if "Connect again" in m.value)
    assert "user-read-recently-played" in link.replace("%20", " ").replace("+", " ")


def test_connect_page_refuses_a_client_id_that_is_not_32_hex(env, monkeypatch):
    settings = env()
    for key in ("SPOTIPY_CLIENT_ID", "SPOTIPY_CLIENT_SECRET"):
        monkeypatch.delenv(key)
    Path(settings.token_cache).unlink()
    at = _page("spotify").run()
    at.text_input(key="spotify.client_id").input("my-secret-is-here")
    at.button[0].click().run()
    assert any("is not a Spotify Client ID" in e.value for e in at.error)
    assert not (Path(settings.token_cache).parent / (Path(settings.token_cache).name + ".app")).exists()
    assert "Register your Spotify app" in " ".join(h.value for h in at.subheader)


def test_instructions_stay_reachable_once_an_id_is_saved(env, fake_spotify):
    env()
    at = _page("spotify").run()
    assert not at.exception
    assert any("Development Mode" in e.label for e in at.expander)


def test_explore_listening_view_charts_the_demo_plays(demo_library, monkeypatch, tmp_path):
    monkeypatch.setenv("AUTOPLAYLISTS_DEMO_DB", demo_library.target)
    monkeypatch.setenv("AUTOPLAYLISTS_DB", str(tmp_path / "mine.duckdb"))
    at = AppTest.from_file(str(ROOT / "pages" / "explore.py"), default_timeout=60)
    at.session_state["app.library_choice"] = "demo"
    at.session_state["explore.view"] = "Listening"
    at.run()
    assert not at.exception
    charts = at.get("plotly_chart")
    assert len(charts) == 2
    assert "plays stored" in " ".join(c.value for c in at.caption)


def test_demo_library_has_plays_top_lists_and_the_listening_examples(demo_library):
    from lib.demo import REFERENCE_TIME
    from lib.rules import ordered_track_ids
    from lib.rules.examples import example_rules

    plays, tracks = demo_library.query_one("SELECT count(*), count(DISTINCT track_id) FROM plays")
    assert plays > 1000
    assert tracks > 100
    assert demo_library.query_one("SELECT count(*) FROM top_tracks WHERE term = 'short_term'")[0] == 50
    rules = {r.id: r for r in example_rules().rules}
    stale = ordered_track_ids(demo_library, rules["liked-not-played-90-days"], REFERENCE_TIME)
    recent = {r[0] for r in demo_library.query("SELECT DISTINCT track_id FROM plays WHERE played_at >= ?",
                                                [REFERENCE_TIME - timedelta(days=90)])}
    assert stale
    assert not recent & set(stale)
    top = ordered_track_ids(demo_library, rules["top-50-not-liked"], REFERENCE_TIME)
    liked = {r[0] for r in demo_library.query("SELECT track_id FROM track_view WHERE liked")}
    assert top
    assert not liked & set(top)


def test_rules_page_builds_sorts_and_charts_a_rule_on_plays_last_30_days(demo_library, monkeypatch, tmp_path):
    monkeypatch.setenv("AUTOPLAYLISTS_DEMO_DB", demo_library.target)
    monkeypatch.setenv("AUTOPLAYLISTS_DB", str(tmp_path / "mine.duckdb"))
    at = AppTest.from_file(str(ROOT / "pages" / "rules.py"), default_timeout=60)
    at.session_state["app.library_choice"] = "demo"
    at.run()
    label = "plays in the last 30 days"
    next(s for s in at.selectbox if s.key.endswith(".field")).select(label).run()
    assert not at.exception
    at.selectbox(key="rules.g1.sort0").select(label).run()
    at.selectbox(key="rules.g1.chart_field").select(label).run()
    assert not at.exception
    assert "plays_last_30_days" in [s.value for s in at.selectbox if s.key.endswith(".field")]


def test_a_disabled_rule_shows_its_saved_schedule_on_the_rules_page(env):
    from lib.autopilot import Schedule, set_schedule

    settings = env()
    lib = open_library(settings.db)
    save_rule(lib, {**LIKED_RULE, "enabled": False})
    set_schedule(lib, rule_task("liked-songs"), Schedule("daily", at_time="06:30"))
    at = _page("rules").run()
    assert not at.exception
    assert at.selectbox(key="sched.rules.liked-songs.kind").value == "daily"
    assert rule_task("liked-songs") not in {t.task for t in task_states(lib)}     # it never runs
