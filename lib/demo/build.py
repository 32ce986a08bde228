"""Write the generated demo content into a library file in one transaction."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd

from lib.config import load_settings
from lib.demo.generate import DEMO_SEED, DemoData, generate_demo
from lib.demo.listening import demo_plays, demo_top
from lib.demo.sources import REFERENCE_TIME
from lib.rules.examples import install_example_rules
from lib.store import Library, is_file_target, open_library
from lib.store.catalog import clear_catalog, replace_source_tracks, upsert_source, upsert_tracks, write_enrichment_frame
from lib.store.jobs import pid_alive
from lib.store.listening_store import store_plays

DEMO_PROVIDER = "demo"
DEMO_PROVIDER_VERSION = "demo-1"


def enrichment_frame(data: DemoData) -> pd.DataFrame:
    """The demo's audio features and genres as long enrichment rows (provider 'demo', origin 'file')."""
    numbers = data.features.melt(id_vars="track_id", var_name="field", value_name="num_value").dropna()
    genres = pd.DataFrame({"track_id": list(data.genres), "field": "genres", "list_value": list(data.genres.values())})
    frame = pd.concat([numbers, genres], ignore_index=True)
    frame["provider"] = DEMO_PROVIDER
    frame["origin"] = "file"
    frame["provider_version"] = DEMO_PROVIDER_VERSION
    frame["fetched_at"] = REFERENCE_TIME
    return frame


def write_demo(library: Library, data: DemoData, seed: int) -> None:
    """Store `data` in place of every track, source and value the library holds (all or nothing)."""
    with library.write() as w:
        cur = w.cur
        clear_catalog(cur)
        upsert_tracks(cur, data.tracks, origin="demo")
        for source in data.sources:
            upsert_source(cur, source.record)
            if source.record.readable:
                replace_source_tracks(cur, source.record.source_id, source.members, snapshot_id=source.snapshot_id,
                                      local_count=source.local_count, episode_count=source.episode_count,
                                      null_count=source.null_count, synced_at=REFERENCE_TIME)
        write_enrichment_frame(cur, enrichment_frame(data))
        cur.execute("INSERT OR REPLACE INTO meta VALUES ('library_kind', 'demo'), ('demo_seed', ?)", [str(seed)])
        write_demo_listening(w, data, seed)
        w.touch_all()
    # Rules read track_view, so they go in once the tracks are there; a newcomer sees working rules at once.
    install_example_rules(library)


def write_demo_listening(w, data: DemoData, seed: int) -> None:
    """Generated plays and the top lists they make, read 'at' the demo's reference time."""
    plays = demo_plays(data, seed)
    store_plays(w, [], plays, origin="demo")
    for term, ids in demo_top(plays).items():
        w.cur.executemany("INSERT INTO top_tracks (term, rank, track_id, read_at) VALUES (?, ?, ?, ?)",
                          [[term, rank, tid, REFERENCE_TIME] for rank, tid in enumerate(ids, start=1)])


def _remove_db_files(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".wal")):
        candidate.unlink(missing_ok=True)
    shutil.rmtree(path.with_name(path.name + ".tmp"), ignore_errors=True)  # DuckDB's spill folder


def _remove_stale_builds(final: Path) -> None:
    """Partial files of builds whose process is gone (killed): `.NAME.PID.building` next to the target."""
    for partial in final.parent.glob(f".{final.name}.*.building"):
        pid = partial.name[len(final.name) + 2:-len(".building")]
        if pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
            _remove_db_files(partial)


def build_demo_library(target: str, *, seed: int = DEMO_SEED, n_tracks: int = 3000) -> Library:
    """Build the demo library at `target`, replacing whatever is there; same seed → same library.

    A file is built next to the target and moved over it (os.replace, atomic) only when complete, so
    a failed or killed build leaves the previous file as it was; partial files of killed builds are
    cleaned up by the next build.
    """
    data = generate_demo(seed, n_tracks)
    if not is_file_target(str(target)):
        library = _open(target)
        write_demo(library, data, seed)
        return library
    final = Path(target).expanduser()
    final.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(final)
    partial = final.with_name(f".{final.name}.{os.getpid()}.building")
    _remove_db_files(partial)
    try:
        write_demo(_open(partial), data, seed)
        # Every connection is closed, so the partial file is checkpointed whole; a log left by the old
        # file would be replayed onto the new one.
        final.with_name(final.name + ".wal").unlink(missing_ok=True)
        os.replace(partial, final)
    finally:
        _remove_db_files(partial)
    return _open(final)


def _open(target) -> Library:
    return open_library(str(target), memory_limit=load_settings().memory_limit)


def ensure_demo_library(target: str) -> Library:
    """Open the demo library, building it first when it is missing or holds no tracks."""
    if is_file_target(str(target)) and not Path(target).expanduser().exists():
        return build_demo_library(target)
    library = _open(target)
    if library.query_one("SELECT count(*) FROM tracks")[0] == 0:
        return build_demo_library(target)
    return library
