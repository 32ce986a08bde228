"""Explore page: overview, searchable and filterable track table with CSV download, and charts."""

import streamlit as st

from lib.explore import filter_options, library_overview
from ui.explore import filter_widgets, render_charts, render_overview, render_table
from ui.state import current_library, is_demo, require_app_frame

require_app_frame()

st.title("Explore")
library = current_library()
if is_demo():
    st.caption("Demo library — generated sample data. Switch to *My library* in the sidebar for your own.")
overview = library_overview(library)
render_overview(overview)
if overview.total_tracks == 0:
    st.info("This library has no tracks yet. Import an Exportify CSV on **Sources & import** or connect Spotify.")
    st.stop()
flt = filter_widgets(filter_options(library))
table_tab, charts_tab = st.tabs(["Tracks", "Charts"])
with table_tab:
    render_table(library, flt)
with charts_tab:
    render_charts(library, flt)
