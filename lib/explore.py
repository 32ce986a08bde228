"""Explore façade: library overview, the filtered track table (one page at a time) and chart data.

Search and filters are a rule group compiled by the rules compiler, so Explore and the Rules page agree
(case and accents ignored alike) and the current filters can become a rule ("Save as rule").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from lib.rules import PlaylistRuleSet, RuleGroup, compile_where, free_id
from lib.store import Library, list_jobs
from lib.store import explore_queries as q
from lib.store.explore_queries import DEFAULT_COLUMNS, NUMERIC_COLUMNS, SORTABLE_COLUMNS
from lib.store.track_view import FEATURE_FIELDS

__all__ = ["DEFAULT_COLUMNS", "NUMERIC_COLUMNS", "SORTABLE_COLUMNS", "FilterOptions", "LibraryOverview",
           "TrackFilter", "TrackPage", "chart_data", "filter_options", "filter_rule", "filtered_tracks",
           "library_overview", "track_page"]

MAX_PAGE_SIZE = 1000
MAX_SEARCH_WORDS = 10
SEARCH_FIELDS = ("title", "album", "artists")
COVERAGE_FIELDS = ("genres", *FEATURE_FIELDS, "mood", "genre_family", "release_date", "isrc")


@dataclass
class TrackFilter:
    """What the user narrowed the table to; `rule_group()` says it in the rules language."""

    search: str = ""
    source_ids: list[str] = field(default_factory=list)
    genres: list[str] = field(default_factory=list)
    decades: list[int] = field(default_factory=list)
    moods: list[str] = field(default_factory=list)
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    liked_only: bool = False

    def rule_group(self) -> RuleGroup:
        """Every filter must hold; each search word (up to 10) is in the title, the album or an artist."""
        conditions: list[dict] = []
        for word in self.search.split()[:MAX_SEARCH_WORDS]:
            conditions.append({"operator": "or", "conditions": [
                {"field": name, "operator": "contains", "value": word} for name in SEARCH_FIELDS]})
        for name, values in (("source_ids", self.source_ids), ("genres", self.genres), ("mood", self.moods)):
            if values:
                conditions.append({"field": name, "operator": "in", "value": [str(v) for v in values]})
        if self.decades:
            conditions.append({"field": "decade", "operator": "in", "value": [int(d) for d in self.decades]})
        for name, (low, high) in sorted(self.ranges.items()):
            if name not in NUMERIC_COLUMNS:
                raise ValueError(f"cannot filter a range on {name!r}")
            conditions.append({"field": name, "operator": "between", "value": [float(low), float(high)]})
        if self.liked_only:
            conditions.append({"field": "liked", "operator": "eq", "value": True})
        return RuleGroup.model_validate({"operator": "and", "conditions": conditions})


def where_clause(flt: TrackFilter) -> tuple[str, dict]:
    """`WHERE ...` (or '') for a filter, compiled by the rules compiler with bound parameters."""
    group = flt.rule_group()
    if not group.conditions:
        return "", {}
    sql, params = compile_where(group)
    return f"WHERE {sql}", params


def filter_rule(flt: TrackFilter, name: str = "From Explore", taken: set[str] | frozenset = frozenset()
                ) -> PlaylistRuleSet:
    """Save as rule: the current filters as a new rule draft (not saved yet), its id made from its name and
    not one of `taken` (the ids already saved)."""
    name = " ".join(name.split())[:100] or "From Explore"
    rule_id = free_id(name, taken, "from-explore")
    return PlaylistRuleSet(id=rule_id, name=name, description="Made from Explore's search and filters.",
                           match=flt.rule_group())


@dataclass
class LibraryOverview:
    total_tracks: int
    liked: int
    artists: int
    albums: int
    playlists: int
    local_files: int
    episodes: int
    unavailable: int
    sources: pd.DataFrame                    # one row per source with its counts
    coverage: pd.DataFrame                   # field, tracks, share (of all tracks)
    coverage_by_provider: pd.DataFrame       # field, provider, tracks
    last_activity: dict[str, object]         # origin ('spotify' | 'csv' | 'demo') -> last sync/import time
    recent_imports: pd.DataFrame


@dataclass
class TrackPage:
    rows: pd.DataFrame
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass
class FilterOptions:
    sources: list[tuple[str, str]]           # (source_id, name)
    genres: list[str]                        # most common first
    decades: list[int]
    moods: list[str]
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)


def library_overview(library: Library) -> LibraryOverview:
    """Counts per source, enrichment coverage and the last sync/import, in one short connection."""
    with library.cursor() as cur:
        totals = cur.execute(q.TOTALS_SQL).fetchone()
        sources = cur.execute(q.SOURCES_SQL).df()
        by_provider = cur.execute(q.COVERAGE_SQL).df()
        counts = cur.execute(q.coverage_sql(COVERAGE_FIELDS)).fetchone()
        activity = dict(cur.execute(q.LAST_ACTIVITY_SQL).fetchall())
    total = counts[0] or 0
    coverage = pd.DataFrame({"field": COVERAGE_FIELDS, "tracks": counts[1:],
                             "share": [(c / total if total else 0.0) for c in counts[1:]]})
    imports = list_jobs(library, kind="import")[:10]
    recent = pd.DataFrame([{"job": j.job_id, "status": j.status, "source": j.target, "message": j.message,
                            "when": j.created_at} for j in imports],
                          columns=["job", "status", "source", "message", "when"])
    return LibraryOverview(*totals, sources=sources, coverage=coverage, coverage_by_provider=by_provider,
                           last_activity=activity, recent_imports=recent)


def track_page(library: Library, flt: TrackFilter, *, columns: list[str] | None = None, sort: str = "added_at",
               descending: bool = True, page: int = 1, page_size: int = 100) -> TrackPage:
    """One page of the filtered, searched and sorted tracks (never the whole table)."""
    page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
    columns = list(columns or DEFAULT_COLUMNS)
    where, params = where_clause(flt)
    with library.cursor() as cur:
        (total,) = cur.execute(q.count_sql(where), params).fetchone()
        pages = max(1, -(-total // page_size))
        page = max(1, min(int(page), pages))
        sql, params = q.page_sql(where, params, columns, sort, descending, page_size, (page - 1) * page_size)
        rows = cur.execute(sql, params).df()
    return TrackPage(rows=rows, total=total, page=page, page_size=page_size)


def filtered_tracks(library: Library, flt: TrackFilter, *, columns: list[str], sort: str = "added_at",
                    descending: bool = True, limit: int = 200_000) -> pd.DataFrame:
    """All filtered tracks (up to `limit`) with exactly these columns, in the table's order — for downloads."""
    sql, params = q.page_sql(*where_clause(flt), list(columns), sort, descending, limit, 0)
    return library.query_df(sql, params)[list(columns)]


