"""Enrich page widgets: providers with coverage, runs with progress, and the tabs for classes and files."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import lib.enrich as enrich
from lib.config import Settings
from lib.errors import AutoPlaylistsError
from lib.store import Library, track_count

FLASH_KEY = "enrich.flash"
DEFAULT_LIMITS = {"musicbrainz": 100, "reccobeats": 2000, "spotify-artist-genres": 500}


def render_enrich_page(library: Library, settings: Settings, *, demo: bool) -> None:
    from ui.enrich_classes import render_families, render_labels, render_mood_map
    from ui.enrich_file import render_features_file

    st.title("Enrich")
    st.caption("Spotify no longer gives new apps audio features or reliable genres. Gather them from files and "
               "online providers, see where every value comes from, and correct what is wrong.")
    tabs = st.tabs(["Providers & coverage", "Mood map", "Genre families", "Labels", "Features file"])
    with tabs[0]:
        render_coverage(library)
        render_providers(library, settings, demo=demo)
    with tabs[1]:
        render_mood_map(library)
    with tabs[2]:
        render_families(library)
    with tabs[3]:
        render_labels(library)
    with tabs[4]:
        render_features_file(library)


def _coverage_summary(cov: pd.DataFrame) -> pd.DataFrame:
    if cov.empty:
        return pd.DataFrame(columns=["field", "coverage", "tracks", "from"])
    rows = []
    for field, part in cov.groupby("field", sort=True):
        shown = int(part["shown"].sum())
        total = int(part["total"].max())
        sources = " · ".join(f"{r.provider} ({r.origin}) {r.shown}/{r.tracks}"
                             for r in part.sort_values("shown", ascending=False).itertuples())
        rows.append({"field": field, "coverage": shown / total if total else 0.0, "tracks": shown, "from": sources})
    return pd.DataFrame(rows)


def render_coverage(library: Library) -> None:
    st.subheader("Coverage")
    cov = enrich.coverage_table(library)
    classes = enrich.class_coverage_table(library)
    total = track_count(library)
    st.caption(f"{total} tracks. When several providers fill a field the value shown follows the precedence "
               "manual > file > online > computed; “shown/has” counts per provider below.")
    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(enrich.coverage_figure(cov), key="enrich.coverage_chart")
    with right:
        st.dataframe(_coverage_summary(cov), hide_index=True, key="enrich.coverage_table",
                     column_config={"coverage": st.column_config.ProgressColumn("coverage", format="percent",
                                                                                min_value=0, max_value=1),
                                    "from": st.column_config.TextColumn("value shown from (shown/has)")})
        if not classes.empty:
            classes = classes.assign(coverage=classes["tracks"] / classes["total"].where(classes["total"] > 0))
            st.dataframe(classes[["class_name", "origin", "tracks", "coverage"]], hide_index=True,
                         key="enrich.class_coverage",
                         column_config={"coverage": st.column_config.ProgressColumn(
                             "coverage", format="percent", min_value=0, max_value=1)})


def _job_line(job) -> str:
    if job is None:
        return "never run"
    progress = job.progress or {}
    done = f"{progress.get('done', 0)}/{progress.get('total', '?')}"
    return f"last job #{job.job_id}: **{job.status}** ({done}, {job.requests} requests) — {job.message or ''}"


def render_providers(library: Library, settings: Settings, *, demo: bool) -> None:
    st.subheader("Providers")
    if FLASH_KEY in st.session_state:
        level, text = st.session_state.pop(FLASH_KEY)
        (st.success if level == "success" else st.warning)(text)
    for row in enrich.provider_rows(library):
        with st.container(border=True, key=f"enrich.provider.{row.id}"):
            head, stats = st.columns([3, 2])
            head.markdown(f"**{row.label}** `{row.id}` · {row.type} · v{row.version} · origin *{row.origin}*")
            head.caption(row.description)
            if row.type == "classifier":
                stats.caption("Computed on every change; see the Mood map and Genre families tabs.")
                continue
            stats.markdown(f"with data **{row.ok}** · no data **{row.no_data}** · errors **{row.errors}**"
                           + ("" if row.pending is None else f" · pending **{row.pending}**"))
            if not row.runnable:
                continue
            stats.caption(_job_line(row.last_job))
            _provider_settings(library, settings, row.id)
            _run_controls(library, settings, row, demo=demo)


def _provider_settings(library: Library, settings: Settings, provider_id: str) -> None:
    if provider_id == "musicbrainz":
        current = enrich.get_contact(library, settings)
        with st.form(key="enrich.mb_contact_form", border=False):
            contact = st.text_input("Contact for MusicBrainz's User-Agent (e-mail or URL)", value=current,
                                    key="enrich.mb_contact", help="MusicBrainz asks every client to identify "
                                    f"itself. Requests are limited to {settings.musicbrainz_rate:g} per second.")
            if st.form_submit_button("Save contact"):
                try:
                    enrich.set_contact(library, contact)
                    st.toast("Contact saved")
                except ValueError as exc:
                    st.error(str(exc))
    elif provider_id == "reccobeats":
        st.warning(enrich.RECCOBEATS_PRIVACY_NOTE, icon="⚠️")
        opted = enrich.reccobeats_opted_in(library)
        choice = st.checkbox("I agree to send my tracks' Spotify ids to ReccoBeats", value=opted,
                             key="enrich.rb_opt_in")
        if choice != opted:
            enrich.set_reccobeats_opt_in(library, choice)


def _run_controls(library: Library, settings: Settings, row, *, demo: bool) -> None:
    blocked = (row.id == "reccobeats" and not enrich.reccobeats_opted_in(library)) or (
        demo and row.id == "spotify-artist-genres")
    cols = st.columns([1, 1, 1, 2])
    limit = cols[0].number_input("Tracks this run", min_value=1, max_value=100_000,
                                 value=DEFAULT_LIMITS.get(row.id, 500), step=50, key=f"enrich.limit.{row.id}")
    run = cols[1].button("Run", key=f"enrich.run.{row.id}", disabled=blocked or not row.pending, type="primary")
    resumable = enrich.resumable_job(library, row.id)
    resume = cols[2].button("Resume", key=f"enrich.resume.{row.id}", disabled=resumable is None or blocked,
                            help="Continue the paused or failed job")
    if demo and row.id == "spotify-artist-genres":
        cols[3].caption("The demo library's artists are not on Spotify.")
    if run or resume:
        _run(library, settings, row, int(limit), resumable.job_id if resume and resumable else None)


def _run(library: Library, settings: Settings, row, limit: int, resume_id: int | None) -> None:
    with st.status(f"{row.label}: starting…", expanded=True) as status:
        bar = st.progress(0.0, text="starting")

        def progress(done: int, total: int, message: str) -> None:
            bar.progress(min(1.0, done / total) if total else 1.0, text=message)

        try:
            result = enrich.run_enrichment(library, row.id, settings, limit=limit, progress=progress,
                                           resume_job_id=resume_id)
        except AutoPlaylistsError as exc:
            status.update(label=f"{row.label}: {exc}", state="error")
            st.error(str(exc))
            return
        status.update(label=f"{row.label}: {result.status} — {result.processed} tracks, {result.ok} with data",
                      state="complete" if result.status == "done" else "error")
    # Rerun so coverage and counts above show the new values; the outcome is kept for that run.
    pending = f" · {result.remaining} still pending" if result.remaining else ""
    st.session_state[FLASH_KEY] = ("success" if result.status == "done" else "warning", result.message + pending)
    st.rerun()
