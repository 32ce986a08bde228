"""The rule builder's widgets: nested groups and conditions whose operators and values fit the field."""

from __future__ import annotations

import math
from datetime import date

import streamlit as st

from lib.clock import utc_now
from lib.rules import MAX_NUMBER, describe_condition, field_info, operator_label, parse_rule
from ui.rules_mix import is_ref, render_add_ref, render_ref

KEY = "rules"


def new_uid() -> str:
    st.session_state[f"{KEY}.uid"] = st.session_state.get(f"{KEY}.uid", 0) + 1
    return f"n{st.session_state[f'{KEY}.uid']}"


def with_uids(node: dict) -> dict:
    """A copy of a match tree where every node has a fresh widget id."""
    if "field" in node or is_ref(node):
        return {**node, "uid": new_uid()}
    return {"uid": new_uid(), "operator": node.get("operator", "and"), "negate": node.get("negate", False),
            "conditions": [with_uids(c) for c in node.get("conditions", [])]}


def strip_uids(node: dict) -> dict:
    if is_ref(node):
        return {k: v for k, v in node.items() if k != "uid"}
    if "field" in node:
        out = {"field": node["field"], "operator": node["operator"]}
        if node.get("value") is not None:
            out["value"] = node["value"]
        return out
    return {"operator": node["operator"], "negate": node["negate"],
            "conditions": [strip_uids(c) for c in node["conditions"]]}


def _find_parent(root: dict, uid: str) -> dict | None:
    for child in root.get("conditions", []):
        if child["uid"] == uid:
            return root
        if "conditions" in child:
            found = _find_parent(child, uid)
            if found is not None:
                return found
    return None


def _remove(root_key: str, uid: str) -> None:
    parent = _find_parent(st.session_state[root_key], uid)
    if parent is not None:
        parent["conditions"] = [c for c in parent["conditions"] if c["uid"] != uid]


def starting_condition(fields: dict, name: str | None = None) -> dict:
    """A condition that matches part of this library: a number at least its median, a list's most
    common value, a date after its median; `name` picks the field (default: energy, or the first
    field with values)."""
    if name is None:
        usable = [n for n, f in fields.items() if f.get("count") or f.get("values")]
        name = next((n for n in ("energy", "danceability", "popularity") if n in usable), usable[0] if usable
                    else next(iter(fields)))
    info = fields[name]
    median, known = info.get("median"), info.get("values") or []
    if info["type"] == "number" and median is not None:
        return {"field": name, "operator": "gte", "value": whole(median) if info.get("whole") else round(median, 2)}
    if info["type"] in ("date", "timestamp") and median is not None:
        return {"field": name, "operator": "after", "value": str(median)[:10]}
    if info["type"] in ("text", "list") and known:
        return {"field": name, "operator": "eq", "value": known[0]}
    if info["type"] == "boolean":
        return {"field": name, "operator": "eq", "value": True}
    return {"field": name, "operator": "is_not_empty", "value": None}


def _add(root_key: str, group_uid: str, kind: str, fields: dict) -> None:
    def visit(node):
        if node["uid"] == group_uid:
            condition = {"uid": new_uid(), **starting_condition(fields)}
            node["conditions"].append(condition if kind != "group" else
                                      {"uid": new_uid(), "operator": "or", "negate": False, "conditions": [condition]})
            return True
        return any(visit(c) for c in node.get("conditions", []) if "conditions" in c)
    visit(st.session_state[root_key])


def _initial(key: str, value) -> dict:
    # A widget whose key is already in session state keeps that value; passing a default too warns.
    return {} if key in st.session_state else {"value": value}


def _index(key: str, options: list, current) -> dict:
    if key in st.session_state:
        return {}
    return {"index": options.index(current) if current in options else 0}


# The widest number both a rule and a browser widget (JavaScript's safe integers) hold: wider ones are clamped.
SAFE = float(min(MAX_NUMBER, 2 ** 53 - 1))


def whole(x):
    """An int for a whole number (a year stays 2010, not 2010.0), otherwise the float."""
    x = float(x)
    return int(x) if x.is_integer() and abs(x) <= SAFE else x


def _safe(x: float) -> float:
    return max(-SAFE, min(SAFE, x)) if math.isfinite(x) else (SAFE if x > 0 else -SAFE)


def _number(value, fallback: float) -> float:
    return _safe(float(value)) if isinstance(value, int | float) and not isinstance(value, bool) else fallback


