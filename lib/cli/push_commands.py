"""CLI for pushing rules to Spotify: push, history, restore, link and unlink (cron-friendly)."""

from __future__ import annotations

import argparse
import sys

from lib.errors import AutoPlaylistsError, ValidationError

ACTIONS = ("run", "history", "restore", "link", "unlink")
SHOW = 15  # tracks listed per side of a diff


def _context(args, *, client: bool = True):
    from lib.cli import open_cli_library
    from lib.config import load_settings

    library = open_cli_library(args)
    if not client:
        return library, None
    from lib.spotify import connect_client

    return library, connect_client(load_settings())


def _mode(args) -> str:
    if args.merge and args.overwrite:
        raise ValidationError("Use either --merge or --overwrite, not both.")
    return "merge" if args.merge else "overwrite" if args.overwrite else "auto"


def _print_diff(library, outcome) -> None:
    from lib.store.push_store import labels_for_uris

    plan = outcome.plan
    preview = outcome.preview
    print(f"rule {preview.target.rule_id} → {preview.playlist_label}")
    if preview.changed_on_spotify:
        print("  note: the playlist changed on Spotify since the last push")
    print(f"  {plan.summary()}")
    labels = labels_for_uris(library, [*plan.added[:SHOW], *plan.removed[:SHOW]])
    for sign, uris in (("+", plan.added), ("-", plan.removed)):
        for uri in uris[:SHOW]:
            print(f"    {sign} {labels.get(uri, uri)}")
        if len(uris) > SHOW:
            print(f"    {sign} … and {len(uris) - SHOW} more")
    for warning in plan.warnings:
        print(f"  warning: {warning}")
    for message in outcome.messages:
        if message not in plan.warnings:
            print(f"  note: {message}")


def _report(library, outcome) -> None:
    _print_diff(library, outcome)
    if outcome.dry_run:
        print(f"  dry run: would make {plan_calls(outcome)} write calls; nothing was changed")
    elif outcome.write_calls == 0:
        print("  up to date: no write calls")
    else:
        print(f"  done: {outcome.write_calls} write calls (push #{outcome.push_id}, playlist {outcome.playlist_id})")


def plan_calls(outcome) -> int:
    return outcome.preview.write_calls


def cmd_run(args) -> int:
    from lib.push.service import push_all, push_rule

    library, client = _context(args)
    mode = _mode(args)
    if args.all:
        results = push_all(library, client, mode=mode, dry_run=args.dry_run)
        failed = []
        for result in results:
            if isinstance(result, Exception):
                failed.append(getattr(result, "rule_id", "?"))
                reason = str(result) if isinstance(result, AutoPlaylistsError) else \
                    f"{type(result).__name__}: {result}"
                print(f"error: rule {failed[-1]}: {reason}", file=sys.stderr)
            else:
                _report(library, result)
        if failed:
            print(f"error: {len(failed)} of {len(results)} rule(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1 if failed else 0
    _report(library, push_rule(library, client, args.rule, mode=mode, dry_run=args.dry_run))
    return 0


def cmd_history(args) -> int:
    from lib.push.history import push_history

    library, _ = _context(args, client=False)
    records = push_history(library, args.rule)
    if not records:
        print(f"rule {args.rule}: no pushes yet")
        return 0
    print(f"{'push':>5}  {'when (UTC)':19}  {'kind':7}  {'status':7}  {'tracks':>6}  {'+':>5} {'-':>5} {'moves':>5}  "
          f"{'calls':>5}  playlist")
    for r in records:
        print(f"{r.push_id:>5}  {r.pushed_at:%Y-%m-%d %H:%M:%S}  {r.kind:7}  {r.status:7}  {len(r.after_uris):>6}  "
              f"{r.added:>5} {r.removed:>5} {r.moved:>5}  {r.write_calls:>5}  {r.playlist_id}")
    return 0


def cmd_restore(args) -> int:
    from lib.push.history import restore_push

    if args.push_id is None:
        raise ValidationError("restore needs --push-id N (see `push history --rule ID`).")
    library, client = _context(args)
    outcome = restore_push(library, client, args.rule, args.push_id,
                           version="before" if args.before else "after", dry_run=args.dry_run)
    _report(library, outcome)
    return 0


def cmd_link(args) -> int:
    from lib.push.history import link_playlist

    if not args.playlist:
        raise ValidationError("link needs --playlist ID (the id from the playlist's Spotify link).")
    library, client = _context(args)
    link = link_playlist(library, client, args.rule, args.playlist, confirmed=args.yes)
    print(f"rule {args.rule} now manages playlist {link.playlist_name!r} ({link.playlist_id}); "
          "the next push makes it match the rule (use --merge to keep its other tracks)")
    return 0


def cmd_unlink(args) -> int:
    from lib.push.history import release_playlist

    library, client = _context(args, client=args.unfollow)
    print(release_playlist(library, client, args.rule, unfollow=args.unfollow))
    return 0


def cmd_push(args) -> int:
    if args.action != "run" and args.all:
        raise ValidationError(f"push {args.action} works on one rule: use --rule ID.")
    if not args.rule and not (args.action == "run" and args.all):
        raise ValidationError("Name a rule with --rule ID" + (" or use --all." if args.action == "run" else "."))
    if args.rule and args.all:
        raise ValidationError("Use either --rule ID or --all.")
    handler = {"run": cmd_run, "history": cmd_history, "restore": cmd_restore, "link": cmd_link,
               "unlink": cmd_unlink}[args.action]
    try:
        return handler(args)
    except AutoPlaylistsError:
        raise
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def register(sub, common) -> None:
    """Add `push` to the parser."""
    parser = sub.add_parser(
        "push", parents=[common], formatter_class=argparse.RawDescriptionHelpFormatter,
        help="push rule results to Spotify playlists (diff first, minimal edits, history, restore)",
        description="Push rules to Spotify. Without an action: show the diff and apply it.\n\n"
                    "  push --rule ID [--dry-run] [--merge|--overwrite]\n"
                    "  push --all [--dry-run] [--merge|--overwrite]      (for cron)\n"
                    "  push history --rule ID\n"
                    "  push restore --rule ID --push-id N [--before] [--dry-run]\n"
                    "  push link --rule ID --playlist PLAYLIST_ID --yes\n"
                    "  push unlink --rule ID [--unfollow]")
    parser.add_argument("action", nargs="?", default="run", choices=ACTIONS, help="default: run (push)")
    parser.add_argument("--rule", metavar="ID", help="the rule id")
    parser.add_argument("--all", action="store_true", help="every enabled rule")
    parser.add_argument("--dry-run", action="store_true", help="print the diff; change nothing")
    parser.add_argument("--merge", action="store_true",
                        help="keep tracks added to the playlist outside the app")
    parser.add_argument("--overwrite", action="store_true",
                        help="make the playlist exactly the rule even if it changed on Spotify")
    parser.add_argument("--push-id", type=int, metavar="N", help="restore: the push to go back to")
    parser.add_argument("--before", action="store_true", help="restore: the playlist as it was before push N")
    parser.add_argument("--playlist", metavar="ID", help="link: the Spotify playlist id")
    parser.add_argument("--yes", action="store_true", help="link: confirm handing the playlist to the rule")
    parser.add_argument("--unfollow", action="store_true", help="unlink: also delete (unfollow) the playlist")
    parser.set_defaults(func=cmd_push)
