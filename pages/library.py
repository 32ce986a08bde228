"""Sources & import page: the library's sources with their counts, and Exportify CSV import."""

import streamlit as st

from lib.errors import AutoPlaylistsError
from lib.explore import library_overview
from lib.imports import import_exportify_csv
from ui.explore import render_import_results
from ui.state import current_library, is_demo, library_guard, require_app_frame, user_library

require_app_frame()

with library_guard("page", current_library()):  # a busy library: a message and a retry
    st.title("Sources & import")
    overview = library_overview(current_library())
    st.subheader("Sources" + (" of the demo library" if is_demo() else ""))
    st.dataframe(overview.sources[["name", "kind", "origin", "track_count", "local_count", "episode_count",
                                   "null_count", "readable", "unreadable_reason", "last_synced_at", "file_path"]],
                 hide_index=True, width="stretch")

    st.subheader("Import Exportify CSV files")
    st.markdown("Export playlists with [Exportify](https://exportify.app) and upload the `.csv` files. Each file "
                "becomes a playlist named after the file; `Liked_Songs.csv` becomes Liked Songs. Importing a file "
                "again updates it. Rows that cannot be read are listed with their line numbers and skipped.")
    if is_demo():
        st.info("Imports go to **your own library**, not the demo. Switch to *My library* in the sidebar to see them.",
                icon=":material/info:")
    with st.form("library.import_form", clear_on_submit=True):
        files = st.file_uploader("Exportify CSV files", type=["csv"], accept_multiple_files=True, key="library.files")
        name = st.text_input("Playlist name (optional, one file only)", key="library.name")
        liked = st.checkbox("Import as Liked Songs", key="library.liked")
        submitted = st.form_submit_button("Import", type="primary")
    if submitted:
        results, failures = [], []
        if name.strip() and len(files or []) > 1:
            failures.append("A playlist name can only be given when importing one file.")
        elif not files:
            failures.append("Choose at least one CSV file first.")
        else:
            with st.status(f"Importing {len(files)} file(s)…", expanded=False) as status:
                for upload in files:
                    try:
                        results.append(import_exportify_csv(user_library(), upload.getvalue(), file_name=upload.name,
                                                            name=name.strip() or None, liked=True if liked else None))
                    except AutoPlaylistsError as exc:
                        failures.append(str(exc))
                status.update(label=f"Imported {len(results)} of {len(files)} file(s)",
                              state="error" if failures else "complete")
        render_import_results(results, failures)

    st.subheader("Recent imports into my library")
    recent = library_overview(user_library()).recent_imports
    if recent.empty:
        st.caption("No imports yet.")
    else:
        st.dataframe(recent, hide_index=True, width="stretch")
