"""DuckDB's memory limit for library files: the configured size, and work run again with more when it runs out."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TypeVar

import duckdb

T = TypeVar("T")
# Work that runs out of the limit is run again with it doubled, up to this many times.
MEMORY_RETRIES = 3
_UNITS = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12, "ki": 2**10, "mi": 2**20, "gi": 2**30, "ti": 2**40}


_decided: list[str] = []          # the limit, once decided for this process
_decided_lock = threading.Lock()


def memory_limit() -> str:
    """DuckDB's memory for a library file (data it caches, query intermediates), from the settings
    (AUTOPLAYLISTS_MEMORY_LIMIT or [library] memory_limit); beyond it, work spills to `<library>.tmp`.
    DuckDB's own default (80% of RAM) let a 100k-track import's cache grow to ~300 MB. Decided once per
    process: every connection to a file shares one DuckDB instance, which refuses a different one."""
    with _decided_lock:
        if not _decided:
            from lib.config import load_settings

            _decided.append(load_settings().memory_limit)
        return _decided[0]


def use_memory_limit(value: str) -> None:
    """Decide the limit from settings the caller has read (the app's, which include st.secrets), unless
    a library was opened already."""
    with _decided_lock:
        if not _decided:
            _decided.append(value)


def _shown_limit(cur: duckdb.DuckDBPyConnection) -> str:
    return str(cur.execute("SELECT current_setting('memory_limit')").fetchone()[0]).strip()


def _size_range(shown: str) -> tuple[int, int]:
    """The bytes a size shown by DuckDB can stand for: it cuts the figure to its decimals ('137.3 MiB'
    is [137.3, 137.4) MiB); (0, 0) when unreadable."""
    from lib.config import SIZE

    match = SIZE.fullmatch(shown.strip())
    if not match:
        return 0, 0
    unit, decimals = _UNITS[(match[2] or "").lower()], len(match[1].partition(".")[2])
    return int(float(match[1]) * unit), int((float(match[1]) + 10.0 ** -decimals) * unit)


def _size_bytes(shown: str) -> int:
    """The middle of that range, so that setting it shows the same figure again (no creeping down)."""
    low, high = _size_range(shown)
    return (low + high) // 2


class _Raises:
    """Retries under way per DuckDB instance (every connection to a file shares its limit), and the limit
    to put back when the last of them ends, so that overlapping retries neither keep nor cut another's."""

    def __init__(self):
        self.lock = threading.Lock()
        self.under_way: dict[str, list] = {}      # instance → [retries under way, limit shown before them]

    @staticmethod
    def instance(cur: duckdb.DuckDBPyConnection) -> str:
        row = cur.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
        return (row and row[0]) or "(memory)"

    def begin(self, cur: duckdb.DuckDBPyConnection) -> str | None:
        key = self.instance(cur)
        with self.lock:
            entry = self.under_way.get(key)
            if entry is None:
                shown = _shown_limit(cur)
                if not _size_bytes(shown):
                    return None
                entry = self.under_way[key] = [0, shown]
            entry[0] += 1
        return key

    def grow(self, cur: duckdb.DuckDBPyConnection, key: str, attempt: int) -> None:
        with self.lock:
            wanted = _size_bytes(self.under_way[key][1]) << attempt
            if wanted > _size_bytes(_shown_limit(cur)):
                cur.execute(f"SET memory_limit = '{wanted:d}B'")

    def end(self, cur: duckdb.DuckDBPyConnection, key: str) -> None:
        with self.lock:
            entry = self.under_way[key]
            entry[0] -= 1
            if entry[0]:
                return
            del self.under_way[key]
            low, high = _size_range(entry[1])
            configured = memory_limit()
            if low <= _size_range(configured)[0] < high:  # it was the configured size: put that back exactly
                cur.execute("SET memory_limit = ?", [configured])
            else:
                cur.execute(f"SET memory_limit = '{_size_bytes(entry[1]):d}B'")


_RAISES = _Raises()


def retry_out_of_memory(cur: duckdb.DuckDBPyConnection, work: Callable[[], T]) -> T:
    """Run `work()` (one transaction on `cur`, which leaves nothing behind when it fails); when DuckDB runs
    out of its memory limit, run it again with the limit doubled, at most MEMORY_RETRIES times, then put
    the limit back.

    The configured limit keeps a 100k-track library's work (and the process's memory) small, but a bigger
    library needs more for the same work: DuckDB holds its indexes in memory, and the joins hold whole tables.
    """
    raised: str | None = None      # the instance whose limit this call raised
    attempt = 0
    try:
        while True:
            try:
                result = work()
                break
            except duckdb.OutOfMemoryException:
                attempt += 1
                if attempt > MEMORY_RETRIES:
                    raise
                raised = raised or _RAISES.begin(cur)
                if raised is None:  # a limit this cannot read: leave it alone
                    raise
                _RAISES.grow(cur, raised, attempt)
    except BaseException:
        if raised is not None:
            with contextlib.suppress(duckdb.Error):  # the error that ended the work is the one to see
                _RAISES.end(cur, raised)
        raise
    if raised is not None:
        _RAISES.end(cur, raised)
    return result
