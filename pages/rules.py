"""Rules page: build rule-driven playlists with a live preview of the tracks they select."""

import streamlit as st

from ui.rules import render_rules_page
from ui.state import current_library, is_demo, library_guard, require_app_frame

require_app_frame()

with library_guard("page", current_library()):  # a busy library: a message and a retry
    st.title("Rules")
    if is_demo():
        st.caption("Demo library — rules you save here stay in the demo library.")
    render_rules_page(current_library())
