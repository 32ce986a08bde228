"""The rules façade over a library: a rule's ordered tracks, ids and preview figures."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from lib.errors import AutoPlaylistsError
from lib.rules.compile import _Params, compile_group, compile_rule, counted_sql, in_ids
from lib.rules.fields import FIELDS, field_info
from lib.rules.models import PlaylistRuleSet
from lib.rules.parse import parse_rule
from lib.rules.playlist import Outcome, Run, rows_query
from lib.rules.semantics import normalize_now
from lib.store.track_view import TRACK_VIEW_COLUMNS

if TYPE_CHECKING:
    from lib.store import Library


def _as_rule(rule: PlaylistRuleSet | dict | str) -> PlaylistRuleSet:
    return rule if isinstance(rule, PlaylistRuleSet) else parse_rule(rule)


def _query(library: Library, rule: PlaylistRuleSet, now, columns, rules=None) -> tuple[str, dict]:
    # Rules with references, mixes, fixed lists or separation are evaluated first (lib.rules.playlist).
    if rule.is_plain:
        return compile_rule(rule, now, columns)
    return rows_query(Run(library, now, rules).outcome(rule).ids, list(columns or TRACK_VIEW_COLUMNS))


def evaluate_rule(library: Library, rule: PlaylistRuleSet | dict, now=None, columns=None,
                  rules=None) -> pd.DataFrame:
    """The rule's tracks in playlist order (sorted, deduped, limited) with the columns of track_view.

    `rules` (id → rule, e.g. a rules file) is where in_rule and mix parts look first, before saved rules.
    """
    return library.query_df(*_query(library, _as_rule(rule), now, columns, rules))


def ordered_track_ids(library: Library, rule: PlaylistRuleSet | dict, now=None, rules=None) -> list[str]:
    """The rule's Spotify track ids in playlist order."""
    rule = _as_rule(rule)
    if not rule.is_plain:
        return Run(library, now, rules).outcome(rule).ids
    sql, params = compile_rule(rule, now, ["track_id"])
    return [row[0] for row in library.query(sql, params)]


def rule_outcome(library: Library, rule: PlaylistRuleSet | dict, now=None, rules=None) -> Outcome:
    """The rule's track ids in order with the notes and per-part figures of a mix or a separation."""
    return Run(library, now, rules, figures=True).outcome(_as_rule(rule))


def track_records(library: Library, track_ids: list[str], columns=None) -> list[dict]:
    """track_view rows of `track_ids`, in that order, as plain dicts."""
    cols = list(columns or TRACK_VIEW_COLUMNS)
    return [dict(zip(cols, row, strict=True)) for row in library.query(*rows_query(track_ids, cols))]


def rule_records(library: Library, rule: PlaylistRuleSet | dict, now=None, columns=None, rules=None) -> list[dict]:
    """The rule's tracks in order as plain dicts (Python lists, dates and datetimes)."""
    cols = list(columns or TRACK_VIEW_COLUMNS)
    sql, params = _query(library, _as_rule(rule), now, cols, rules)
    return [dict(zip(cols, row, strict=True)) for row in library.query(sql, params)]


PREVIEW_ROWS = 500          # rows of the playlist the preview fetches
PREVIEW_SECONDS = 5.0       # a preview running longer is stopped
DISTRIBUTION_BINS = 40
TOP_VALUES = 15
SCOPES = ("matched", "playlist")


class PreviewTooSlow(AutoPlaylistsError):
    """The preview query ran past its time budget and was stopped."""


@dataclass(frozen=True)
class Preview:
    """What the rule builder shows: the playlist's figures and its first rows."""

    tracks: pd.DataFrame          # the first `PREVIEW_ROWS` tracks of the playlist, in order
    count: int                    # tracks in the playlist (after dedupe and limit)
    matched: int                  # tracks matching before dedupe and limit
    library_tracks: int
    duration_ms: int              # of the whole playlist
    notes: tuple[str, ...] = ()   # e.g. why artists could not all be kept apart
    parts: tuple = ()             # a mix: per part, what it gave (lib.rules.mix.PartResult)

    def stats(self) -> dict:
        return {"count": self.count, "matched": self.matched, "library_tracks": self.library_tracks,
                "duration_ms": self.duration_ms, "duration_min": round(self.duration_ms / 60_000, 1)}


