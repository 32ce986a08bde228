"""CLI: `python -m lib enrich --provider ID [--limit N] [--resume] | --list`, and features-file import."""

from __future__ import annotations

import sys


def register(sub, common) -> None:
    """Add this area's subcommands to the parser."""
    enrich = sub.add_parser("enrich", parents=[common], help="enrich tracks from a provider (a resumable job)",
                            description="Look up tracks that lack a provider's data (or have it from an older "
                                        "provider version) and store what is found, batch by batch.")
    group = enrich.add_mutually_exclusive_group(required=True)
    group.add_argument("--provider", metavar="ID", help="provider id (see --list)")
    group.add_argument("--list", action="store_true", help="list providers with their status and coverage")
    group.add_argument("--import-file", metavar="PATH", help="import a features CSV/Parquet file "
                       "(columns mapped automatically: known names → fields, others → x_<name>)")
    enrich.add_argument("--limit", type=int, metavar="N", help="look up at most N tracks in this run")
    enrich.add_argument("--resume", action="store_true", help="continue the provider's paused or failed job")
    enrich.add_argument("--opt-in", action="store_true",
                        help="allow ReccoBeats (sends your tracks' Spotify ids to a third party) and remember it")
    enrich.add_argument("--contact", metavar="EMAIL_OR_URL", help="MusicBrainz contact for the User-Agent "
                        "(remembered in the library; default $MUSICBRAINZ_CONTACT)")
    enrich.add_argument("--key-column", metavar="NAME", help="with --import-file: the column holding the "
                        "Spotify id, URI or ISRC (default: detected)")
    enrich.set_defaults(func=run)


def _list(library) -> int:
    from lib.enrich import coverage_table, provider_rows

    print(f"{'provider':<24}{'type':<12}{'version':<16}{'ok':>7}{'no data':>9}{'errors':>8}{'pending':>9}  last job")
    for row in provider_rows(library):
        pending = "-" if row.pending is None else str(row.pending)
        last = f"#{row.last_job.job_id} {row.last_job.status}" if row.last_job else ""
        print(f"{row.id:<24}{row.type:<12}{row.version:<16}{row.ok:>7}{row.no_data:>9}{row.errors:>8}"
              f"{pending:>9}  {last}")
    cov = coverage_table(library)
    if len(cov):
        print("\ncoverage (tracks with a value / tracks where it is the value shown):")
        for r in cov.itertuples(index=False):
            print(f"  {r.field:<18}{r.provider:<24}{r.tracks:>7} / {r.shown:<7} of {r.total}")
    return 0


def _import(library, args) -> int:
    from lib.enrich import import_features_file, read_features_file, suggest_mapping

    frame = read_features_file(args.import_file)
    key, mapping = suggest_mapping(frame)
    key = args.key_column or key
    if key is None:
        print("error: no key column found (id, uri, track uri or isrc); name it with --key-column", file=sys.stderr)
        return 1
    report = import_features_file(library, frame, key_column=key, mapping=mapping)
    print(f"{report.rows} row(s), {report.matched_rows} matched, {report.tracks} track(s) enriched; "
          f"fields: {', '.join(report.fields)}")
    if report.unmatched_keys:
        print(f"unmatched keys (sample): {', '.join(report.unmatched_keys)}")
    for message in report.left_out:
        print(f"  {message}", file=sys.stderr)
    return 0


def run(args) -> int:
    from lib.cli import open_cli_library
    from lib.config import load_settings
    from lib.enrich import get_feature_provider, resumable_job, run_enrichment, set_contact, set_reccobeats_opt_in

    library = open_cli_library(args)
    if args.list:
        return _list(library)
    if args.import_file:
        return _import(library, args)
    spec = get_feature_provider(args.provider)
    if args.opt_in and spec.id == "reccobeats":
        set_reccobeats_opt_in(library, True)
    if args.contact:
        set_contact(library, args.contact)
    resume_id = None
    if args.resume:
        job = resumable_job(library, spec.id)
        if job is None:
            print(f"no paused or failed {spec.id} job to resume; starting a new run", file=sys.stderr)
        else:
            resume_id = job.job_id

    def progress(done: int, total: int, message: str) -> None:
        print(f"\r{message}", end="", file=sys.stderr, flush=True)

    result = run_enrichment(library, spec.id, load_settings(), limit=args.limit, progress=progress,
                            resume_job_id=resume_id)
    print(file=sys.stderr)
    print(f"job {result.job_id} {result.status}: {result.processed} track(s), {result.ok} with data, "
          f"{result.no_data} without, {result.errors} error(s), {result.requests} request(s); "
          f"{result.remaining} still pending")
    if result.status == "paused":
        print(f"paused: {result.message}", file=sys.stderr)
        return 2
    return 0
