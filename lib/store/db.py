"""The Library: short-lived DuckDB connections, cursors per call, lock retries and transactions."""

from __future__ import annotations

import hashlib
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from lib.errors import LibraryBusyError, LibraryError
from lib.store.memory import memory_limit, retry_out_of_memory
from lib.store.unit_of_work import Write, writer_slot

_LOCK_MARKERS = ("Could not set lock", "Conflicting lock")
# Rows per DuckDB row group in library files. Scans run one thread per row group, so the default
# (122,880) would leave a 100,000-track library to a single core; 16,384 lets every core help.
ROW_GROUP_SIZE = 16_384
T = TypeVar("T")


def _is_lock_error(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and any(m in str(exc) for m in _LOCK_MARKERS)


def is_file_target(target: str) -> bool:
    """True for a plain file path; False for ':memory:' and attached services such as 'md:'."""
    return not (target == ":memory:" or target.startswith(":memory:") or ":" in target.split("/")[0])


class Library:
    """A music library stored in one DuckDB database.

    For a file, every operation opens its own connection and closes it afterwards, so the
    dashboard never holds the file while a CLI job (another process) needs it; a lock held by
    the other process is waited out for up to ``busy_timeout`` seconds. For ``:memory:`` and
    ``md:`` targets one connection is kept and each call gets its own cursor, which keeps
    threads from sharing a cursor.
    """

    def __init__(self, target: str, *, busy_timeout: float = 30.0, migrate: bool = True):
        self.target = str(target)
        self.busy_timeout = busy_timeout
        self._shared: duckdb.DuckDBPyConnection | None = None
        self._shared_lock = threading.Lock()
        if is_file_target(self.target):
            Path(self.target).expanduser().parent.mkdir(parents=True, exist_ok=True)
        if migrate:
            from lib.store.schema import migrate as apply_migrations
            from lib.store.track_view import refresh_stale_track_view

            def migrate_and_heal(cur: duckdb.DuckDBPyConnection) -> None:
                apply_migrations(cur)
                refresh_stale_track_view(cur)  # an import that stopped between its two transactions

            with self.write() as w:
                migrate_and_heal(w.cur)

    @property
    def is_file(self) -> bool:
        return is_file_target(self.target)

    def _open_file(self) -> duckdb.DuckDBPyConnection:
        """A connection whose default catalog is the library file.

        The file is attached to an in-memory DuckDB instance named after it, because only ATTACH
        takes a row-group size. Connections in this process share that instance (DuckDB caches it
        by name) and so the one attachment; the file is released when the last one closes.
        """
        path = str(Path(self.target).expanduser().resolve())
        instance = ":memory:library-" + hashlib.sha1(path.encode()).hexdigest()[:16]
        con = duckdb.connect(instance, config={"temp_directory": path + ".tmp", "memory_limit": memory_limit()})
        try:
            con.execute(f"ATTACH IF NOT EXISTS $path AS library (ROW_GROUP_SIZE {ROW_GROUP_SIZE:d})", {"path": path})
            con.execute("USE library")
        except BaseException:
            con.close()
            raise
        return con

    def _connect_file(self) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.busy_timeout
        delay = 0.02
        while True:
            try:
                return self._open_file()
            except duckdb.IOException as exc:
                if not _is_lock_error(exc):
                    raise LibraryError(f"Cannot open library {self.target!r}: {exc}") from exc
                if time.monotonic() >= deadline:
                    raise LibraryBusyError(
                        f"The library {self.target!r} is in use by another program "
                        f"(waited {self.busy_timeout:.0f} s). Try again when it has finished."
                    ) from None
                time.sleep(delay + random.uniform(0, delay))
                delay = min(delay * 2, 0.5)
            except duckdb.Error as exc:
                raise LibraryError(f"Cannot open library {self.target!r}: {exc}") from exc

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for this call only; fetch results eagerly inside the block."""
        if self.is_file:
            con = self._connect_file()
            try:
                yield con
            finally:
                con.close()
            return
        with self._shared_lock:
            if self._shared is None:
                try:
                    self._shared = duckdb.connect(self.target)
                except duckdb.Error as exc:
                    raise LibraryError(f"Cannot open library {self.target!r}: {exc}") from exc
            cur = self._shared.cursor()
        try:
            yield cur
        finally:
            cur.close()

    @property
    def _writer_key(self) -> object:
        return str(Path(self.target).expanduser().resolve()) if self.is_file else self

    @contextmanager
    def write(self) -> Iterator[Write]:
        """The unit of work every write goes through: one transaction on `w.cur`; what the block
        `w.touch(...)`es (or `w.touch_all()`) is refreshed in track_view before the COMMIT.

        Writers in this process wait for each other (one at a time per library), and for another
        process's lock, up to `busy_timeout` seconds; then LibraryBusyError."""
        with writer_slot(self._writer_key, self.target, self.busy_timeout), self.cursor() as cur, atomic(cur):
            w = Write(cur)
            yield w
            w.refresh()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write that changes nothing track_view shows (jobs, rules, push history): commits whole or not at all."""
        with self.write() as w:
            yield w.cur

    def run_transaction(self, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """`work(cur)` in one transaction, run again with more memory if DuckDB runs out (see
        `retry_out_of_memory`); for bulk writes and full rebuilds of the flattened view."""
        with writer_slot(self._writer_key, self.target, self.busy_timeout), self.cursor() as cur:
            def attempt() -> T:
                with atomic(cur):
                    return work(cur)
            return retry_out_of_memory(cur, attempt)

    def query(self, sql: str, params: Sequence[Any] | dict | None = None) -> list[tuple]:
        with self.cursor() as cur:
            return cur.execute(sql, params or []).fetchall()

    def query_one(self, sql: str, params: Sequence[Any] | dict | None = None) -> tuple | None:
        with self.cursor() as cur:
            return cur.execute(sql, params or []).fetchone()

    def query_df(self, sql: str, params: Sequence[Any] | dict | None = None):
        with self.cursor() as cur:
            return cur.execute(sql, params or []).df()

    def execute(self, sql: str, params: Sequence[Any] | dict | None = None) -> None:
        with self.transaction() as cur:
            cur.execute(sql, params or [])

    def close(self) -> None:
        with self._shared_lock:
            if self._shared is not None:
                self._shared.close()
                self._shared = None

    def __repr__(self) -> str:
        return f"Library({self.target!r})"


@contextmanager
def atomic(cur: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A transaction on a cursor the caller already has (e.g. one holding temporary tables); it moves
    the library's data version on (see `data_version`)."""
    cur.execute("BEGIN TRANSACTION")
    try:
        yield cur
        cur.execute("SELECT nextval('data_version')")
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    cur.execute("COMMIT")


def data_version(library: Library) -> int:
    """A number that changes with every committed write: one cheap read to key caches on. A sequence,
    not a table row, so that concurrent transactions never conflict over it."""
    row = library.query_one("SELECT last_value FROM duckdb_sequences() WHERE sequence_name = 'data_version'"
                            " AND database_name = current_database()")
    return int(row[0] or 0) if row else 0


def library_has_content(library: Library) -> bool:
    """True once anything was imported, synced or saved (tracks, sources or rules)."""
    row = library.query_one("SELECT (SELECT count(*) FROM tracks) + (SELECT count(*) FROM sources)"
                            " + (SELECT count(*) FROM rules)")
    return bool(row and row[0])


def open_library(target: str, **kwargs) -> Library:
    """Open (creating if needed) a library and bring its schema up to date."""
    return Library(target, **kwargs)