def _bounds(info: dict) -> tuple[float, float] | None:
    """The field's finite range in this library, fit for a slider; None when it has no width."""
    low, high = info.get("min"), info.get("max")
    if not (isinstance(low, int | float) and isinstance(high, int | float)):
        return None
    low, high = _safe(float(low)), _safe(float(high))
    return (low, high) if low < high else None


def _step(info: dict) -> float:
    """1 for whole-number fields and wide ranges (tempo), 0.01 for 0–1 features."""
    bounds = _bounds(info)
    return 1.0 if info.get("whole") or (bounds and bounds[1] - bounds[0] > 20) else 0.01


def _value_widget(node: dict, info: dict, op: str, base: str, charts: dict):
    """Draw the value input that fits the field type and operator; return the value it holds."""
    kind, value, label = info["type"], node.get("value"), "value"
    key = f"{base}.{op}.v"
    if op in ("is_empty", "is_not_empty"):
        return None
    if kind == "boolean":
        return st.selectbox(label, [True, False], key=key, format_func=lambda b: "yes" if b else "no",
                            **_index(key, [True, False], value), label_visibility="collapsed")
    if kind in ("date", "timestamp"):
        if op in ("in_last_days", "not_in_last_days"):
            return whole(st.number_input("days", min_value=0, step=1, key=key, label_visibility="collapsed",
                                         **_initial(key, int(min(_number(value, 30.0), 10**6)))))
        if op == "between":
            raw = value if isinstance(value, list) and len(value) == 2 else ["2020-01-01", utc_now().date().isoformat()]
            if any(len(str(v)) > 10 for v in raw):
                return [st.text_input("from", key=key + ".a", **_initial(key + ".a", str(raw[0]))),
                        st.text_input("to", key=key + ".b", **_initial(key + ".b", str(raw[1])))]
            picked = st.date_input("dates", key=key, label_visibility="collapsed",
                                   **_initial(key, (date.fromisoformat(raw[0]), date.fromisoformat(raw[1]))))
            picked = tuple(picked) if isinstance(picked, list | tuple) else (picked,)
            return [d.isoformat() for d in picked] if len(picked) == 2 else [picked[0].isoformat()] * 2
        if isinstance(value, str) and len(value) > 10:
            return st.text_input("time", key=key, label_visibility="collapsed", **_initial(key, value))
        start = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else date(2020, 1, 1)
        return st.date_input("date", key=key, label_visibility="collapsed", **_initial(key, start)).isoformat()
    if kind == "number":
        bounds, step, ints = _bounds(info), _step(info), bool(info.get("whole"))
        cast = (lambda x: int(round(x))) if ints else float
        if op == "between":
            if bounds is not None:
                low, high = (cast(bounds[0]), cast(bounds[1])) if ints else bounds
                raw = value if isinstance(value, list) and len(value) == 2 else [low, high]
                start = tuple(cast(max(low, min(_number(v, low), high))) for v in raw)
                picked = st.slider("range", min_value=low, max_value=high, step=cast(step), key=key,
                                   format="%d" if ints else "%.0f" if step >= 1 else "%.2f",
                                   label_visibility="collapsed", **_initial(key, (min(start), max(start))))
                charts[node["uid"]] = (st.empty(), node["field"], picked)
                return [whole(picked[0]), whole(picked[1])]
            raw = value if isinstance(value, list) and len(value) == 2 else [0.0, 1.0]
            return [whole(st.number_input("low", key=key + ".a", **_initial(key + ".a", _number(raw[0], 0.0)))),
                    whole(st.number_input("high", key=key + ".b", **_initial(key + ".b", _number(raw[1], 1.0))))]
        if op in ("in", "not_in"):
            text = ", ".join(f"{v:g}" for v in value) if isinstance(value, list) else ""
            raw = st.text_input("numbers, comma separated", key=key, label_visibility="collapsed",
                                **_initial(key, text), placeholder="e.g. 1980, 1990")
            try:
                return [whole(x) for x in raw.replace(";", ",").split(",") if x.strip()]
            except ValueError:
                return raw    # validation reports it
        median = info.get("median")
        fallback = _number(median, 0.0) if median is not None else 0.0
        help_text = f"range in this library: {bounds[0]:g} – {bounds[1]:g}" if bounds else None
        picked = st.number_input("number", key=key, step=step, label_visibility="collapsed", help=help_text,
                                 format="%g" if ints else None, **_initial(key, _number(value, fallback)))
        return whole(picked) if ints or float(picked).is_integer() else picked
    known = info.get("values") or []
    if op in ("in", "not_in"):
        current = [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
        return st.multiselect("values", list(dict.fromkeys(current + known)), key=key, accept_new_options=True,
                              label_visibility="collapsed", **({} if key in st.session_state else {"default": current}))
    if op in ("eq", "neq") and known:
        options = list(dict.fromkeys(([value] if isinstance(value, str) else []) + known))
        picked = st.selectbox("value", options, key=key, accept_new_options=True, label_visibility="collapsed",
                              **_index(key, options, value))
        return picked or ""
    return st.text_input("text", key=key, label_visibility="collapsed",
                         **_initial(key, value if isinstance(value, str) else ""))


def _fallback_info(node: dict) -> dict:
    """A field the library has no values for (e.g. a custom field from an imported rule)."""
    found = field_info(node["field"], node["operator"], node.get("value"))
    if found is None:
        return {"type": "text", "operators": [node["operator"]], "label": node["field"]}
    return {"type": found.type, "operators": list(found.operators), "label": found.label}


def render_condition(node: dict, fields: dict, root_key: str, charts: dict) -> None:
    uid = node["uid"]
    names = list(fields)
    if node["field"] not in fields:
        names = [node["field"], *names]
    cols = st.columns([2.6, 3.4, 5, 0.8], vertical_alignment="center")
    with cols[0]:
        fkey = f"{KEY}.{uid}.field"
        picked = st.selectbox("field", names, key=fkey, label_visibility="collapsed",
                              format_func=lambda n: fields[n]["label"] if n in fields else n,
                              **_index(fkey, names, node["field"]))
    if picked != node["field"]:   # another field: start from an operator and value that fit it
        node.update(starting_condition(fields, picked) if picked in fields else {"field": picked})
    info = fields.get(node["field"]) or _fallback_info(node)
    base = f"{KEY}.{uid}.{node['field']}"
    with cols[1]:
        ops = info["operators"]
        node["operator"] = st.selectbox("operator", ops, key=base + ".op", label_visibility="collapsed",
                                        format_func=lambda o: operator_label(o, info["type"]),
                                        **_index(base + ".op", ops, node["operator"]))
    with cols[2]:
        node["value"] = _value_widget(node, info, node["operator"], base, charts)
    with cols[3]:
        st.button("✕", key=f"{KEY}.{uid}.rm", help="remove this condition", on_click=_remove, args=(root_key, uid))


def render_group(node: dict, fields: dict, root_key: str, charts: dict, depth: int = 0) -> None:
    uid = node["uid"]
    with st.container(border=True):
        head = st.columns([3, 1.4, 2.2, 1.8, 0.8], vertical_alignment="center")
        okey = f"{KEY}.{uid}.op"
        node["operator"] = head[0].segmented_control(
            "match", ["and", "or"], key=okey, label_visibility="collapsed", selection_mode="single",
            format_func=lambda o: "ALL (and)" if o == "and" else "ANY (or)",
            **({} if okey in st.session_state else {"default": node["operator"]})) or "and"
        nkey = f"{KEY}.{uid}.neg"
        node["negate"] = head[1].checkbox("NOT", key=nkey, help="invert this whole group",
                                          **_initial(nkey, node["negate"]))
        head[2].button("+ condition", key=f"{KEY}.{uid}.addc", on_click=_add, args=(root_key, uid, "cond", fields))
        head[3].button("+ group", key=f"{KEY}.{uid}.addg", on_click=_add, args=(root_key, uid, "group", fields),
                       disabled=depth >= 4)
        if depth > 0:
            head[4].button("✕", key=f"{KEY}.{uid}.rm", help="remove this group", on_click=_remove,
                           args=(root_key, uid))
        if not node["conditions"]:
            st.caption("Empty group: " + ("matches every track." if node["operator"] == "and"
                                          else "matches no track."))
        for child in node["conditions"]:
            if "conditions" in child:
                render_group(child, fields, root_key, charts, depth + 1)
            elif is_ref(child):
                render_ref(child, root_key, _remove)
            else:
                render_condition(child, fields, root_key, charts)
        render_add_ref(node, root_key, new_uid)


def condition_label(node: dict) -> str:
    try:
        rule = parse_rule({"id": "x", "name": "x", "match": {"conditions": [strip_uids(node)]}})
        return describe_condition(rule.match.conditions[0])
    except Exception:  # an unfinished condition still needs a label
        return node.get("field", "?")