def filter_options(library: Library, top_genres: int = 300) -> FilterOptions:
    """Values for the filter widgets: sources, common genres, decades, moods and numeric ranges."""
    with library.cursor() as cur:
        sources = cur.execute(q.OPTION_SOURCES_SQL).fetchall()
        genres = [r[0] for r in cur.execute(q.GENRES_SQL.format(where=""), {"top": top_genres}).fetchall()]
        decades = [int(r[0]) for r in cur.execute(q.OPTION_DECADES_SQL).fetchall()]
        moods = [r[0] for r in cur.execute(q.OPTION_MOODS_SQL).fetchall()]
        bounds = cur.execute(f"SELECT {q.RANGES_SQL} FROM track_view").fetchone()
    ranges = {c: (float(bounds[2 * i]), float(bounds[2 * i + 1])) for i, c in enumerate(NUMERIC_COLUMNS)
              if bounds[2 * i] is not None}
    return FilterOptions(sources=sources, genres=genres, decades=decades, moods=moods, ranges=ranges)


def chart_data(library: Library, flt: TrackFilter, *, top: int = 15, histogram: str = "energy",
               scatter: tuple[str, str] = ("energy", "valence"), color: str = "mood",
               sample: int = 5000) -> dict[str, pd.DataFrame]:
    """Aggregates (and bounded samples) of the filtered tracks for the Explore charts."""
    where, params = where_clause(flt)
    with library.cursor() as cur:
        return {
            "added": cur.execute(q.ADDED_SQL.format(where=where), params).df(),
            "decades": cur.execute(q.DECADES_SQL.format(where=where), params).df(),
            "genres": cur.execute(q.GENRES_SQL.format(where=where), {**params, "top": top}).df(),
            "artists": cur.execute(q.ARTISTS_SQL.format(where=where), {**params, "top": top}).df(),
            "histogram": cur.execute(q.column_sql(histogram, where, sample), params).df(),
            "scatter": cur.execute(q.scatter_sql(*scatter, color, where, sample), params).df(),
        }
