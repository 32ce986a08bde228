"""Streamlit glue of autopilot: a task's schedule editor (Rules, Push) and the autopilot panel (Push)."""

from __future__ import annotations

from datetime import datetime, time

import pandas as pd
import streamlit as st

from lib import autopilot
from lib.clock import stored_now
from lib.enrich import FEATURE_PROVIDERS, get_setting, set_setting
from lib.errors import AutoPlaylistsError
from ui.state import is_demo

KIND_LABELS = {"off": "Off", "hours": "Every N hours", "daily": "Daily", "weekly": "Weekly"}
MODE_LABELS = {"overwrite": "Overwrite (never a playlist edited on Spotify)", "merge": "Merge (keep tracks added "
               "on Spotify)"}
RECENT_S = 3 * 3600          # autopilot counts as running when it looked within this many seconds


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "—"


def schedule_editor(library, task: str, *, key: str, pushes: bool = True,
                    states: list[autopilot.TaskState] | None = None) -> None:
    """Edit one task's schedule (`states`: task_states already read in this run); shows its last run, outcome
    and next run."""
    states = autopilot.task_states(library, disabled=True) if states is None else states
    state = next((t for t in states if t.task == task), None)
    current = state.schedule if state else autopilot.Schedule()
    kinds = list(KIND_LABELS)
    cols = st.columns([2, 1, 1, 1])
    kind = cols[0].selectbox("Schedule", kinds, index=kinds.index(current.kind), format_func=KIND_LABELS.get,
                             key=f"{key}.kind")
    hours = at = weekday = None
    if kind == "hours":
        hours = int(cols[1].number_input("Hours", min_value=1, max_value=168, step=1,
                                         value=current.every_hours or 6, key=f"{key}.hours"))
    if kind in ("daily", "weekly"):
        default = time.fromisoformat(current.at_time) if current.at_time else time(7, 0)
        at = cols[1].time_input("At (UTC)", value=default, step=900, key=f"{key}.at").strftime("%H:%M")
    if kind == "weekly":
        weekday = cols[2].selectbox("Day", range(7), index=current.weekday or 0, key=f"{key}.day",
                                    format_func=lambda d: autopilot.WEEKDAYS[d])
    mode = current.mode
    if pushes:
        modes = list(MODE_LABELS)
        mode = st.radio("When pushing", modes, index=modes.index(current.mode), format_func=MODE_LABELS.get,
                        horizontal=True, key=f"{key}.mode")
    if cols[3].button("Save schedule", key=f"{key}.save"):
        try:
            chosen = autopilot.Schedule(kind, hours, at, weekday, mode)
            autopilot.set_schedule(library, task, chosen)
        except AutoPlaylistsError as exc:
            st.error(str(exc))
        else:
            st.session_state[f"{key}.flash"] = f"Saved: {chosen.describe()}."
            st.rerun()
    if flash := st.session_state.pop(f"{key}.flash", None):
        st.success(flash)
    if state is not None:
        outcome = f" — {state.last_status}: {state.last_message}" if state.last_status else ""
        upcoming = "due now (at the next autopilot run)" if state.due else _when(state.next_run_at)
        st.caption(f"Last run: {_when(state.last_run_at)}{outcome} · Next run: {upcoming}")


def render_rule_schedule(library, rule_id: str | None) -> None:
    """The Rules page's schedule of the rule being edited."""
    with st.expander("Schedule (autopilot)"):
        if is_demo():
            st.caption("Autopilot pushes from **your own library**; the demo library's tracks cannot go to Spotify.")
        elif rule_id is None:
            st.caption("Save the rule first, then choose when autopilot pushes it.")
        else:
            schedule_editor(library, autopilot.rule_task(rule_id), key=f"sched.rules.{rule_id}")
            st.caption("Autopilot must be turned on (see the Push page) for schedules to run.")


def tasks_frame(states) -> pd.DataFrame:
    return pd.DataFrame([{"task": s.label, "schedule": s.schedule.describe(),
                          "mode": s.schedule.mode if s.rule_id else "", "last run (UTC)": s.last_run_at,
                          "outcome": s.last_status or "", "message": s.last_message or "",
                          "next run (UTC)": "due" if s.due else s.next_run_at} for s in states])


def _status(library) -> None:
    check = autopilot.last_check(library)
    now = stored_now()
    pause = autopilot.paused_until(library)
    if pause:
        st.warning(f"Paused by Spotify's quota until {_when(pause)}; the first run after that resumes.", icon="⏸️")
    if check and (now - check).total_seconds() <= RECENT_S:
        minutes = int((now - check).total_seconds() // 60)
        st.success(f"Autopilot is on: it last looked {minutes} min ago ({_when(check)}).", icon="🛫")
        return
    st.warning(("Autopilot has not run since " + _when(check) if check else "Autopilot has never run")
               + ": schedules do nothing until it does. It needs no open app; turn it on with one of these:",
               icon="🛬")
    db = library.target
    st.markdown("**cron** (every 10 minutes) — `crontab -e`, add:")
    st.code(autopilot.installation("cron", db).text, language="bash")
    st.markdown("**systemd user timer** — `python -m lib autopilot --install systemd --write` writes and enables:")
    st.code(autopilot.installation("systemd", db).text, language="ini")
    st.markdown("**in a terminal or container** (foreground):")
    st.code(autopilot.command(db).replace("autopilot --db", "autopilot --loop --db"), language="bash")


def render_autopilot(library) -> None:
    """The Push page's autopilot panel: is it on, every task's schedule, listening and enrichment settings."""
    with st.expander("Autopilot — keep playlists up to date without the app open", expanded=False):
        _status(library)
        states = autopilot.task_states(library)
        st.dataframe(tasks_frame(states), hide_index=True, key="sched.tasks")
        rules = [s for s in states if s.rule_id]
        if rules:
            picked = st.selectbox("Schedule of rule", [s.task for s in rules], key="sched.push.rule",
                                  format_func=lambda t: next(s.label for s in rules if s.task == t))
            schedule_editor(library, picked, key=f"sched.push.{picked}", states=states)
        st.markdown("**Listening history & top tracks** (plays and top ranks for rules)")
        schedule_editor(library, autopilot.LISTENING_TASK, key="sched.listening", pushes=False, states=states)
        runnable = [p for p in FEATURE_PROVIDERS.values() if p.runnable]
        chosen = [p for p in get_setting(library, autopilot.ENRICH_SETTING, []) or [] if p in FEATURE_PROVIDERS]
        picked = st.multiselect("Enrich new tracks before pushing with", [p.id for p in runnable], default=chosen,
                                format_func=lambda p: FEATURE_PROVIDERS[p].label, key="sched.enrich")
        if picked != chosen:
            with library.transaction() as cur:
                set_setting(cur, autopilot.ENRICH_SETTING, picked)
        st.caption("Each run: nothing due → no Spotify request. A due rule → a sync of the chosen sources (a few "
                   "requests when nothing changed), listening history (1, top tracks +3 once a day), then the push "
                   "(the playlist is read, and written only where it differs).")
