"""The Explore page's Listening view: plays per day and top artists by plays, from the stored history."""

from __future__ import annotations

import streamlit as st

from lib import charts
from lib.store import listening_summary, plays_per_day, top_artists_by_plays

PERIODS = {"Last 30 days": 30, "Last 90 days": 90, "Last year": 365, "All": None}


def render_listening(library) -> None:
    info = listening_summary(library)
    if not info["plays"]:
        st.info("No listening history yet. Connect Spotify (with the recently-played permission) and click **Sync "
                "now**, or turn on autopilot: each read keeps Spotify's last 50 plays, so history grows the longer "
                "it runs.")
        return
    period = st.segmented_control("Period", list(PERIODS), default="Last 90 days", key="explore.listen.period",
                                  label_visibility="collapsed") or "Last 90 days"
    left, right = st.columns(2)
    left.plotly_chart(charts.plays_per_day(plays_per_day(library, PERIODS[period])), key="explore.chart.plays")
    right.plotly_chart(charts.top_artists_by_plays(top_artists_by_plays(library, days=PERIODS[period])),
                       key="explore.chart.top_artists_plays")
    st.caption(f"{info['plays']:,} plays stored, {info['first_play']:%Y-%m-%d} to {info['last_play']:%Y-%m-%d} "
               "(UTC). Periods end at the newest play. Rules can use plays, last played, plays in the last 30 "
               "days and top ranks.")