@contextmanager
def _time_limited(library: Library, seconds: float | None):
    """A cursor whose statements are interrupted once `seconds` (default PREVIEW_SECONDS) have passed.
    DuckDB drops an interrupt that comes while a statement is still being planned, so it is repeated
    until the block ends."""
    seconds = PREVIEW_SECONDS if seconds is None else seconds
    with library.cursor() as cur:
        done = threading.Event()

        def interrupt_when_late() -> None:
            if not done.wait(seconds):
                while not done.wait(0.05):
                    cur.interrupt()

        watcher = threading.Thread(target=interrupt_when_late, daemon=True)
        watcher.start()
        try:
            yield cur
        except duckdb.InterruptException:
            raise PreviewTooSlow(f"The preview took longer than {seconds:g} s and was stopped. Make the rule "
                                 "simpler: fewer conditions, shorter regular expressions.") from None
        finally:
            done.set()
            watcher.join()   # before the cursor closes: an interrupt after that would hit a closed connection


def figures_sql(rule: PlaylistRuleSet, now) -> tuple[str, dict]:
    """One row: tracks in the playlist, its duration, tracks matching before dedupe/limit, library size."""
    p = _Params()
    where = compile_group(rule.match, now, p)
    if rule.dedupe == "track" and rule.limit is None:    # the playlist is every match: one scan
        return (f"SELECT count(*) FILTER (WHERE m), coalesce(sum(duration_ms) FILTER (WHERE m), 0),"
                f" count(*) FILTER (WHERE m), count(*) FROM (SELECT {where} AS m, duration_ms FROM track_view)",
                p.values)
    playlist, _ = compile_rule(rule, now, ["duration_ms"], params=p)
    # Each part read once (a CTE named twice is computed twice).
    return (f"SELECT n, d, matched, total FROM (SELECT count(*) AS n, coalesce(sum(duration_ms), 0) AS d FROM"
            f" ({playlist})), (SELECT count(*) FILTER (WHERE {where}) AS matched, count(*) AS total FROM track_view)",
            p.values)


def _outcome_preview(cur, outcome: Outcome, cols: list[str], rows: int) -> Preview:
    sql, params = rows_query(outcome.ids[:rows], cols)
    frame = cur.execute(sql, params).df()
    duration, total = cur.execute(
        f"SELECT coalesce(sum(duration_ms) FILTER (WHERE {in_ids()}), 0), count(*) FROM track_view",
        {"ids": outcome.ids}).fetchone()
    return Preview(frame, len(outcome.ids), outcome.matched, int(total), int(duration), tuple(outcome.notes),
                   tuple(outcome.parts))


def preview_rule(library: Library, rule: PlaylistRuleSet | dict, now=None, columns=None, *,
                 rows: int = PREVIEW_ROWS, seconds: float | None = None, rules=None) -> Preview:
    """The playlist's figures (computed in SQL) and its first `rows` tracks, read in one connection so
    both see the same data; stopped with PreviewTooSlow after `seconds`."""
    rule = _as_rule(rule)
    now = normalize_now(now)
    cols = list(dict.fromkeys(["track_id", "duration_ms", *(columns or TRACK_VIEW_COLUMNS)]))
    with _time_limited(library, seconds) as cur:
        if not rule.is_plain:    # evaluated step by step (mix, fixed list, references, separation)
            return _outcome_preview(cur, Run(library, now, rules, figures=True, cursor=cur).outcome(rule), cols, rows)
        sql, params = compile_rule(rule, now, cols, head=rows)
        figures, figure_params = figures_sql(rule, now)
        count, duration, matched, total = cur.execute(figures, figure_params).fetchone()
        frame = cur.execute(sql, params).df() if count else pd.DataFrame(columns=cols)
    return Preview(frame, int(count), int(matched), int(total), int(duration))


def preview_stats(library: Library, rule: PlaylistRuleSet | dict, now=None) -> dict:
    """Count, tracks matched before dedupe/limit, library size and total duration of a rule's playlist."""
    return preview_rule(library, rule, now, ["track_id"], rows=0).stats()


def field_expr(name: str, p: _Params, now) -> tuple[str, str]:
    """A field's SQL expression over track_view (a column, a custom map entry or a counted value) and its type."""
    info = field_info(name, "gt") if name.startswith("x_") else FIELDS.get(name)
    if info is not None and info.counts:
        return counted_sql(info, now, p), info.type
    if info is None or (info.custom_column is None and name not in TRACK_VIEW_COLUMNS):
        raise ValueError(f"unknown field {name!r}")
    if info.custom_column:
        return f"{info.custom_column}[{p.add(name[2:])}]", info.type
    return f'"{name}"', info.type


