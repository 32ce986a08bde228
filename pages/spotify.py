"""Connect & sync: register/enter the Spotify app, sign in, pick sources, sync with progress."""

import streamlit as st

from ui.spotify import render_connect_page
from ui.state import library_guard, require_app_frame

require_app_frame()

with library_guard("page"):  # a busy library: a message and a retry
    st.title("Connect & sync")
    render_connect_page()
