"""Enrich page tab: upload a features file (CSV/Parquet), map its columns, import."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import lib.enrich as enrich
from lib.errors import AutoPlaylistsError
from lib.store import Library

SKIP = "(skip)"


def render_features_file(library: Library) -> None:
    st.subheader("Import a features file")
    st.caption("A CSV or Parquet file keyed by Spotify track id, URI or ISRC — an old export, a dataset dump. "
               "Known columns map to fields; other columns become custom fields x_<name> (numeric or text) that "
               "rules can use. Values are stored with origin *file* (they win over online providers). "
               "Exportify CSVs with playlists are imported on the *Sources & import* page.")
    upload = st.file_uploader("Features file", type=["csv", "tsv", "txt", "parquet"], key="enrich.file")
    if upload is None:
        return
    try:
        frame = enrich.read_features_file(upload, upload.name)
    except AutoPlaylistsError as exc:
        st.error(str(exc))
        return
    st.caption(f"{len(frame)} rows, {len(frame.columns)} columns")
    key, mapping = enrich.suggest_mapping(frame)
    columns = list(frame.columns)
    cols = st.columns(2)
    key_column = cols[0].selectbox("Key column", columns, index=columns.index(key) if key in columns else 0,
                                   key="enrich.file_key")
    key_kind = cols[1].selectbox("Key holds", enrich.KEY_KINDS, key="enrich.file_kind",
                                 format_func=lambda k: {"auto": "detect per row", "id": "Spotify id",
                                                        "uri": "Spotify URI / URL", "isrc": "ISRC"}[k])
    table = pd.DataFrame([{"column": c, "sample": str(frame[c].dropna().iloc[0]) if frame[c].notna().any() else "",
                           "field": mapping.get(c, SKIP)} for c in columns if c != key_column])
    customs = sorted({v for v in mapping.values() if v and v.startswith("x_")})
    edited = st.data_editor(table, hide_index=True, key="enrich.file_mapping", disabled=["column", "sample"],
                            column_config={"field": st.column_config.SelectboxColumn(
                                "stored as", options=[SKIP, *enrich.KNOWN_FIELDS, *customs], required=True)})
    if st.button("Import", key="enrich.file_import", type="primary"):
        chosen = {r.column: (None if r.field in (SKIP, None) else r.field) for r in edited.itertuples(index=False)}
        try:
            report = enrich.import_features_file(library, frame, key_column=key_column, mapping=chosen,
                                                 key_kind=key_kind)
        except AutoPlaylistsError as exc:
            st.error(str(exc))
            return
        st.success(f"{report.matched_rows} of {report.rows} rows matched; {report.tracks} track(s) enriched "
                   f"({', '.join(report.fields) or 'no fields'}).")
        if report.unmatched_keys:
            st.info("Not in the library (sample): " + ", ".join(report.unmatched_keys))
        if report.left_out:
            st.warning("Left out (not finite numbers): " + "; ".join(report.left_out))
