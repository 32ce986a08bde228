"""Push page: every rule's playlist on Spotify — diff, confirm, push, history and restore."""

import streamlit as st

from ui.push import render_push_page
from ui.state import library_guard, require_app_frame

require_app_frame()

with library_guard("page"):  # a busy library: a message and a retry
    st.title("Push to Spotify")
    st.caption("Each rule becomes a playlist. See exactly what will change, push only that, and undo it later.")
    render_push_page()
