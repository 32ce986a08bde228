"""Autopilot against the fake Spotify: a sync + push cycle, nothing due, quota stop and resume, one instance."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest

from lib.autopilot import (
    EXIT_BUSY,
    EXIT_OK,
    EXIT_PAUSED,
    LISTENING_TASK,
    AutopilotBusy,
    Schedule,
    instance_lock,
    rule_task,
    run_once,
    set_schedule,
    task_states,
)
from lib.clock import stored_now
from lib.config import PROJECT_ROOT
from lib.rules.repo import save_rule
from lib.spotify import connect_client
from lib.spotify.sync import sync_library
from lib.store import data_version, list_jobs, push_store
from lib.store.schedule_store import schedule_rows
from tests.autopilot.conftest import LIKED_RULE


def _liked_uris(fake) -> list[str]:
    data = fake.data
    return [f"spotify:track:{t}" for t in sorted((t for _, t in data.liked), key=lambda t: data.tracks[t]["name"])]


@pytest.fixture
def scheduled(lib, client, fake_spotify, settings):
    """Liked Songs synced once (so it is the chosen source) and a rule pushed every 6 hours."""
    fake_spotify.data.like(fake_spotify.data.make_tracks(30))
    sync_library(lib, client, liked=True)
    save_rule(lib, LIKED_RULE)
    set_schedule(lib, rule_task("liked-songs"), Schedule("hours", every_hours=6))
    return lib


def test_a_due_rule_is_synced_then_pushed_and_every_step_is_a_job(scheduled, fake_spotify, settings):
    new = fake_spotify.data.make_tracks(5, prefix="Fresh")
    fake_spotify.data.like(new)
    report = run_once(scheduled, settings)
    assert report.code == EXIT_OK, report.lines
    link = push_store.get_link(scheduled, "liked-songs")
    assert fake_spotify.data.playlist_uris(link.playlist_id) == _liked_uris(fake_spotify)
    assert any(f"spotify:track:{t}" in fake_spotify.data.playlist_uris(link.playlist_id) for t in new)
    jobs = {j.kind: j for j in list_jobs(scheduled, parent_id=report.job_id)}
    assert set(jobs) >= {"sync", "push", "listening"}
    assert all(j.status == "done" for j in jobs.values())
    parent = next(j for j in list_jobs(scheduled, kind="autopilot"))
    assert parent.status == "done"
    assert parent.requests == report.requests > 0
    row = schedule_rows(scheduled)[rule_task("liked-songs")]
    assert row["last_status"] == "done"
    assert row["last_message"].endswith("; playlist created")       # the first push made it
    assert row["last_run_at"] is not None
    state = next(t for t in task_states(scheduled) if t.rule_id == "liked-songs")
    assert not state.due
    assert state.next_run_at - row["last_run_at"] == timedelta(hours=6)


def test_nothing_due_makes_no_request_and_no_job(scheduled, fake_spotify, settings):
    assert run_once(scheduled, settings).code == EXIT_OK
    jobs_before, version = len(list_jobs(scheduled)), data_version(scheduled)
    fake_spotify.reset_log()
    report = run_once(scheduled, settings)
    assert data_version(scheduled) == version          # nothing written into the library either
    assert report.code == EXIT_OK
    assert report.lines == ["nothing due"]
    assert fake_spotify.count(api_only=False) == 0
    assert len(list_jobs(scheduled)) == jobs_before
    # a day later the rule is due again
    later = run_once(scheduled, settings, now=stored_now() + timedelta(hours=7))
    assert later.code == EXIT_OK
    assert fake_spotify.count() > 0


def test_a_quota_stop_pauses_until_retry_after_then_the_next_run_resumes(scheduled, fake_spotify, settings):
    fake_spotify.inject("quota", r"/me/playlists$", method="POST", retry_after=3600)
    report = run_once(scheduled, settings)
    assert report.code == EXIT_PAUSED
    assert report.paused_until is not None
    assert push_store.get_link(scheduled, "liked-songs") is None
    assert schedule_rows(scheduled)[rule_task("liked-songs")]["last_status"] == "paused"
    assert next(j for j in list_jobs(scheduled, kind="autopilot")).status == "paused"
    fake_spotify.reset_log()
    soon = run_once(scheduled, settings, now=stored_now() + timedelta(minutes=30))
    assert soon.code == EXIT_PAUSED
    assert fake_spotify.count(api_only=False) == 0
    resumed = run_once(scheduled, settings, now=report.paused_until + timedelta(seconds=1))
    assert resumed.code == EXIT_OK, resumed.lines
    link = push_store.get_link(scheduled, "liked-songs")
    assert fake_spotify.data.playlist_uris(link.playlist_id) == _liked_uris(fake_spotify)
    assert schedule_rows(scheduled)[rule_task("liked-songs")]["last_status"] == "done"


def test_a_playlist_edited_on_spotify_is_not_overwritten(scheduled, fake_spotify, settings):
    assert run_once(scheduled, settings).code == EXIT_OK
    link = push_store.get_link(scheduled, "liked-songs")
    outside = fake_spotify.data.make_tracks(1, prefix="Outside")
    fake_spotify.data.add_entries(link.playlist_id, [("track", outside[0])])
    report = run_once(scheduled, settings, now=stored_now() + timedelta(hours=7))
    assert report.code == EXIT_OK
    assert f"spotify:track:{outside[0]}" in fake_spotify.data.playlist_uris(link.playlist_id)
    row = schedule_rows(scheduled)[rule_task("liked-songs")]
    assert row["last_status"] == "skipped"
    assert "changed on Spotify" in row["last_message"]
    # merge, as set for the rule, keeps the outside track and pushes
    set_schedule(scheduled, rule_task("liked-songs"), Schedule("hours", every_hours=6, mode="merge"))
    merged = run_once(scheduled, settings, now=stored_now() + timedelta(hours=14))
    assert merged.code == EXIT_OK
    assert schedule_rows(scheduled)[rule_task("liked-songs")]["last_status"] == "done"
    assert f"spotify:track:{outside[0]}" in fake_spotify.data.playlist_uris(link.playlist_id)


def test_listening_runs_on_its_own_schedule_without_a_sync(lib, fake_spotify, settings):
    ids = fake_spotify.data.make_tracks(4)
    fake_spotify.data.play(ids)
    set_schedule(lib, LISTENING_TASK, Schedule("hours", every_hours=1))
    report = run_once(lib, settings)
    assert report.code == EXIT_OK, report.lines
    assert fake_spotify.count(path=r"/me/player/recently-played$") == 1
    assert fake_spotify.count(path=r"/me/(tracks|playlists)$") == 0
    assert lib.query_one("SELECT count(*) FROM plays")[0] == 4


def test_a_second_instance_is_refused_with_exit_code_3(tmp_path):
    db = str(tmp_path / "library.duckdb")
    with instance_lock(db):
        with pytest.raises(AutopilotBusy), instance_lock(db):
            pass
        done = subprocess.run([sys.executable, "-m", "lib", "autopilot", "--db", db], cwd=PROJECT_ROOT,
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == EXIT_BUSY
    assert "already running" in done.stderr
    with instance_lock(db):         # released with its holder
        pass


def test_not_connected_fails_clearly_without_touching_the_schedules(scheduled, settings):
    from dataclasses import replace
    from pathlib import Path

    Path(settings.token_cache).unlink()
    report = run_once(scheduled, replace(settings))
    assert report.code == 1
    assert "not connected" in report.lines[-1]
    assert schedule_rows(scheduled)[rule_task("liked-songs")]["last_run_at"] is None


def test_client_for_cli_is_the_real_one(settings):
    assert connect_client(settings).request_count == 0


def test_new_tracks_are_enriched_by_the_chosen_providers_before_the_push(scheduled, fake_spotify, settings):
    from lib.autopilot import ENRICH_SETTING
    from lib.store.enrichment_store import set_setting

    with scheduled.transaction() as cur:
        set_setting(cur, ENRICH_SETTING, ["spotify-artist-genres"])
    report = run_once(scheduled, settings)
    assert report.code == EXIT_OK, report.lines
    assert any(line.startswith("enrich: Spotify artist genres") for line in report.lines)
    assert fake_spotify.count("GET", r"/artists/[^/]+$") > 0
    enriched = scheduled.query_one("SELECT count(*) FROM track_view WHERE len(genres) > 0")[0]
    assert enriched > 0
    # nothing new next time: the provider is not run again
    fake_spotify.reset_log()
    again = run_once(scheduled, settings, now=stored_now() + timedelta(hours=7))
    assert not any(line.startswith("enrich") for line in again.lines)
    assert fake_spotify.count("GET", r"/artists/[^/]+$") == 0


def test_loop_runs_in_the_foreground(tmp_path):
    from lib.store import open_library

    db = str(tmp_path / "library.duckdb")
    open_library(db)
    proc = subprocess.Popen([sys.executable, "-m", "lib", "autopilot", "--loop", "--every", "1", "--db", db],
                            cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "SPOTIFY_TOKEN_CACHE": str(tmp_path / "none.json")})
    try:
        first, second = proc.stdout.readline(), proc.stdout.readline()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert "running every 1 min" in first
    assert "autopilot: nothing due" in second
