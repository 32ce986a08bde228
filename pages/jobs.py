"""Jobs: syncs, imports, enrichments and pushes with their progress and status history."""

import streamlit as st

from ui.spotify import render_jobs_page

st.title("Jobs")
render_jobs_page()
