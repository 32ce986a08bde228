"""CLI: `sync` (Liked Songs and playlists) and `spotify status|playlists|login|logout`."""

from __future__ import annotations

import sys
from urllib.parse import parse_qs, urlsplit

from lib.config import load_settings

EXIT_PAUSED = 2


def cli_settings():
    """Env vars first, then .streamlit/secrets.toml (as the app reads it), then the app saved on Connect."""
    from lib.spotify import resolve_app

    return resolve_app(load_settings())


def register(sub, common) -> None:
    """Add this area's subcommands to the parser."""
    p = sub.add_parser("sync", parents=[common], help="sync Liked Songs and playlists from Spotify",
                       description="Incremental and resumable: unchanged playlists are not re-read; after a quota "
                                   "stop, run it again later to resume. Without options: Liked Songs plus the "
                                   "playlists chosen last time. Exit 0 done, 2 paused (quota), 1 failed.")
    p.add_argument("--liked", action="store_true", help="sync Liked Songs")
    p.add_argument("--playlist", metavar="ID", action="append", default=[], help="sync this playlist (repeatable)")
    p.add_argument("--all-playlists", action="store_true", help="sync every playlist you own or collaborate on")
    p.add_argument("--quiet", action="store_true", help="print only the summary")
    p.add_argument("--force", action="store_true", help="sync even while a quota pause is in effect")
    p.set_defaults(func=cmd_sync)

    sp = sub.add_parser("spotify", help="Spotify connection: status, playlists, login, logout")
    spsub = sp.add_subparsers(dest="spotify_command", metavar="SUBCOMMAND", required=True)
    s = spsub.add_parser("status", parents=[common], help="who is connected, and the last sync")
    s.set_defaults(func=cmd_status)
    s = spsub.add_parser("playlists", parents=[common], help="list your playlists and whether they can be read")
    s.set_defaults(func=cmd_playlists)
    s = spsub.add_parser("login", parents=[common], help="sign in from a terminal (paste the redirected URL)")
    s.set_defaults(func=cmd_login)
    s = spsub.add_parser("logout", parents=[common], help="forget the stored Spotify sign-in")
    s.set_defaults(func=cmd_logout)


def _progress_printer(quiet: bool):
    tty = sys.stdout.isatty()
    state = {"source": None}

    def show(event) -> None:
        if quiet:
            return
        total = f"/{event.total}" if event.total is not None else ""
        line = (f"[{event.source_index}/{event.source_count}] {event.source_name}: page {event.page}, "
                f"{event.tracks}{total} items, {event.requests} requests")
        if tty:
            print("\r" + line.ljust(100), end="", flush=True)
        elif state["source"] != event.source_id or event.page % 20 == 0:
            print(line, flush=True)
        state["source"] = event.source_id

    return show


def print_summary(summary) -> None:
    print()
    print(f"{'source':40} {'status':10} {'tracks':>7} {'local':>5} {'episodes':>8} {'null':>4} {'requests':>8}")
    for s in summary.sources:
        print(f"{s.name[:40]:40} {s.status:10} {s.tracks:>7} {s.local:>5} {s.episodes:>8} {s.nulls:>4} "
              f"{s.requests:>8}")
    print(f"{summary.status}: {summary.message}")
    print(f"requests made: {summary.requests}; tracks: {summary.tracks}; job #{summary.job_id}")


def cmd_sync(args) -> int:
    from lib.cli import open_cli_library
    from lib.spotify import connect_client
    from lib.spotify.sync import sync_library
    from lib.store.sync_store import pause_state, spotify_sources

    library = open_cli_library(args, create=True)
    paused = pause_state(library)
    if paused and not args.force:
        print(f"paused until {paused[0]:%Y-%m-%d %H:%M} UTC ({paused[1]}); nothing done. "
              "Run again after that time, or pass --force.")
        return EXIT_PAUSED
    client = connect_client(cli_settings())
    liked, playlists = args.liked, list(args.playlist)
    remember = True
    if not (liked or playlists or args.all_playlists):
        chosen = [s for s in spotify_sources(library) if s["selected"]]
        liked = not chosen or any(s["kind"] == "liked" for s in chosen)
        playlists = [s["spotify_id"] for s in chosen if s["kind"] == "playlist"]
        remember = False
    summary = sync_library(library, client, liked=liked, playlist_ids=playlists, all_playlists=args.all_playlists,
                           on_progress=_progress_printer(args.quiet), remember_selection=remember)
    print_summary(summary)
    if summary.status == "paused":
        return EXIT_PAUSED
    return 0 if summary.status == "done" else 1


def cmd_status(args) -> int:
    from lib.cli import open_cli_library
    from lib.errors import LibraryError
    from lib.spotify import connect_client, is_connected, uses_pkce
    from lib.store.jobs import latest_job

    settings = cli_settings()
    if not settings.spotify_client_id:
        print("Spotify: not configured (set SPOTIPY_CLIENT_ID or .streamlit/secrets.toml [spotify] client_id)")
        return 1
    flow = "PKCE (no secret)" if uses_pkce(settings) else "Authorization Code (client secret)"
    print(f"app: client id {settings.spotify_client_id[:6]}…, {flow}, redirect {settings.spotify_redirect_uri}")
    if not is_connected(settings):
        print("Spotify: not connected — open the app's 'Connect & sync' page or run `python -m lib spotify login`")
        return 1
    me = connect_client(settings).me()
    print(f"Spotify: connected as {me.get('display_name') or me.get('id')} ({me.get('id')})")
    try:
        job = latest_job(open_cli_library(args), "sync")
    except LibraryError as exc:  # nothing synced yet: no library to read
        print(f"last sync: none ({exc})")
        return 0
    if job:
        until = f", paused until {job.paused_until:%Y-%m-%d %H:%M} UTC" if job.paused_until else ""
        print(f"last sync: #{job.job_id} {job.status} at {job.updated_at:%Y-%m-%d %H:%M} UTC{until} — {job.message}")
    return 0


def cmd_playlists(args) -> int:
    from lib.cli import open_cli_library
    from lib.spotify import connect_client
    from lib.spotify.listing import list_playlists
    from lib.store.sync_store import save_listing

    client = connect_client(cli_settings())
    listing = list_playlists(client, client.me())
    save_listing(open_cli_library(args, create=True), [rec for rec, _ in listing])
    print(f"{'id':24} {'readable':8} {'items':>6}  name (owner)")
    for rec, _ in listing:
        print(f"{rec.spotify_id:24} {'yes' if rec.readable else 'no':8} {rec.remote_total or 0:>6}  "
              f"{rec.name} ({rec.owner_name})")
    unreadable = sum(not rec.readable for rec, _ in listing)
    if unreadable:
        print(f"{unreadable} followed playlist(s) cannot be read: Development Mode apps read only playlists you "
              "own or collaborate on.")
    return 0


def cmd_login(args) -> int:
    from lib.spotify import begin_authorization, complete_authorization, connect_client

    settings = cli_settings()
    print("Open this URL, sign in, then paste the address Spotify sent you to (it starts with "
          f"{settings.spotify_redirect_uri}):\n\n{begin_authorization(settings)}\n")
    pasted = input("redirected URL: ").strip()
    query = {k: v[-1] for k, v in parse_qs(urlsplit(pasted).query).items()}
    complete_authorization(settings, query.get("code"), query.get("state"), query.get("error"))
    me = connect_client(settings).me()
    print(f"connected as {me.get('display_name') or me.get('id')}")
    return 0


def cmd_logout(args) -> int:
    from lib.spotify import disconnect

    print("signed out" if disconnect(cli_settings()) else "was not signed in")
    return 0

