"""A job whose process was killed shows as interrupted (then stays so), and it resumes."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

from lib.config import PROJECT_ROOT
from lib.enrich import run_enrichment, set_reccobeats_opt_in
from lib.enrich.runner import resumable_job
from lib.store import get_job, job_events, open_library
from tests.enrich.conftest import add_tracks


def test_a_killed_job_is_interrupted_and_resumes(library, fake_reccobeats, rb_settings):
    ids = add_tracks(library, 5)
    for track_id in ids:
        fake_reccobeats.add_track(track_id, energy=0.7, valence=0.6)
    set_reccobeats_opt_in(library, True)
    worker = textwrap.dedent("""
        import sys, time
        from lib.store import create_job, open_library
        print(create_job(open_library(sys.argv[1]), "enrich", "reccobeats", message="working"), flush=True)
        time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", worker, library.target], cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
                            text=True)
    try:
        job_id = int(proc.stdout.readline())
        assert get_job(library, job_id).status == "running"       # its process is alive
        assert resumable_job(library, "reccobeats") is None       # so nobody resumes it under it
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    shown = get_job(library, job_id)
    assert (shown.status, shown.message.split(":")[0]) == ("interrupted", "interrupted")
    open_library(library.target)                                  # the next open stores it
    assert library.query_one("SELECT status FROM jobs WHERE job_id = ?", [job_id]) == ("interrupted",)
    assert [e[1] for e in job_events(library, job_id)] == ["running", "interrupted"]
    assert resumable_job(library, "reccobeats").job_id == job_id
    result = run_enrichment(library, "reccobeats", rb_settings, resume_job_id=job_id)
    assert (result.job_id, result.status, result.ok) == (job_id, "done", 5)
    assert get_job(library, job_id).status == "done"
