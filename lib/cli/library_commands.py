"""CLI commands for the library: demo, import-csv, export and info."""

from __future__ import annotations

import sys
from pathlib import Path

from lib.config import load_settings
from lib.errors import AutoPlaylistsError, ValidationError


def register(sub, common) -> None:
    """Add this area's subcommands to the parser."""
    demo = sub.add_parser("demo", parents=[common], help="build the demo library (default: the demo library file)")
    demo.add_argument("--force", action="store_true", help="replace a library that holds non-demo data")
    demo.set_defaults(func=cmd_demo)

    imp = sub.add_parser("import-csv", parents=[common], help="import Exportify CSV files (one playlist each)")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--name", help="playlist name (default: from the file name); only with one file")
    imp.add_argument("--liked", action="store_true", help="import as Liked Songs")
    imp.set_defaults(func=cmd_import_csv)

    from lib.export import EXPORT_TABLES

    exp = sub.add_parser("export", parents=[common], help="export a table as CSV (tracks = one row per track)")
    exp.add_argument("table", choices=sorted(EXPORT_TABLES))
    exp.add_argument("--out", required=True, metavar="FILE.csv", help="output file ('-' for stdout)")
    exp.set_defaults(func=cmd_export)

    info = sub.add_parser("info", parents=[common], help="summary of the library: sources, counts, coverage")
    info.set_defaults(func=cmd_info)


def cmd_demo(args) -> int:
    from lib.demo import build_demo_library
    from lib.store import is_file_target, open_library

    target = args.db or load_settings().demo_db
    if is_file_target(target) and Path(target).exists() and not args.force:
        existing = open_library(target, memory_limit=load_settings().memory_limit)
        kind = existing.query_one("SELECT value FROM meta WHERE key = 'library_kind'")
        if existing.query_one("SELECT count(*) FROM tracks")[0] and (kind is None or kind[0] != "demo"):
            raise ValidationError(f"{target} holds a library that is not the demo; pass --force to replace it")
    library = build_demo_library(target)
    (tracks,) = library.query_one("SELECT count(*) FROM tracks")
    (sources,) = library.query_one("SELECT count(*) FROM sources")
    print(f"demo library built at {target}: {tracks} tracks, {sources} sources")
    return 0


def cmd_import_csv(args) -> int:
    from lib.cli import open_cli_library
    from lib.imports import import_exportify_csv

    if args.name and len(args.files) > 1:
        raise ValidationError("--name can only be used with one file")
    library = open_cli_library(args, create=True)
    failed = 0
    for path in args.files:
        try:
            result = import_exportify_csv(library, Path(path), name=args.name, liked=True if args.liked else None)
        except AutoPlaylistsError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed += 1
            continue
        print(result.summary())
        for what, shown, count in (("skipped", result.errors, result.error_count),
                                   ("left out", result.warnings, result.warning_count)):
            for message in shown:
                print(f"  {what} {message}", file=sys.stderr)
            if count > len(shown):
                print(f"  … and {count - len(shown)} more", file=sys.stderr)
    return 1 if failed else 0


def cmd_export(args) -> int:
    from lib.cli import open_cli_library
    from lib.export import export_table, to_csv_bytes

    frame = export_table(open_cli_library(args), args.table)
    data = to_csv_bytes(frame)
    if args.out == "-":
        sys.stdout.buffer.write(data)
        return 0
    try:
        Path(args.out).write_bytes(data)
    except OSError as exc:
        raise ValidationError(f"cannot write {args.out}: {exc.strerror or exc}") from exc
    print(f"{len(frame)} rows written to {args.out}")
    return 0


def cmd_info(args) -> int:
    from lib.cli import open_cli_library
    from lib.explore import library_overview

    library = open_cli_library(args)
    o = library_overview(library)
    print(f"library: {library.target}")
    print(f"tracks: {o.total_tracks} (liked {o.liked}) · artists {o.artists} · albums {o.albums} · "
          f"playlists {o.playlists}")
    print(f"kept out of tracks: {o.local_files} local files, {o.episodes} episodes, {o.unavailable} unavailable")
    print("sources:")
    for row in o.sources.itertuples(index=False):
        extra = "" if row.readable else "  (unreadable)"
        print(f"  {row.name}: {row.track_count} tracks, {row.local_count} local, {row.episode_count} episodes"
              f" [{row.origin}]{extra}")
    print("coverage:")
    for row in o.coverage.itertuples(index=False):
        print(f"  {row.field}: {row.tracks} ({row.share:.0%})")
    for origin, when in sorted(o.last_activity.items()):
        print(f"last {origin} sync/import: {when}")
    return 0
