"""Connect & sync: register/enter the Spotify app, sign in, pick sources, sync with progress."""

import streamlit as st

from ui.spotify import render_connect_page

st.title("Connect & sync")
render_connect_page()
