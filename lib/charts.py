"""Plotly figures for the Explore page, built from the aggregates of lib.explore.chart_data."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

_LAYOUT = {"margin": {"l": 10, "r": 10, "t": 40, "b": 10}, "height": 320}


def _empty(title: str) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(title=title, annotations=[{"text": "No data for these filters", "showarrow": False}], **_LAYOUT)
    return fig


def added_over_time(frame: pd.DataFrame) -> go.Figure:
    if frame.empty:
        return _empty("Tracks added per month")
    fig = px.bar(frame, x="month", y="tracks", title="Tracks added per month")
    return fig.update_layout(**_LAYOUT)


def decades(frame: pd.DataFrame) -> go.Figure:
    if frame.empty:
        return _empty("Release decades")
    data = frame.assign(label=frame["decade"].astype(int).astype(str) + "s")
    return px.bar(data, x="label", y="tracks", title="Release decades").update_layout(**_LAYOUT, xaxis_title="")


def top_counts(frame: pd.DataFrame, column: str, title: str) -> go.Figure:
    """Horizontal bars, biggest on top (top genres, top artists)."""
    if frame.empty:
        return _empty(title)
    fig = px.bar(frame.iloc[::-1], x="tracks", y=column, orientation="h", title=title)
    return fig.update_layout(**{**_LAYOUT, "height": max(320, 22 * len(frame))}, yaxis_title="")


def distribution(frame: pd.DataFrame, column: str) -> go.Figure:
    if frame.empty:
        return _empty(f"Distribution of {column}")
    return px.histogram(frame, x=column, nbins=40, title=f"Distribution of {column}").update_layout(**_LAYOUT)


def scatter(frame: pd.DataFrame, x: str, y: str, color: str) -> go.Figure:
    """x × y of (a sample of) the tracks, coloured by mood, genre family or decade."""
    if frame.empty:
        return _empty(f"{x} × {y}")
    label = f"{color}_label"
    data = frame.assign(**{label: frame[label].fillna("unknown")})
    fig = px.scatter(data, x=x, y=y, color=label, hover_data=["title", "artist"], opacity=0.6,
                     title=f"{x} × {y} by {color.replace('_', ' ')}")
    return fig.update_traces(marker={"size": 5}).update_layout(**{**_LAYOUT, "height": 420}, legend_title_text="")


def plays_per_day(frame: pd.DataFrame) -> go.Figure:
    """Listening: plays per day over the stored history."""
    if frame.empty:
        return _empty("Plays per day")
    return px.bar(frame, x="day", y="plays", title="Plays per day").update_layout(**_LAYOUT, xaxis_title="")


def top_artists_by_plays(frame: pd.DataFrame) -> go.Figure:
    if frame.empty:
        return _empty("Top artists by plays")
    fig = px.bar(frame.iloc[::-1], x="plays", y="artist", orientation="h", title="Top artists by plays")
    return fig.update_layout(**{**_LAYOUT, "height": max(320, 22 * len(frame))}, yaxis_title="")
