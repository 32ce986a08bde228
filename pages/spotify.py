"""Connect & sync: register/enter the Spotify app, sign in, pick sources, sync with progress."""

import streamlit as st

from ui.spotify import render_connect_page
from ui.state import require_app_frame

require_app_frame()

st.title("Connect & sync")
render_connect_page()
