"""App entry: page navigation and the library switch shared by every page."""

import streamlit as st

from ui.spotify import handle_oauth_callback
from ui.state import library_guard, library_selector, open_requested_page

st.set_page_config(page_title="Auto Playlists", page_icon="🎛️", layout="wide")

pages = {
    "Library": [
        st.Page("pages/explore.py", title="Explore", icon=":material/travel_explore:", default=True),
        st.Page("pages/library.py", title="Sources & import", icon=":material/library_music:",
                url_path="library"),
        st.Page("pages/enrich.py", title="Enrich", icon=":material/auto_awesome:", url_path="enrich"),
    ],
    "Playlists": [
        st.Page("pages/rules.py", title="Rules", icon=":material/rule:", url_path="rules"),
        st.Page("pages/playlists.py", title="Push", icon=":material/playlist_add_check:",
                url_path="playlists"),
    ],
    "Spotify": [
        st.Page("pages/spotify.py", title="Connect & sync", icon=":material/sync:", url_path="spotify"),
        st.Page("pages/jobs.py", title="Jobs", icon=":material/history:", url_path="jobs"),
    ],
}

navigation = st.navigation(pages)
open_requested_page([page for section in pages.values() for page in section])
with library_guard("app"):
    handle_oauth_callback()  # Spotify redirects to the root URL (a new session): finish sign-in, go to Connect
    library_selector()
    navigation.run()
