"""Explore page: overview, searchable and filterable track table with CSV download, and charts."""

import streamlit as st

from lib.explore import library_overview
from ui.explore import render_explorer, render_overview
from ui.state import current_library, is_demo, library_guard, require_app_frame

require_app_frame()

with library_guard("page", current_library()):  # a busy library: a message and a retry
    st.title("Explore")
    library = current_library()
    if is_demo():
        st.caption("Demo library — generated sample data. Switch to *My library* in the sidebar for your own.")
    overview = library_overview(library)
    render_overview(overview)
    if overview.total_tracks == 0:
        st.info("This library has no tracks yet. Import an Exportify CSV on **Sources & import** or connect Spotify.")
        st.stop()
    render_explorer(library)
