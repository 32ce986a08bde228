"""The live preview of a rule: figures, the ordered tracks, and distributions of matches vs the library."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib.rules import Preview
from lib.rules.field_stats import field_values

TABLE_COLUMNS = ["title", "artist", "album", "release_year", "duration_s", "added_at", "energy", "valence",
                 "genres", "playlists", "mood", "track_id"]
LIBRARY_COLOR, MATCH_COLOR = "#9aa5b1", "#1db954"


@st.cache_data(ttl=120, show_spinner=False, max_entries=64)
def _library_values(_library, target: str, version: str, field: str):
    # Keyed by the library's target and a cheap data version; `_library` itself is not hashed.
    return field_values(_library, field)


def library_values(library, field: str):
    version = str(library.query_one("SELECT count(*), max(added_at) FROM track_view"))
    return _library_values(library, library.target, version, field)


def _matched_values(frame: pd.DataFrame, field: str, kind: str):
    if field.startswith("x_"):
        column = "custom_num" if kind == "number" else "custom_text"
        series = frame[column].map(lambda m: dict(m).get(field[2:]) if m is not None else None)
    else:
        series = frame[field]
    if kind == "list":
        series = series.explode()
    series = series.dropna()
    if kind in ("text", "list", "boolean"):
        return series.astype(str).value_counts()
    return pd.Series(pd.to_numeric(series, errors="coerce").dropna().to_numpy()) if kind == "number" else series


def distribution_figure(library_series, matched_series, kind: str, label: str,
                        band: tuple[float, float] | None = None, height: int = 300) -> go.Figure:
    """Matches against the whole library: overlaid histograms for numbers/dates, top values as bars."""
    fig = go.Figure()
    if kind in ("text", "list", "boolean"):
        top = library_series.head(15)
        fig.add_bar(x=list(top.index), y=list(top.values), name="library", marker_color=LIBRARY_COLOR)
        fig.add_bar(x=list(top.index), y=[int(matched_series.get(k, 0)) for k in top.index], name="matches",
                    marker_color=MATCH_COLOR)
        fig.update_layout(barmode="overlay")
    else:
        fig.add_histogram(x=list(library_series), name="library", marker_color=LIBRARY_COLOR, nbinsx=40)
        fig.add_histogram(x=list(matched_series), name="matches", marker_color=MATCH_COLOR, nbinsx=40)
        fig.update_layout(barmode="overlay")
        fig.update_traces(opacity=0.75)
        if band is not None:
            fig.add_vrect(x0=band[0], x1=band[1], fillcolor=MATCH_COLOR, opacity=0.12, line_width=0)
    fig.update_layout(height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10}, title=label,
                      legend={"orientation": "h", "y": 1.15}, bargap=0.05)
    return fig


def render_metrics(preview: Preview) -> None:
    cols = st.columns(3)
    cols[0].metric("Tracks", f"{preview.count:,}", help="in the playlist, after dedupe and limit")
    cols[1].metric("Matching", f"{preview.matched:,}", help=f"of {preview.library_tracks:,} tracks in the library")
    minutes = preview.duration_ms / 60_000
    cols[2].metric("Duration", f"{int(minutes // 60)}h {int(minutes % 60):02d}m")


def render_table(preview: Preview) -> None:
    shown = [c for c in TABLE_COLUMNS if c in preview.tracks.columns]
    frame = preview.tracks[shown].head(500)
    st.dataframe(frame, hide_index=True, height=360, column_config={
        "duration_s": st.column_config.NumberColumn("duration (s)", format="%.0f"),
        "energy": st.column_config.ProgressColumn("energy", min_value=0.0, max_value=1.0, format="%.2f"),
        "valence": st.column_config.ProgressColumn("valence", min_value=0.0, max_value=1.0, format="%.2f"),
    })
    if preview.count > 500:
        st.caption(f"Showing the first 500 of {preview.count:,} tracks.")


def render_distribution(library, preview: Preview, fields: dict, default: str) -> None:
    names = [n for n, f in fields.items() if f["type"] in ("number", "list", "text", "boolean")]
    pick = st.selectbox("Distribution of", names, index=names.index(default) if default in names else 0,
                        key=f"rules.g{st.session_state.get('rules.gen', 0)}.chart_field",
                        format_func=lambda n: fields[n]["label"])
    kind = fields[pick]["type"]
    everything = library_values(library, pick)
    if everything is None or len(everything) == 0:
        st.caption("No values for this field in the library.")
        return
    fig = distribution_figure(everything, _matched_values(preview.tracks, pick, kind), kind,
                              f"{fields[pick]['label']}: matches vs library")
    st.plotly_chart(fig, key="rules.chart")


def render_tuner_charts(library, preview: Preview, fields: dict, charts: dict) -> None:
    """Fill the histogram under every numeric range slider with the current matches."""
    for uid, (slot, field, band) in charts.items():
        info = fields.get(field)
        if info is None:
            continue
        everything = library_values(library, field)
        if everything is None or len(everything) == 0:
            continue
        fig = distribution_figure(everything, _matched_values(preview.tracks, field, "number"), "number", "",
                                  band=band, height=170)
        fig.update_layout(showlegend=False, margin={"l": 5, "r": 5, "t": 5, "b": 5})
        slot.plotly_chart(fig, key=f"rules.tune.{uid}")
