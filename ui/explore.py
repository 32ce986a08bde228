"""Streamlit widgets of the Explore and Sources pages: overview, filters, paged table, charts, import."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from lib import charts
from lib.explore import (
    DEFAULT_COLUMNS,
    NUMERIC_COLUMNS,
    SORTABLE_COLUMNS,
    FilterOptions,
    LibraryOverview,
    TrackFilter,
    chart_data,
    filter_options,
    filter_rule,
    filtered_tracks,
    track_page,
)
from lib.export import to_csv_bytes
from lib.rules import list_rules
from lib.store import TRACK_VIEW_COLUMNS, Library, data_version
from ui.listening import render_listening
from ui.rules import load as load_rule
from ui.rules_builder import SAFE
from ui.rules_explain import offer_selection
from ui.state import library_guard

EXPORT_LIMIT = 200_000
CHART_SAMPLE = 5000


def render_overview(o: LibraryOverview) -> None:
    cols = st.columns(5)
    cols[0].metric("Tracks", f"{o.total_tracks:,}")
    cols[1].metric("Liked", f"{o.liked:,}")
    cols[2].metric("Playlists", o.playlists)
    cols[3].metric("Artists", f"{o.artists:,}")
    cols[4].metric("Local / episodes / unavailable", f"{o.local_files} / {o.episodes} / {o.unavailable}")
    when = ", ".join(f"{origin}: {ts:%Y-%m-%d %H:%M}" for origin, ts in sorted(o.last_activity.items()) if ts)
    st.caption(f"Last sync/import — {when or 'never'}")
    with st.expander("Sources and enrichment coverage"):
        left, right = st.columns(2)
        left.dataframe(o.sources[["name", "kind", "origin", "track_count", "local_count", "episode_count",
                                  "null_count", "last_synced_at"]], hide_index=True, width="stretch")
        right.dataframe(o.coverage, hide_index=True, width="stretch", column_config={
            "share": st.column_config.ProgressColumn("coverage", min_value=0.0, max_value=1.0, format="percent")})
        if not o.coverage_by_provider.empty:
            right.caption("Values per provider")
            right.dataframe(o.coverage_by_provider, hide_index=True, width="stretch")


def _first_page() -> None:
    """A new search, filter, sort or page size starts again on page 1."""
    st.session_state["explore.page"] = 1


def _slider_bounds(lo: float, hi: float) -> tuple[float, float] | None:
    """A range a browser slider can hold (finite, within JavaScript's safe numbers); None if it has no width."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return None
    lo, hi = max(-SAFE, min(SAFE, lo)), max(-SAFE, min(SAFE, hi))
    return (float(lo), float(hi)) if lo < hi else None


def filter_widgets(options: FilterOptions) -> TrackFilter:
    """Search and filters; returns the TrackFilter they describe."""
    search = st.text_input("Search title, artist or album", key="explore.search", on_change=_first_page)
    c1, c2, c3, c4 = st.columns(4)
    names = dict(options.sources)
    sources = c1.multiselect("Source", list(names), format_func=lambda s: names.get(s, s), key="explore.sources",
                             on_change=_first_page)
    genres = c2.multiselect("Genre", options.genres, key="explore.genres", on_change=_first_page)
    decades = c3.multiselect("Decade", options.decades, format_func=lambda d: f"{d}s", key="explore.decades",
                             on_change=_first_page)
    moods = c4.multiselect("Mood", options.moods, key="explore.moods", on_change=_first_page)
    ranges: dict[str, tuple[float, float]] = {}
    bounds = {c: _slider_bounds(*options.ranges[c]) for c in NUMERIC_COLUMNS if c in options.ranges}
    with st.expander("Ranges of numeric fields"):
        fields = st.multiselect("Fields", [c for c, b in bounds.items() if b], key="explore.range_fields",
                                on_change=_first_page)
        for name in fields:
            lo, hi = bounds[name]
            ranges[name] = st.slider(name, lo, hi, (lo, hi), key=f"explore.range.{name}", on_change=_first_page)
    liked = st.toggle("Liked songs only", key="explore.liked", on_change=_first_page)
    return TrackFilter(search=search, source_ids=sources, genres=genres, decades=decades, moods=moods,
                       ranges=ranges, liked_only=liked)


def render_table(library: Library, flt: TrackFilter) -> None:
    """The paged track table and a CSV download of the whole filtered table with the shown columns."""
    choices = [c for c in TRACK_VIEW_COLUMNS if c != "track_id"]
    c1, c2, c3, c4 = st.columns([4, 2, 1, 1])
    columns = c1.multiselect("Columns", choices, default=list(DEFAULT_COLUMNS), key="explore.columns") \
        or list(DEFAULT_COLUMNS)
    sort = c2.selectbox("Sort by", SORTABLE_COLUMNS, index=SORTABLE_COLUMNS.index("added_at"), key="explore.sort",
                        on_change=_first_page)
    descending = c3.toggle("Descending", value=True, key="explore.desc", on_change=_first_page)
    size = c4.selectbox("Rows per page", (50, 100, 250, 500), index=1, key="explore.page_size",
                        on_change=_first_page)
    page_no = st.session_state.get("explore.page", 1)
    page = track_page(library, flt, columns=columns, sort=sort, descending=descending, page=page_no, page_size=size)
    st.caption(f"{page.total:,} matching tracks · page {page.page} of {page.pages}")
    st.dataframe(page.rows[columns], hide_index=True, width="stretch", key="explore.table")
    p1, p2 = st.columns([1, 3])
    if st.session_state.get("explore.page", 1) != page.page:
        st.session_state["explore.page"] = page.page     # e.g. fewer pages than before
    p1.number_input("Page", min_value=1, max_value=page.pages, step=1, key="explore.page")

    def export() -> bytes:
        return to_csv_bytes(filtered_tracks(library, flt, columns=columns, sort=sort, descending=descending,
                                            limit=EXPORT_LIMIT))

    p2.download_button(f"Download these {min(page.total, EXPORT_LIMIT):,} tracks as CSV", data=export,
                       file_name="tracks.csv", mime="text/csv", on_click="ignore", key="explore.download")


def render_charts(library: Library, flt: TrackFilter) -> None:
    numeric = list(NUMERIC_COLUMNS)
    c1, c2, c3, c4 = st.columns(4)
    hist = c1.selectbox("Distribution of", numeric, index=numeric.index("energy"), key="explore.hist")
    x = c2.selectbox("Scatter x", numeric, index=numeric.index("energy"), key="explore.x")
    y = c3.selectbox("Scatter y", numeric, index=numeric.index("valence"), key="explore.y")
    color = c4.selectbox("Colour by", ("mood", "genre_family", "decade"), key="explore.color")
    data = chart_data(library, flt, histogram=hist, scatter=(x, y), color=color, sample=CHART_SAMPLE)
    left, right = st.columns(2)
    left.plotly_chart(charts.added_over_time(data["added"]), key="explore.chart.added")
    right.plotly_chart(charts.decades(data["decades"]), key="explore.chart.decades")
    left.plotly_chart(charts.top_counts(data["genres"], "genre", "Top genres"), key="explore.chart.genres")
    right.plotly_chart(charts.top_counts(data["artists"], "artist", "Top artists"), key="explore.chart.artists")
    left.plotly_chart(charts.distribution(data["histogram"], hist), key="explore.chart.hist")
    with right:
        event = st.plotly_chart(charts.scatter(data["scatter"], x, y, color).update_layout(dragmode="select"),
                                key="explore.chart.scatter",
                                on_select="rerun", selection_mode=("box", "lasso"))
        if box := offer_selection(event, (x, "number"), (y, "number"), None, key="explore.select",
                                  label="Add as conditions to a new rule",
                                  help="a new rule on the Rules page: the current search and filters and this box"):
            # Like Save as rule: Explore's current search and filters, and the box on both axes.
            draft = filter_rule(flt, "From Explore", {r.rule_id for r in list_rules(library)}).definition()
            draft["match"]["conditions"] += box
            load_rule(draft, None)
            st.switch_page("pages/rules.py")
    if max(len(data["histogram"]), len(data["scatter"])) >= CHART_SAMPLE:
        st.caption(f"The distribution and the scatter plot are drawn from a random sample of {CHART_SAMPLE:,} of "
                   "the filtered tracks; the other charts count all of them.")


def render_save_as_rule(library: Library, flt: TrackFilter) -> None:
    """The current search and filters become a new rule, opened in the Rules page's editor (not yet saved)."""
    if st.button("Save as rule", key="explore.save_rule", icon=":material/rule:",
                 disabled=not flt.rule_group().conditions, help="Open these filters as a new rule on the Rules page"):
        name = f"Explore: {' '.join(flt.search.split())}" if flt.search.strip() else "From Explore"
        draft = filter_rule(flt, name, {s.rule_id for s in list_rules(library)})
        load_rule(draft.definition(), None)
        st.switch_page("pages/rules.py")


@st.cache_data(show_spinner=False, max_entries=8)
def _filter_options(_library, target: str, version: int) -> FilterOptions:
    # Keyed by the library's target and its data version; `_library` itself is not hashed.
    return filter_options(_library)


@st.fragment
def render_explorer(library: Library) -> None:
    """Filters with the table or the charts: a filter change reruns only this; charts only when shown."""
    with library_guard("explore", library):
        flt = filter_widgets(_filter_options(library, library.target, data_version(library)))
        render_save_as_rule(library, flt)
        view = st.segmented_control("Show", ["Tracks", "Charts", "Listening"], default="Tracks", key="explore.view",
                                    label_visibility="collapsed") or "Tracks"
        if view == "Tracks":
            render_table(library, flt)
        elif view == "Listening":
            render_listening(library)
        else:
            render_charts(library, flt)


def render_import_results(results: list, failures: list[str]) -> None:
    for message in failures:
        st.error(message, icon=":material/error:")
    for result in results:
        st.success(result.summary(), icon=":material/check_circle:")
        if result.errors:
            with st.expander(f"{result.error_count} row(s) of {result.file_name} skipped"):
                st.dataframe(pd.DataFrame({"line": [e.line for e in result.errors],
                                           "problem": [e.message for e in result.errors]}), hide_index=True)
