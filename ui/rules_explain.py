"""Beside the preview: why a track is in or out, near misses with one-click relaxing, chart selections as rules."""

from __future__ import annotations

import json
from collections.abc import Callable

import pandas as pd
import streamlit as st

from lib.rules import (
    VERDICTS,
    WHOLE_FIELDS,
    explain_track,
    near_miss_tracks,
    near_misses,
    parse_rule,
    relax,
    relaxable,
    rule_to_text,
    search_tracks,
    selection_conditions,
)

EXPLAIN_KEY = "rules.explain"
LIST_COLUMNS = ["title", "artist", "album", "release_year", "energy", "genres", "track_id"]


def _rule_json(rule) -> str:
    return json.dumps(rule.definition(), sort_keys=True, default=str)


@st.cache_data(ttl=60, show_spinner=False, max_entries=16)
def _near(_library, target: str, version: int, rule_json: str):
    return near_misses(_library, parse_rule(json.loads(rule_json)))


@st.cache_data(ttl=60, show_spinner=False, max_entries=32)
def _relax(_library, target: str, version: int, rule_json: str, path: str):
    return relax(_library, parse_rule(json.loads(rule_json)), path)


def _show_value(value) -> str:
    if value is None or value == "" or (hasattr(value, "__len__") and not isinstance(value, str) and len(value) == 0):
        return "—"
    if isinstance(value, list | tuple) or (hasattr(value, "tolist") and not isinstance(value, str)):
        items = value.tolist() if hasattr(value, "tolist") else value
        return ", ".join(str(v) for v in items)
    return str(value)


def render_explanation(library, rule, track_id: str) -> None:
    """The rule tree with ✓/✗ and the track's value per condition, then the step that decided."""
    result = explain_track(library, rule, track_id)
    track = result.track
    st.markdown(f"**“{track['title']}”** by {track['artist'] or '—'} · {VERDICTS[result.verdict]}")
    rows = []
    for depth, check in result.root.walk():
        is_condition = check.children == () and hasattr(check.node, "field")
        rows.append({"": "✅" if check.held else "❌", "condition": "\u2003" * depth + check.label,
                     "this track": _show_value(check.value) if is_condition else ""})
    st.dataframe(pd.DataFrame(rows), hide_index=True, key=f"{EXPLAIN_KEY}.tree")
    (st.success if result.included else st.warning)(result.summary())


def render_explain(library, rule, picked: str | None) -> None:
    """Pick a track from the preview table (`picked`) or search the whole library, and explain it."""
    with st.expander("Why is a track in or out?", expanded=picked is not None):
        query = st.text_input("Search any track of the library", key=f"{EXPLAIN_KEY}.search",
                              placeholder="title, artist or album — or select a row of the preview table")
        track_id = picked
        if query.strip():
            found = search_tracks(library, query)
            if not found:
                st.caption("No track of the library matches that.")
            else:
                labels = {t["track_id"]: f"{t['title']} — {t['artist'] or '?'} ({t['album'] or '?'})" for t in found}
                track_id = st.selectbox("Track", list(labels), format_func=labels.get, key=f"{EXPLAIN_KEY}.pick")
        if track_id:
            render_explanation(library, rule, track_id)
        else:
            st.caption("Select a row of the preview table, or search a track above.")


NEAR_KEY = f"{EXPLAIN_KEY}.near"


def render_near_misses(library, version: int, rule, set_value: Callable[[str, object], None]) -> None:
    """Per condition: how many tracks fail only it, a list of them, and nearby values of numeric bounds
    (worked out only while the panel is open: a rule edit need not wait for them)."""
    panel = st.expander("Near misses: what each condition keeps out", key=NEAR_KEY, on_change="rerun")
    if not panel.open:
        return
    with panel:
        matched, misses = _near(library, library.target, version, _rule_json(rule))
        if not misses:
            st.caption("This rule has no conditions.")
            return
        st.caption(f"{matched:,} tracks match. Removing one condition would add:")
        for i, miss in enumerate(misses):
            cols = st.columns([6, 2, 2], vertical_alignment="center")
            cols[0].markdown(f"`{miss.label}`")
            cols[1].markdown(f"**+{miss.extra:,}** tracks")
            key = f"{NEAR_KEY}.{i}"
            show = cols[2].toggle("list", key=key, disabled=miss.extra == 0)
            if relaxable(miss.condition):
                _relax_table(library, version, rule, miss, i, set_value)
            if show:
                st.dataframe(near_miss_tracks(library, rule, miss.path, LIST_COLUMNS, limit=200), hide_index=True,
                             height=220, key=f"{key}.tracks")


def _relax_table(library, version: int, rule, miss, i: int, set_value) -> None:
    counts = _relax(library, library.target, version, _rule_json(rule), miss.path)
    current = miss.condition.value
    cols = st.columns(len(counts))
    for col, (value, count) in zip(cols, counts, strict=True):
        shown = "–".join(f"{v:g}" for v in value) if isinstance(value, list) else f"{value:g}"
        col.button(f"{shown}: {count:,}", key=f"{EXPLAIN_KEY}.relax.{i}.{shown}", disabled=value == current,
                   help="tracks matching with this value; click to use it", on_click=set_value,
                   args=(miss.path, value), type="primary" if value == current else "secondary")


def offer_selection(event, x: tuple[str, str], y: tuple[str, str] | None,
                    add: Callable[[list[dict]], None] | None, key: str, label: str = "Add as conditions",
                    help: str | None = None) -> list[dict]:
    """Below a chart drawn with on_select: the conditions its box/lasso/bar selection stands for, and a button
    that calls `add(conditions)` (or, without `add`, returns those conditions when pressed; else [])."""
    selection = (event or {}).get("selection") or {}
    found = selection_conditions(selection, x, y, WHOLE_FIELDS)
    if not found:
        return []
    cols = st.columns([5, 2], vertical_alignment="center")
    cols[0].markdown(f"Selection: `{rule_to_text({'match': {'operator': 'and', 'conditions': found}})}`")
    pressed = cols[1].button(label, key=f"{key}.add", on_click=add, args=(found,) if add else (), type="primary",
                             help=help)
    return found if pressed else []
