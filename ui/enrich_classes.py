"""Enrich page tabs for classes: the mood map with thresholds, genre families and the label editor."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import lib.enrich as enrich
from lib.store import Library

LABELS_EDITOR = "enrich.labels_editor"
MAP_EDITOR = "enrich.map_editor"


def _editor_key(base: str) -> str:
    # A new key after saving drops the editor's pending edits, which would otherwise replay on new data.
    return f"{base}.{st.session_state.get(base + '.version', 0)}"


def _bump(base: str) -> None:
    st.session_state[base + ".version"] = st.session_state.get(base + ".version", 0) + 1


def render_mood_map(library: Library) -> None:
    th = enrich.get_mood_thresholds(library)
    st.subheader("Mood from energy × valence")
    left, right = st.columns([3, 2])
    with right, st.form("enrich.mood_form"):
        energy = st.number_input("Energy threshold", 0.0, 1.0, float(th.energy), 0.05, key="enrich.th_energy")
        valence = st.number_input("Valence threshold", 0.0, 1.0, float(th.valence), 0.05, key="enrich.th_valence")
        high = st.number_input("High-energy threshold", 0.0, 1.0, float(th.high_energy), 0.05, key="enrich.th_high")
        if st.form_submit_button("Apply thresholds", type="primary"):
            try:
                th = enrich.set_mood_thresholds(library, enrich.MoodThresholds(energy, valence, high))
                st.toast("Moods recomputed")
            except ValueError as exc:
                st.error(str(exc))
    with right:
        st.caption(f"Classifier version `{th.version}` — tracks without both energy and valence get no mood.")
        st.dataframe(pd.DataFrame([{"mood": k, "rule": v} for k, v in th.explain().items()]), hide_index=True,
                     key="enrich.mood_rules")
        st.dataframe(enrich.mood_counts(library), hide_index=True, key="enrich.mood_counts")
    with left:
        points = enrich.mood_points(library)
        if points.empty:
            st.info("No track has both energy and valence yet: import a features file or run ReccoBeats.")
        else:
            st.plotly_chart(enrich.mood_map_figure(points, th), key="enrich.mood_chart")


def render_families(library: Library) -> None:
    st.subheader("Genre families")
    left, right = st.columns([2, 3])
    with left:
        breakdown = enrich.family_breakdown(library)
        st.plotly_chart(enrich.family_figure(breakdown), key="enrich.family_chart")
        st.caption("Most frequent genres without a family:")
        st.dataframe(enrich.unmapped_genres(library), hide_index=True, key="enrich.unmapped")
    with right:
        with st.form("enrich.map_form", clear_on_submit=True):
            st.markdown("**Map a genre or tag to a family** (matches whole words: “rock” also maps “indie rock”)")
            genre = st.text_input("Genre or tag", key="enrich.map_genre")
            family = st.selectbox("Family", enrich.GENRE_FAMILIES, key="enrich.map_family")
            new_family = st.text_input("…or a new family", key="enrich.map_new_family")
            if st.form_submit_button("Add mapping"):
                try:
                    enrich.save_genre_mappings(library, [(genre, new_family.strip() or family)])
                    st.toast(f"Mapped {genre!r}")
                except ValueError as exc:
                    st.error(str(exc))
        current = enrich.genre_map(library)
        mine = current[current["origin"] == "user"][["genre", "family"]].reset_index(drop=True)
        st.markdown("**Your mappings** (edit a family, or delete rows, then save)")
        edited = st.data_editor(mine, num_rows="dynamic", hide_index=True, key=_editor_key(MAP_EDITOR),
                                column_config={"genre": st.column_config.TextColumn(required=True),
                                               "family": st.column_config.TextColumn(required=True)})
        if st.button("Save mappings", key="enrich.map_save"):
            kept = edited.dropna(subset=["genre", "family"])
            removed = sorted(set(mine["genre"]) - set(kept["genre"]))
            try:
                enrich.save_genre_mappings(library, list(kept.itertuples(index=False, name=None)), removed)
                _bump(MAP_EDITOR)
                st.rerun()
            except ValueError as exc:
                st.error(str(exc))
        with st.expander("Built-in map"):
            st.dataframe(current[current["origin"] == "builtin"], hide_index=True, key="enrich.builtin_map")


def _tags_text(value) -> str:
    return ", ".join(value) if value is not None and len(value) else ""


def _parse_tags(text) -> list[str]:
    return [t.strip() for t in str(text or "").split(",") if t.strip()]


def render_labels(library: Library) -> None:
    st.subheader("Labels")
    st.caption("Set a mood, genre family or tags by hand: manual labels win over computed classes and survive "
               "re-imports and re-syncs. Clear a cell (or use Reset) to go back to the computed value.")
    cols = st.columns([3, 2, 2, 1])
    search = cols[0].text_input("Search title, artist or album", key="enrich.label_search")
    mood = cols[1].selectbox("Mood", [None, *enrich.MOOD_NAMES], key="enrich.label_mood")
    family = cols[2].selectbox("Genre family", [None, *enrich.GENRE_FAMILIES], key="enrich.label_family")
    only_manual = cols[3].checkbox("Manual only", key="enrich.label_manual")
    rows = enrich.label_rows(library, search=search, mood=mood, genre_family=family, only_manual=only_manual,
                             limit=200)
    shown = rows.assign(select=False, tags=rows["tags"].map(_tags_text))[
        ["select", "track_id", "title", "artist", "mood", "genre_family", "tags", "has_manual", "energy", "valence"]]
    st.caption(f"{len(rows)} track(s) shown (at most 200; narrow the search to find others).")
    edited = st.data_editor(
        shown, hide_index=True, key=_editor_key(LABELS_EDITOR),
        disabled=["track_id", "title", "artist", "has_manual", "energy", "valence"],
        column_config={"select": st.column_config.CheckboxColumn("✓", help="for the bulk actions below"),
                       "track_id": None,
                       "mood": st.column_config.SelectboxColumn(options=list(enrich.MOOD_NAMES)),
                       "genre_family": st.column_config.TextColumn("genre family"),
                       "tags": st.column_config.TextColumn("tags (comma-separated)"),
                       "has_manual": st.column_config.CheckboxColumn("manual")})
    if st.button("Save edits", key="enrich.label_save", type="primary"):
        _save_edits(library, shown, edited)
    selected = edited.loc[edited["select"].astype(bool), "track_id"].tolist()
    if len(rows):
        with st.expander("Where do a track's values come from?"):
            names = dict(zip(rows["track_id"], rows["title"] + " — " + rows["artist"].fillna(""), strict=True))
            chosen = st.selectbox("Track", list(names), format_func=names.get, key="enrich.provenance_track")
            st.dataframe(enrich.value_provenance(library, chosen), hide_index=True, key="enrich.provenance")
    with st.expander(f"Bulk: {len(selected)} selected track(s)", expanded=bool(selected)):
        b = st.columns(4)
        bulk_mood = b[0].selectbox("Set mood", ["(keep)", *enrich.MOOD_NAMES], key="enrich.bulk_mood")
        bulk_family = b[1].text_input("Set genre family", key="enrich.bulk_family")
        bulk_tags = b[2].text_input("Set tags (comma-separated)", key="enrich.bulk_tags")
        if b[3].button("Apply to selected", key="enrich.bulk_apply", disabled=not selected):
            kwargs = {}
            if bulk_mood != "(keep)":
                kwargs["mood"] = bulk_mood
            if bulk_family.strip():
                kwargs["genre_family"] = bulk_family.strip().lower()
            if bulk_tags.strip():
                kwargs["tags"] = _parse_tags(bulk_tags)
            enrich.set_labels(library, selected, **kwargs)
            _bump(LABELS_EDITOR)
            st.rerun()
        if b[3].button("Reset selected", key="enrich.bulk_reset", disabled=not selected):
            enrich.reset_labels(library, selected)
            _bump(LABELS_EDITOR)
            st.rerun()


def _save_edits(library: Library, before: pd.DataFrame, after: pd.DataFrame) -> None:
    changed = 0
    for (_, old), (_, new) in zip(before.iterrows(), after.iterrows(), strict=True):
        kwargs = {}
        for column in ("mood", "genre_family"):
            if (old[column] or None) != (new[column] or None) and not (pd.isna(old[column]) and pd.isna(new[column])):
                kwargs[column] = None if pd.isna(new[column]) or not new[column] else str(new[column]).strip().lower()
        if _parse_tags(old["tags"]) != _parse_tags(new["tags"]):
            kwargs["tags"] = _parse_tags(new["tags"])
        if kwargs:
            try:
                enrich.set_labels(library, [new["track_id"]], **kwargs)
            except ValueError as exc:
                st.error(f"{new['title']}: {exc}")
                return
            changed += 1
    _bump(LABELS_EDITOR)
    st.toast(f"Saved labels for {changed} track(s)")
    st.rerun()
