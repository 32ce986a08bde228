"""The headless command line: `python -m lib COMMAND ...`; each area registers its commands."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from lib.config import load_settings
from lib.errors import AutoPlaylistsError

# Each module defines register(subparsers, common) and sets `func(args) -> int` on its parsers.
COMMAND_MODULES = (
    "lib.cli.library_commands",
    "lib.cli.rules_commands",
    "lib.cli.spotify_commands",
    "lib.cli.enrich_commands",
    "lib.cli.push_commands",
    "lib.cli.autopilot_commands",
)


def common_parser() -> argparse.ArgumentParser:
    """Options every command takes."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db", metavar="PATH",
        help="library database (a DuckDB path, ':memory:' or 'md:...'); "
             "default: $AUTOPLAYLISTS_DB or data/library.duckdb",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lib",
        description="spotify-auto-playlists: load, enrich, explore and push rule-driven playlists.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    common = common_parser()
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, common)
    return parser


def open_cli_library(args, *, create: bool = False):
    """The library named by --db, else the configured default. Only commands that write pass
    `create=True`: a mistyped --db then makes a new library and says so; for any other command it is
    an error, and no folder or file is made."""
    from pathlib import Path

    from lib.store import is_file_target, open_library

    settings = load_settings()
    target = args.db or settings.db
    if create and is_file_target(target) and not Path(target).expanduser().exists():
        library = open_library(target, memory_limit=settings.memory_limit)
        print(f"created a new library at {target}", file=sys.stderr)
        return library
    return open_library(target, create=False, memory_limit=settings.memory_limit)


def _os_message(exc: OSError) -> str:
    """'/x/rules.json: No such file or directory' — the file and the reason, without a traceback."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    names = [n for n in (exc.filename, exc.filename2) if n]
    return f"{' → '.join(str(n) for n in names)}: {reason}" if names else reason


def _quiet_stdout() -> None:
    # The reader went away (`... | head`): send what is left nowhere, so exit does not fail to flush.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every error ends as one line on stderr and exit 1 (a closed pipe: quietly, 0)."""
    import duckdb

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except AutoPlaylistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except OSError as exc:
        print(f"error: {_os_message(exc)}", file=sys.stderr)
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"error: the library refused it ({type(exc).__name__}): {first}", file=sys.stderr)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 1
