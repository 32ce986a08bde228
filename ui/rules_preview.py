"""The live preview of a rule: figures, the first tracks, and distributions of matches vs the library."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib.rules import Preview, distribution, parse_rule, preview_rule
from ui.rules_explain import offer_selection
from ui.rules_mix import rules_stamp

TABLE_COLUMNS = ["title", "artist", "album", "release_year", "duration_s", "added_at", "energy", "valence",
                 "genres", "playlists", "mood", "track_id"]
LIBRARY_COLOR, MATCH_COLOR = "#9aa5b1", "#1db954"
SCOPE_LABELS = {"matched": "all matches", "playlist": "the playlist"}


# Keyed by the library's target, its data version and the rule's JSON; `_library` itself is not hashed.
# A short ttl keeps "in the last … days" rules current.
@st.cache_data(ttl=60, show_spinner=False, max_entries=32)
def _preview(_library, target: str, version: int, rule_json: str, rules_stamp: str = "") -> Preview:
    return preview_rule(_library, parse_rule(json.loads(rule_json)), columns=TABLE_COLUMNS)


@st.cache_data(ttl=60, show_spinner=False, max_entries=64)
def _distribution(_library, target: str, version: int, rule_json: str, field: str, scope: str,
                  rules_stamp: str = "") -> pd.DataFrame:
    return distribution(_library, parse_rule(json.loads(rule_json)), field, scope)


def cached_preview(library, version: int, rule) -> Preview:
    return _preview(library, library.target, version, json.dumps(rule.definition(), sort_keys=True, default=str),
                    rules_stamp(library, rule))


def cached_distribution(library, version: int, rule, field: str, scope: str) -> pd.DataFrame:
    return _distribution(library, library.target, version, json.dumps(rule.definition(), sort_keys=True,
                                                                      default=str), field, scope,
                         rules_stamp(library, rule))


def distribution_figure(frame: pd.DataFrame, label: str, selected: str = "matches",
                        band: tuple[float, float] | None = None, height: int = 300) -> go.Figure:
    """Library bars with the selected tracks' bars over them (numbers: equal bins; text: top values)."""
    fig = go.Figure()
    if "bin" in frame.columns:
        x, width = list(frame["x"]), list(frame["width"])
        fig.add_bar(x=x, y=list(frame["library"]), width=width, name="library", marker_color=LIBRARY_COLOR)
        fig.add_bar(x=x, y=list(frame["selected"]), width=width, name=selected, marker_color=MATCH_COLOR)
        if band is not None:
            fig.add_vrect(x0=band[0], x1=band[1], fillcolor=MATCH_COLOR, opacity=0.12, line_width=0)
    else:
        fig.add_bar(x=list(frame["value"]), y=list(frame["library"]), name="library", marker_color=LIBRARY_COLOR)
        fig.add_bar(x=list(frame["value"]), y=list(frame["selected"]), name=selected, marker_color=MATCH_COLOR)
    fig.update_layout(barmode="overlay", height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10}, title=label,
                      legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 1.0, "xanchor": "right"},
                      bargap=0.05)
    return fig


def render_metrics(preview: Preview) -> None:
    cols = st.columns(3)
    cols[0].metric("Tracks", f"{preview.count:,}", help="in the playlist, after dedupe and limit")
    cols[1].metric("Matching", f"{preview.matched:,}", help=f"of {preview.library_tracks:,} tracks in the library")
    minutes = preview.duration_ms / 60_000
    hours = int(minutes // 60)
    cols[2].metric("Duration", f"{hours:,}h {int(minutes % 60):02d}m" if hours < 1000 else f"{hours:,}h")


def render_table(preview: Preview) -> str | None:
    """The first tracks; returns the track id of the row the user selected (to explain it), if any."""
    shown = [c for c in TABLE_COLUMNS if c in preview.tracks.columns]
    event = st.dataframe(preview.tracks[shown], hide_index=True, height=360, key="rules.table", on_select="rerun",
                         selection_mode="single-row", column_config={
        "duration_s": st.column_config.NumberColumn("duration (s)", format="%.0f"),
        "energy": st.column_config.ProgressColumn("energy", min_value=0.0, max_value=1.0, format="%.2f"),
        "valence": st.column_config.ProgressColumn("valence", min_value=0.0, max_value=1.0, format="%.2f"),
    })
    if preview.count > len(preview.tracks):
        st.caption(f"Showing the first {len(preview.tracks):,} of {preview.count:,} tracks.")
    rows = event.selection.rows if event is not None else []
    return str(preview.tracks["track_id"].iloc[rows[0]]) if rows and rows[0] < len(preview.tracks) else None


def render_distribution(library, version: int, rule, fields: dict, default: str, add=None) -> None:
    names = [n for n, f in fields.items() if f["type"] in ("number", "list", "text", "boolean")]
    gen = st.session_state.get("rules.gen", 0)
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    pick = left.selectbox("Distribution of", names, index=names.index(default) if default in names else 0,
                          key=f"rules.g{gen}.chart_field", format_func=lambda n: fields[n]["label"])
    scope = right.segmented_control("Show", list(SCOPE_LABELS), default="matched", key=f"rules.g{gen}.chart_scope",
                                    format_func=SCOPE_LABELS.get, help="all tracks the rule matches, or only "
                                    "those in the playlist (after dedupe and limit)") or "matched"
    frame = cached_distribution(library, version, rule, pick, scope)
    if frame.empty:
        st.caption("No values for this field in the library.")
        return
    label = "matches" if scope == "matched" else "in the playlist"
    fig = distribution_figure(frame, f"{fields[pick]['label']}: {label} vs library", label)
    fig.update_layout(dragmode="select")
    # Keyed by the editor's generation: once a selection is added (or a rule loaded) the chart starts unselected.
    event = st.plotly_chart(fig, key=f"rules.g{gen}.chart", on_select="rerun",
                            selection_mode=("box", "lasso", "points"))
    if add is not None:     # a box over the bars → between, picked bars of a text or list field → in
        offer_selection(event, (pick, fields[pick]["type"]), None, add, key="rules.chart.select")


def render_tuner_charts(library, version: int, rule, charts: dict) -> None:
    """Fill the histogram under every numeric range slider with the rule's matches."""
    for uid, (slot, field, band) in charts.items():
        frame = cached_distribution(library, version, rule, field, "matched")
        if frame.empty:
            continue
        fig = distribution_figure(frame, "", band=band, height=170)
        fig.update_layout(showlegend=False, margin={"l": 5, "r": 5, "t": 5, "b": 5})
        slot.plotly_chart(fig, key=f"rules.tune.{uid}")
