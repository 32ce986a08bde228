"""Plotly figures for the Enrich page: coverage bars, the mood map with its thresholds, genre families."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lib.store.classification import MoodThresholds

MOOD_COLORS = {"happy": "#f4c430", "energetic": "#e4572e", "calm": "#4cb5ae", "sad": "#4062bb",
               "tense": "#8e44ad", "(none)": "#aaaaaa"}


def coverage_figure(coverage: pd.DataFrame) -> go.Figure:
    """Per field, a bar split by the provider whose value is shown; the axis is the share of all tracks."""
    fig = go.Figure()
    if coverage.empty:
        return fig.update_layout(title="No enrichment values yet")
    total = max(int(coverage["total"].max()), 1)
    fields = list(dict.fromkeys(coverage.sort_values("field")["field"]))
    for provider, part in coverage.groupby("provider", sort=True):
        shown = part.set_index("field")["shown"].reindex(fields).fillna(0)
        fig.add_bar(y=fields, x=shown / total, name=str(provider), orientation="h",
                    customdata=shown.astype(int), hovertemplate="%{y}: %{customdata} tracks from " + str(provider)
                    + " (%{x:.0%})<extra></extra>")
    fig.update_layout(barmode="stack", xaxis={"tickformat": ".0%", "range": [0, 1], "title": "tracks covered"},
                      yaxis={"autorange": "reversed"}, height=max(260, 28 * len(fields) + 120),
                      legend_title_text="value shown from", margin={"l": 10, "r": 10, "t": 30, "b": 10})
    return fig


def mood_map_figure(points: pd.DataFrame, thresholds: MoodThresholds) -> go.Figure:
    """Energy × valence scatter coloured by mood, with the class boundaries drawn."""
    fig = go.Figure()
    for mood, part in points.groupby("mood", sort=True):
        fig.add_scatter(x=part["valence"], y=part["energy"], mode="markers", name=str(mood),
                        marker={"size": 5, "opacity": 0.6, "color": MOOD_COLORS.get(str(mood), "#888888")},
                        text=part["title"] + " — " + part["artist"].fillna(""),
                        hovertemplate="%{text}<br>valence %{x:.2f}, energy %{y:.2f}<extra></extra>")
    t = thresholds
    line = {"color": "#333333", "width": 1.5, "dash": "dash"}
    fig.add_shape(type="line", x0=t.valence, x1=t.valence, y0=0, y1=1, line=line)
    fig.add_shape(type="line", x0=0, x1=1, y0=t.energy, y1=t.energy, line=line)
    fig.add_shape(type="line", x0=t.valence, x1=1, y0=t.high_energy, y1=t.high_energy, line=line)
    for text, x, y in (("energetic", (1 + t.valence) / 2, (1 + t.high_energy) / 2),
                       ("happy", (1 + t.valence) / 2, (t.energy + t.high_energy) / 2),
                       ("calm", (1 + t.valence) / 2, t.energy / 2), ("tense", t.valence / 2, (1 + t.energy) / 2),
                       ("sad", t.valence / 2, t.energy / 2)):
        fig.add_annotation(x=x, y=y, text=f"<b>{text}</b>", showarrow=False, opacity=0.7)
    fig.update_layout(xaxis={"range": [0, 1], "title": "valence (sad → happy)"},
                      yaxis={"range": [0, 1], "title": "energy (calm → intense)"}, height=520,
                      margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend_title_text="mood")
    return fig


def family_figure(breakdown: pd.DataFrame) -> go.Figure:
    fig = go.Figure(go.Bar(x=breakdown["tracks"], y=breakdown["genre_family"], orientation="h",
                           marker_color="#4062bb"))
    return fig.update_layout(yaxis={"autorange": "reversed"}, height=max(260, 24 * len(breakdown) + 80),
                             xaxis_title="tracks", margin={"l": 10, "r": 10, "t": 30, "b": 10})
