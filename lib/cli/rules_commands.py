"""CLI for rules: validate, import, export and list rules files, and preview a rule's playlist."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path

from lib.errors import ValidationError

PREVIEW_COLUMNS = ["track_id", "uri", "title", "artists", "album", "release_date", "duration_s", "added_at",
                   "genres", "playlists"]


def _library(args, *, create: bool = False):
    from lib.cli import open_cli_library

    return open_cli_library(args, create=create)


def cmd_validate(args) -> int:
    from lib.rules import RuleValidationError, check_cycles, describe_rule, parse_rules_file, referenced

    try:
        rules_file = parse_rules_file(Path(args.file))
        check_cycles({r.id: r for r in rules_file.rules})
    except RuleValidationError as exc:
        print(f"{args.file}: invalid", file=sys.stderr)
        for error in exc.errors:
            print(f"  {error}", file=sys.stderr)
        return 1
    print(f"{args.file}: {len(rules_file.rules)} valid rule(s) (format version {rules_file.version})")
    known = {r.id for r in rules_file.rules}
    for rule in rules_file.rules:
        state = "" if rule.enabled else " [disabled]"
        print(f"  {rule.id}: {rule.name}{state} — {describe_rule(rule)}")
        outside = [r for r in referenced(rule) if r not in known]
        if outside:
            print(f"    reads saved rule(s) not in this file: {', '.join(outside)}")
    return 0


def cmd_freeze(args) -> int:
    from lib.rules import freeze_rule

    frozen = freeze_rule(_library(args), args.rule, args.id)
    print(f"froze {args.rule} as {frozen.id} ({frozen.name!r}): {len(frozen.tracks)} tracks;"
          f" push it with `python -m lib push --rule {frozen.id}`")
    return 0


def cmd_import(args) -> int:
    from lib.rules import import_rules

    result = import_rules(_library(args, create=True), Path(args.file), replace=args.replace)
    print(f"imported {args.file}: {result.summary()}")
    return 0


def cmd_export(args) -> int:
    from lib.rules import export_rules

    text = export_rules(_library(args))
    if args.file == "-":
        sys.stdout.write(text)
    else:
        Path(args.file).write_text(text, encoding="utf-8")
        print(f"wrote {args.file}")
    return 0


def cmd_list(args) -> int:
    from lib.rules import describe_rule, list_rules

    stored = list_rules(_library(args))
    if not stored:
        print("no rules in this library")
    for item in stored:
        state = "on " if item.enabled else "off"
        summary = describe_rule(item.rule) if item.rule else f"INVALID: {item.errors[0]}"
        print(f"{state} {item.rule_id} (v{item.version}) {item.name}: {summary}")
    return 0


def _json_value(value):
    return value.isoformat() if isinstance(value, datetime | date) else value


def _pick_rule(args, library):
    """(the rule, the rules it may refer to besides the saved ones)."""
    from lib.rules import get_rule, parse_rules_file, rule_from_text

    if getattr(args, "query", None) is not None:
        return rule_from_text(args.query, {"id": args.rule or "query", "name": args.rule or "Query"}), {}
    if not args.rule:
        raise ValidationError("give --rule ID (with --rules FILE or --saved) or --query TEXT")
    if args.saved or not args.rules:
        stored = get_rule(library, args.rule)
        if stored.rule is None:
            raise ValidationError(f"saved rule {args.rule!r} is invalid: {'; '.join(stored.errors)}")
        return stored.rule, {}
    rules_file = parse_rules_file(Path(args.rules))
    for rule in rules_file.rules:
        if rule.id == args.rule:
            return rule, {r.id: r for r in rules_file.rules}
    known = ", ".join(r.id for r in rules_file.rules) or "none"
    raise ValidationError(f"no rule {args.rule!r} in {args.rules} (rules there: {known})")


def _now_and_rule(args, library):
    """(--now, the rule, the rules it may refer to)."""
    from lib.rules.semantics import normalize_now

    try:
        now = normalize_now(args.now) if args.now else None
    except ValueError:
        raise ValidationError(f"--now {args.now!r} is not an ISO-8601 date or time") from None
    return (now, *_pick_rule(args, library))


def cmd_explain(args) -> int:
    from lib.rules import explain_track, find_track

    library = _library(args)
    now, rule, others = _now_and_rule(args, library)
    result = explain_track(library, rule, find_track(library, args.track), now, others)
    track = result.track
    print(f"“{track['title']}” by {track['artist']} ({track['track_id']}) — rule {rule.id}")
    for line in result.lines():
        print(line)
    print(result.summary())
    return 0


def cmd_near_misses(args) -> int:
    from lib.rules import near_miss_tracks, near_misses

    library = _library(args)
    now, rule, _others = _now_and_rule(args, library)
    matched, misses = near_misses(library, rule, now)
    if args.list is not None:
        if not 1 <= args.list <= len(misses):
            raise ValidationError(f"--list takes a condition number from 1 to {len(misses)}")
        from lib.export import to_csv_bytes

        frame = near_miss_tracks(library, rule, misses[args.list - 1].path, PREVIEW_COLUMNS[:4], now=now)
        sys.stdout.flush()
        sys.stdout.buffer.write(to_csv_bytes(frame))
        sys.stdout.buffer.flush()
        return 0
    print(f"{matched:,} tracks match rule {rule.id}")
    for number, miss in enumerate(misses, 1):
        print(f"{number:>3}. {miss.label}: +{miss.extra:,} tracks if removed")
    return 0


def cmd_preview(args) -> int:
    from lib.rules import rule_outcome, track_records

    library = _library(args)
    now, rule, others = _now_and_rule(args, library)
    outcome = rule_outcome(library, rule, now, others)
    # What the preview says about a mix or a separation goes to stderr; stdout stays the playlist.
    for part in outcome.parts:
        print(f"{part.label}: {part.reason}", file=sys.stderr)
    for note in outcome.notes:
        print(f"note: {note}", file=sys.stderr)
    if args.format == "ids":
        for track_id in outcome.ids:
            print(track_id)
        return 0
    records = track_records(library, outcome.ids, PREVIEW_COLUMNS)
    if args.format == "json":
        print(json.dumps([{k: _json_value(v) for k, v in r.items()} for r in records], ensure_ascii=False,
                         indent=1))
        return 0
    import pandas as pd

    from lib.export import to_csv_bytes

    sys.stdout.flush()
    # object columns: whole numbers stay whole, dates as ISO text; lists joined and formulas guarded
    frame = pd.DataFrame([[_json_value(r[c]) for c in PREVIEW_COLUMNS] for r in records],
                         columns=list(PREVIEW_COLUMNS), dtype=object)
    sys.stdout.buffer.write(to_csv_bytes(frame))
    sys.stdout.buffer.flush()
    return 0


def register(sub, common) -> None:
    """Add `rules ...` and `preview` to the parser."""
    rules = sub.add_parser("rules", help="validate, import, export and list rules")
    rules_sub = rules.add_subparsers(dest="rules_command", metavar="ACTION", required=True)

    p = rules_sub.add_parser("validate", parents=[common], help="check a rules file (exit 1 with the errors)")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_validate)

    p = rules_sub.add_parser("import", parents=[common], help="import a rules file (all or nothing)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--replace", action="store_true", help="also delete saved rules that are not in the file")
    p.set_defaults(func=cmd_import)

    p = rules_sub.add_parser("export", parents=[common], help="write all saved rules to a rules file ('-': stdout)")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_export)

    p = rules_sub.add_parser("list", parents=[common], help="list saved rules with a one-line summary")
    p.set_defaults(func=cmd_list)

    p = rules_sub.add_parser("freeze", parents=[common],
                             help="save a rule's current playlist as a new rule with that fixed track list")
    p.add_argument("--rule", metavar="ID", required=True, help="the saved rule to freeze")
    p.add_argument("--id", metavar="NEW_ID", help="id of the new rule (default: <id>-frozen)")
    p.set_defaults(func=cmd_freeze)

    p = sub.add_parser("preview", parents=[common], help="print a rule's ordered tracks")
    _rule_options(p, saved_default=False)
    p.add_argument("--format", choices=["ids", "csv", "json"], default="ids",
                   help="ids: one Spotify track id a line (default); csv or json: main columns")
    p.set_defaults(func=cmd_preview)

    p = sub.add_parser("explain", parents=[common], help="why one track is in a rule's playlist or not")
    _rule_options(p, saved_default=True)
    p.add_argument("--track", metavar="ID|URI", required=True, help="a track id, spotify:track: URI or link")
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("near-misses", parents=[common], help="per condition, the tracks only it keeps out")
    _rule_options(p, saved_default=True)
    p.add_argument("--list", metavar="N", type=int, help="list the tracks kept out by condition number N")
    p.set_defaults(func=cmd_near_misses)


def _rule_options(p, saved_default: bool) -> None:
    """--rule ID from --rules FILE or the library (--saved), or the rule as text with --query."""
    source = p.add_mutually_exclusive_group(required=not saved_default)
    source.add_argument("--rules", metavar="FILE", help="take the rule from this rules file")
    source.add_argument("--saved", action="store_true",
                        help="take the rule saved in the library" + (" (the default)" if saved_default else ""))
    source.add_argument("--query", metavar="TEXT", help="the rule as text, e.g. 'genre:rock energy:>=0.7 limit:50'")
    p.add_argument("--rule", metavar="ID", help="id of the rule (not needed with --query)")
    p.add_argument("--now", metavar="ISO", help="evaluation time for in_last_days (default: now)")
