"""The rule being edited as text or JSON beside the form: one rule, three views, switching freely."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable

import streamlit as st

from lib.rules import QueryTextError, RuleValidationError, parse_rule, rule_from_text, rule_to_text

MODES = ("Form", "Text", "JSON")
MODE_KEY = "rules.mode"
_TEXT, _ERROR = "rules.text.value", "rules.text.error"
_HELP = ("e.g. `genre:rock year:2010..2019 energy:>=0.7 -playlist:Workout added:<30d (mood:happy OR mood:calm) "
         "sort:-added limit:100` — see the README's table of the syntax")


def _as_text(mode: str, definition: dict) -> str:
    if mode == "JSON":
        return json.dumps(definition, indent=2, ensure_ascii=False)
    try:
        return rule_to_text(parse_rule(definition))
    except RuleValidationError:
        return ""        # the form holds no valid rule yet; its errors are shown beside it


def _parse(mode: str, text: str, definition: dict) -> dict:
    """The definition the text describes (JSON: all of it; text: match, order and limit on the same name and id)."""
    if mode == "JSON":
        return parse_rule(text).definition()
    head = {k: v for k, v in definition.items() if k in ("id", "name", "description", "enabled")}
    return rule_from_text(text, head).definition()


def render_mode_picker(on_switch: Callable[[], None]) -> str:
    """Form, Text or JSON; `on_switch` runs first so the new view starts from the rule as last edited."""
    st.session_state.setdefault(MODE_KEY, "Form")
    picked = st.segmented_control("Edit as", MODES, key=MODE_KEY, on_change=on_switch,
                                  label_visibility="collapsed") or "Form"
    return picked


def _edited(mode: str, definition: dict, apply: Callable[[dict], None]) -> None:
    text = st.session_state[_TEXT]
    try:
        parsed = _parse(mode, text, definition)
    except (QueryTextError, RuleValidationError) as exc:
        st.session_state[_ERROR] = (text, str(exc))
        return
    st.session_state.pop(_ERROR, None)
    apply(parsed)


def render_text_editor(mode: str, definition: dict, apply: Callable[[dict], None]) -> None:
    """A text area showing `definition` as text or JSON; a valid edit is applied to the form with `apply`."""
    error = st.session_state.get(_ERROR)
    current = st.session_state.get(_TEXT)
    pending = error is not None and error[0] == current
    if not pending:
        try:
            same = current is not None and _parse(mode, current, definition) == parse_rule(definition).definition()
        except (QueryTextError, RuleValidationError):
            same = False
        if not same:
            st.session_state[_TEXT] = _as_text(mode, definition)
        st.session_state.pop(_ERROR, None)
    st.text_area("Rule as text" if mode == "Text" else "Rule as JSON", key=_TEXT, height=120 if mode == "Text"
                 else 320, on_change=_edited, args=(mode, definition, apply), help=_HELP if mode == "Text" else None)
    if pending:
        st.error(f"Not applied — {error[1].splitlines()[0]}")
        st.code("\n".join(error[1].splitlines()[1:]) or error[1], language=None)


# The rule as the editor last drew it, so a switch of view, a relaxed bound or a chart selection starts from it.
LAST = "rules.definition"
ORDER_KEYS = ("sort", "seed", "limit", "dedupe", "max_per_artist", "max_per_album", "separate_artists")


def remember(definition: dict) -> dict:
    st.session_state[LAST] = definition
    return definition


def _last() -> dict:
    return copy.deepcopy(st.session_state[LAST])


def set_value(apply: Callable[[dict], None], path: str, value) -> None:
    """Set the value of the condition at `path` ('match.conditions[1].conditions[0]') and apply the rule."""
    definition = _last()
    node = definition["match"]
    for index in re.findall(r"\[(\d+)\]", path):
        node = node["conditions"][int(index)]
    node["value"] = value
    apply(definition)


def add_conditions(apply: Callable[[dict], None], conditions: list[dict]) -> None:
    """AND the conditions to the rule being edited (its match becomes a group beside them if it is ANY or NOT)."""
    definition = _last()
    match = definition.get("match") or {"operator": "and", "conditions": []}
    if match.get("operator", "and") == "and" and not match.get("negate"):
        match["conditions"] = [*match.get("conditions", []), *conditions]
    else:
        match = {"operator": "and", "negate": False, "conditions": [match, *conditions]}
    apply({**definition, "match": match})
