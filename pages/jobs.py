"""Jobs: syncs, imports, enrichments and pushes with their progress and status history."""

import streamlit as st

from ui.spotify import render_jobs_page
from ui.state import library_guard, require_app_frame

require_app_frame()

with library_guard("page"):  # a busy library: a message and a retry
    st.title("Jobs")
    render_jobs_page()
