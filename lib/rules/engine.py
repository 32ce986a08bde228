"""The rules façade over a library: a rule's ordered tracks, ids and preview figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from lib.rules.compile import compile_rule, compile_where
from lib.rules.models import PlaylistRuleSet
from lib.rules.parse import parse_rule
from lib.rules.semantics import normalize_now
from lib.store.track_view import TRACK_VIEW_COLUMNS

if TYPE_CHECKING:
    from lib.store import Library


def _as_rule(rule: PlaylistRuleSet | dict | str) -> PlaylistRuleSet:
    return rule if isinstance(rule, PlaylistRuleSet) else parse_rule(rule)


def evaluate_rule(library: Library, rule: PlaylistRuleSet | dict, now=None, columns=None) -> pd.DataFrame:
    """The rule's tracks in playlist order (sorted, deduped, limited) with the columns of track_view."""
    sql, params = compile_rule(_as_rule(rule), now, columns)
    return library.query_df(sql, params)


def ordered_track_ids(library: Library, rule: PlaylistRuleSet | dict, now=None) -> list[str]:
    """The rule's Spotify track ids in playlist order."""
    sql, params = compile_rule(_as_rule(rule), now, ["track_id"])
    return [row[0] for row in library.query(sql, params)]


def rule_records(library: Library, rule: PlaylistRuleSet | dict, now=None, columns=None) -> list[dict]:
    """The rule's tracks in order as plain dicts (Python lists, dates and datetimes)."""
    cols = list(columns or TRACK_VIEW_COLUMNS)
    sql, params = compile_rule(_as_rule(rule), now, cols)
    return [dict(zip(cols, row, strict=True)) for row in library.query(sql, params)]


@dataclass(frozen=True)
class Preview:
    """What the rule builder shows: the playlist and how it came about."""

    tracks: pd.DataFrame          # the playlist, in order
    matched: int                  # tracks matching before dedupe and limit
    library_tracks: int
    duration_ms: int

    @property
    def count(self) -> int:
        return len(self.tracks)

    def stats(self) -> dict:
        return {"count": self.count, "matched": self.matched, "library_tracks": self.library_tracks,
                "duration_ms": self.duration_ms, "duration_min": round(self.duration_ms / 60_000, 1)}


def preview_rule(library: Library, rule: PlaylistRuleSet | dict, now=None, columns=None) -> Preview:
    """The playlist plus counts, read in one connection so both see the same data."""
    rule = _as_rule(rule)
    now = normalize_now(now)
    cols = list(dict.fromkeys(["track_id", "duration_ms", *(columns or TRACK_VIEW_COLUMNS)]))
    sql, params = compile_rule(rule, now, cols)
    where, where_params = compile_where(rule.match, now)
    with library.cursor() as cur:
        frame = cur.execute(sql, params).df()
        matched, total = cur.execute(f"SELECT count(*) FILTER (WHERE {where}), count(*) FROM track_view",
                                     where_params).fetchone()
    duration = int(pd.to_numeric(frame["duration_ms"]).fillna(0).sum()) if len(frame) else 0
    return Preview(frame, int(matched or 0), int(total), duration)


def preview_stats(library: Library, rule: PlaylistRuleSet | dict, now=None) -> dict:
    """Count, tracks matched before dedupe/limit, library size and total duration of a rule's playlist."""
    return preview_rule(library, rule, now, ["track_id", "duration_ms"]).stats()


def load_tracks(library: Library, track_ids: list[str] | None = None) -> list[dict]:
    """track_view rows as plain dicts (lists, dicts for maps, date/datetime), for the Python evaluator."""
    columns = list(TRACK_VIEW_COLUMNS)
    sql = f"SELECT {', '.join(chr(34) + c + chr(34) for c in columns)} FROM track_view"
    params: dict = {}
    if track_ids is not None:
        sql += " WHERE track_id IN (SELECT unnest($ids))"
        params = {"ids": list(track_ids)}
    return [dict(zip(columns, row, strict=True)) for row in library.query(sql + " ORDER BY track_id", params)]