def distribution_sql(rule: PlaylistRuleSet, field: str, scope: str = "matched", now=None,
                     bins: int = DISTRIBUTION_BINS, ids: list[str] | None = None) -> tuple[str, dict]:
    """A field's distribution over the library with the rule's share in each bar, in one scan.

    `selected` counts the tracks matching the rule (scope 'matched', before dedupe and limit) or those
    in the playlist (scope 'playlist'). Numbers: `bins` equal bins over the field's finite range
    (columns bin, lo, hi, library, selected); text, lists and booleans: the most frequent values among
    the selected tracks, then in the library (columns value, library, selected).
    """
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}")
    p = _Params()
    now = normalize_now(now)
    if ids is not None:    # a rule evaluated beforehand (a mix, a fixed list...): its playlist
        head, selected = "", in_ids(p.add(list(ids)))
    elif scope == "matched":
        head, selected = "", compile_group(rule.match, now, p)
    else:
        playlist, _ = compile_rule(rule, now, ["track_id"], params=p)
        head, selected = f"WITH playlist AS ({playlist}) ", "track_id IN (SELECT track_id FROM playlist)"
    expr, kind = field_expr(field, p, now)
    if kind == "number":
        n = int(bins)
        ctes = f"{head.removesuffix(' ') + ',' if head else 'WITH'} v AS (SELECT CAST({expr} AS DOUBLE) AS v," \
               f" {selected} AS m FROM track_view), b AS (SELECT min(v) AS lo, max(v) AS hi FROM v WHERE isfinite(v))"
        return (f"{ctes} SELECT CASE WHEN hi > lo THEN least(CAST(floor((v - lo) / (hi - lo) * {n}) AS INTEGER),"
                f" {n - 1}) ELSE 0 END AS bin, any_value(lo) AS lo, any_value(hi) AS hi, count(*) AS library,"
                " count(*) FILTER (WHERE m) AS selected FROM v, b WHERE isfinite(v) GROUP BY bin ORDER BY bin",
                p.values)
    if kind not in ("text", "list", "boolean"):
        raise ValueError(f"no distribution for {kind} fields")
    value = f"unnest({expr})" if kind == "list" else f"CAST({expr} AS VARCHAR)"
    return (f"{head}SELECT v AS value, count(*) AS library, count(*) FILTER (WHERE m) AS selected"
            f" FROM (SELECT {value} AS v, {selected} AS m FROM track_view) WHERE v IS NOT NULL AND v <> ''"
            f" GROUP BY v ORDER BY selected DESC, library DESC, v LIMIT {int(TOP_VALUES)}", p.values)


def distribution(library: Library, rule: PlaylistRuleSet | dict, field: str, scope: str = "matched", now=None,
                 bins: int = DISTRIBUTION_BINS, seconds: float | None = None) -> pd.DataFrame:
    """`distribution_sql` run on the library (see there for the columns); number bins also get their
    middle `x` and `width`."""
    rule = _as_rule(rule)
    with _time_limited(library, seconds) as cur:
        ids = None if rule.is_plain else Run(library, now, cursor=cur).outcome(rule).ids
        sql, params = distribution_sql(rule, field, scope, now, bins, ids)
        frame = cur.execute(sql, params).df()
    if "bin" in frame.columns and len(frame):
        width = (frame["hi"] - frame["lo"]) / bins
        frame["width"] = width.where(width > 0, 1.0)
        frame["x"] = frame["lo"] + (frame["bin"] + 0.5) * frame["width"]
    return frame


def load_tracks(library: Library, track_ids: list[str] | None = None) -> list[dict]:
    """track_view rows as plain dicts (lists, dicts for maps, date/datetime), for the Python evaluator."""
    columns = list(TRACK_VIEW_COLUMNS)
    sql = f"SELECT {', '.join(chr(34) + c + chr(34) for c in columns)} FROM track_view"
    params: dict = {}
    if track_ids is not None:
        sql += " WHERE track_id IN (SELECT unnest($ids))"
        params = {"ids": list(track_ids)}
    return [dict(zip(columns, row, strict=True)) for row in library.query(sql + " ORDER BY track_id", params)]
