"""The Library: short-lived DuckDB connections, cursors per call, and the one write path."""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from lib.errors import LibraryBusyError, LibraryError
from lib.store.unit_of_work import Write, writer_slot

_LOCK_MARKERS = ("Could not set lock", "Conflicting lock")


def _is_lock_error(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and any(m in str(exc) for m in _LOCK_MARKERS)


def is_file_target(target: str) -> bool:
    """True for a plain file path; False for ':memory:' and attached services such as 'md:'."""
    return not (target == ":memory:" or target.startswith(":memory:") or ":" in target.split("/")[0])


# DuckDB's memory for a library unless the caller passes the configured one (lib.config's
# memory_limit setting); beyond it, work spills to `<library>.tmp`. A 100,000-track re-import needs
# 256MB; twice that for headroom.
DEFAULT_MEMORY_LIMIT = "512MB"


def _config(target: str, memory_limit: str) -> dict:
    # No downloads behind the user's back: a --db naming an SQLite file or a URL must not fetch
    # extensions from the internet. A MotherDuck target ('md:') needs its extension, on purpose.
    remote = target.startswith("md:")
    return {"memory_limit": memory_limit, "autoinstall_known_extensions": remote,
            "autoload_known_extensions": remote}


def _out_of_memory(target: str, memory_limit: str) -> LibraryError:
    return LibraryError(
        f"The library {target!r} needed more memory than DuckDB may use ({memory_limit}). Raise the "
        "limit with the AUTOPLAYLISTS_MEMORY_LIMIT environment variable or memory_limit in the [library] "
        "section of secrets.toml (e.g. 1GB), then try again; nothing was changed.")


class Library:
    """A music library stored in one DuckDB database.

    For a file, every operation opens its own connection and closes it afterwards, so the
    dashboard never holds the file while a CLI job (another process) needs it; a lock held by
    the other process is waited out for up to ``busy_timeout`` seconds. For ``:memory:`` and
    ``md:`` targets one connection is kept and each call gets its own cursor, which keeps
    threads from sharing a cursor. A file this process may not write is opened read-only.
    ``create=False`` refuses a file that does not exist instead of making an empty library.
    """

    def __init__(self, target: str, *, busy_timeout: float = 30.0, migrate: bool = True, create: bool = True,
                 memory_limit: str = DEFAULT_MEMORY_LIMIT):
        self.target = str(target)
        self.memory_limit = memory_limit
        self.busy_timeout = busy_timeout
        self._shared: duckdb.DuckDBPyConnection | None = None
        self._shared_lock = threading.Lock()
        self.read_only = False
        if self.is_file:
            path = Path(self.target).expanduser()
            if path.exists():
                self.read_only = not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))
            elif not create:
                raise LibraryError(f"There is no library at {self.target!r}; check the path (commands that only"
                                   " read never create one).")
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
        if migrate:
            self._migrate()

    def _migrate(self) -> None:
        from lib.store.jobs import mark_interrupted_jobs
        from lib.store.schema import migrate, pending_migrations

        with self.cursor() as cur:
            pending = pending_migrations(cur)
        if pending and self.read_only:
            raise LibraryError(f"The library {self.target!r} is read-only and was made by an older version;"
                               " open it once where it can be written to bring it up to date.")
        if pending:
            with self.write() as w:
                migrate(w.cur)
                w.touch_all()
        if not self.read_only:
            mark_interrupted_jobs(self)

    @property
    def is_file(self) -> bool:
        return is_file_target(self.target)

    def _open_file(self) -> duckdb.DuckDBPyConnection:
        path = str(Path(self.target).expanduser().resolve())
        config = _config(path, self.memory_limit) | {"temp_directory": path + ".tmp"}
        con = duckdb.connect(path, read_only=self.read_only, config=config)
        try:
            con.execute("SET GLOBAL TimeZone = 'UTC'")  # DEFAULT current_timestamp stores UTC
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
                    raise LibraryError(f"Cannot open library {self.target!r}: {exc}") from None
                if time.monotonic() >= deadline:
                    raise LibraryBusyError(
                        f"The library {self.target!r} is in use by another program "
                        f"(waited {self.busy_timeout:g} s). Try again when it has finished."
                    ) from None
                time.sleep(delay + random.uniform(0, delay))
                delay = min(delay * 2, 0.5)
            except duckdb.Error as exc:
                raise LibraryError(f"Cannot open library {self.target!r}: {exc}") from None

    @contextmanager
    def _raw_cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
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
                    self._shared = duckdb.connect(self.target, config=_config(self.target, self.memory_limit))
                    self._shared.execute("SET GLOBAL TimeZone = 'UTC'")
                except duckdb.Error as exc:
                    raise LibraryError(f"Cannot open library {self.target!r}: {exc}") from None
            cur = self._shared.cursor()
        try:
            yield cur
        finally:
            cur.close()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for this call only; fetch results eagerly inside the block."""
        try:
            with self._raw_cursor() as cur:
                yield cur
        except duckdb.OutOfMemoryException:
            raise _out_of_memory(self.target, self.memory_limit) from None

    @property
    def _writer_key(self) -> object:
        return str(Path(self.target).expanduser().resolve()) if self.is_file else self

    @contextmanager
    def write(self) -> Iterator[Write]:
        """The unit of work every write goes through: one transaction on `w.cur`; what the block
        `w.touch(...)`es (or `w.touch_all()`) is refreshed in track_view before the COMMIT.

        Writers in this process wait for each other (one at a time per library), and for another
        process's lock, up to `busy_timeout` seconds; then LibraryBusyError."""
        if self.read_only:
            raise LibraryError(f"The library {self.target!r} is read-only (no permission to write the file or"
                               " its folder); it can be read, not changed.")
        with writer_slot(self._writer_key, self.target, self.busy_timeout), self.cursor() as cur, atomic(cur):
            w = Write(cur)
            yield w
            w.refresh()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write that changes nothing track_view shows (jobs, rules, push history): commits whole or not at all."""
        with self.write() as w:
            yield w.cur

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
    """Open (creating if needed, unless create=False) a library and bring its schema up to date."""
    return Library(target, **kwargs)
