"""One autopilot at a time per library: an exclusive, non-blocking lock on a file next to it."""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lib.errors import AutoPlaylistsError
from lib.store import is_file_target


class AutopilotBusy(AutoPlaylistsError):
    """Another autopilot holds this library's lock."""


def lock_path(target: str) -> Path:
    """<library>.autopilot.lock for a file; a temp-dir file named after the target otherwise."""
    if is_file_target(target):
        path = Path(target).expanduser().resolve()
        return path.with_name(path.name + ".autopilot.lock")
    return Path(tempfile.gettempdir()) / f"autopilot-{hashlib.sha1(target.encode()).hexdigest()[:12]}.lock"


@contextmanager
def instance_lock(target: str) -> Iterator[Path]:
    """Hold the lock for the block; raise AutopilotBusy at once if another process holds it.

    The OS releases it when the holder exits, however it exits, so a crash never leaves it stuck."""
    path = lock_path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
            raise AutopilotBusy(f"Autopilot is already running for this library (process {holder}, lock "
                                f"{path}); this run exits without doing anything.") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield path
    finally:
        os.close(fd)
