"""The rule builder's widgets: nested groups and conditions whose operators and values fit the field."""

from __future__ import annotations

from datetime import date

import streamlit as st

from lib.rules import describe_condition, field_info, parse_rule

KEY = "rules"
OP_LABELS = {
    "eq": "is", "neq": "is not", "contains": "contains", "not_contains": "does not contain",
    "starts_with": "starts with", "ends_with": "ends with", "in": "is one of", "not_in": "is none of",
    "matches": "matches regex", "not_matches": "does not match regex", "gt": ">", "gte": "≥", "lt": "<",
    "lte": "≤", "between": "between", "before": "before", "after": "after", "in_last_days": "in the last … days",
    "not_in_last_days": "not in the last … days", "is_empty": "is empty", "is_not_empty": "is not empty",
}


def new_uid() -> str:
    st.session_state[f"{KEY}.uid"] = st.session_state.get(f"{KEY}.uid", 0) + 1
    return f"n{st.session_state[f'{KEY}.uid']}"


def with_uids(node: dict) -> dict:
    """A copy of a match tree where every node has a fresh widget id."""
    if "field" in node:
        return {**node, "uid": new_uid()}
    return {"uid": new_uid(), "operator": node.get("operator", "and"), "negate": node.get("negate", False),
            "conditions": [with_uids(c) for c in node.get("conditions", [])]}


def strip_uids(node: dict) -> dict:
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


def _add(root_key: str, group_uid: str, kind: str, fields: dict) -> None:
    def visit(node):
        if node["uid"] == group_uid:
            if kind == "group":
                node["conditions"].append({"uid": new_uid(), "operator": "or", "negate": False, "conditions": []})
            else:
                name = "energy" if "energy" in fields else next(iter(fields))
                node["conditions"].append({"uid": new_uid(), "field": name, "operator": fields[name]["operators"][0],
                                           "value": None})
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


def _number(value, fallback: float) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else fallback


def _step(info: dict) -> float:
    low, high = info.get("min"), info.get("max")
    if isinstance(low, int | float) and isinstance(high, int | float) and high - low > 20:
        return 1.0
    return 0.01


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
            return st.number_input("days", min_value=0.0, step=1.0, key=key, label_visibility="collapsed",
                                   **_initial(key, _number(value, 30.0)))
        if op == "between":
            raw = value if isinstance(value, list) and len(value) == 2 else ["2020-01-01", date.today().isoformat()]
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
        low, high = info.get("min"), info.get("max")
        if op == "between":
            if isinstance(low, int | float) and isinstance(high, int | float) and low < high:
                raw = value if isinstance(value, list) and len(value) == 2 else [low, high]
                step = _step(info)
                start = (max(float(low), min(float(raw[0]), float(high))), min(float(high), max(float(raw[1]), low)))
                picked = st.slider("range", min_value=float(low), max_value=float(high), step=step, key=key,
                                   format="%.0f" if step >= 1 else "%.2f", label_visibility="collapsed",
                                   **_initial(key, start))
                charts[node["uid"]] = (st.empty(), node["field"], picked)
                return [picked[0], picked[1]]
            raw = value if isinstance(value, list) and len(value) == 2 else [0.0, 1.0]
            return [st.number_input("low", key=key + ".a", **_initial(key + ".a", _number(raw[0], 0.0))),
                    st.number_input("high", key=key + ".b", **_initial(key + ".b", _number(raw[1], 1.0)))]
        if op in ("in", "not_in"):
            text = ", ".join(f"{v:g}" for v in value) if isinstance(value, list) else ""
            raw = st.text_input("numbers, comma separated", key=key, label_visibility="collapsed",
                                **_initial(key, text), placeholder="e.g. 1980, 1990")
            try:
                return [float(x) for x in raw.replace(";", ",").split(",") if x.strip()]
            except ValueError:
                return raw    # validation reports it
        middle = (low + high) / 2 if isinstance(low, int | float) and isinstance(high, int | float) else 0.0
        help_text = f"range in this library: {low:g} – {high:g}" if isinstance(low, int | float) else None
        return st.number_input("number", key=key, step=_step(info), label_visibility="collapsed", help=help_text,
                               **_initial(key, _number(value, round(middle, 2))))
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
    cols = st.columns([3, 3, 5, 1], vertical_alignment="center")
    with cols[0]:
        fkey = f"{KEY}.{uid}.field"
        node["field"] = st.selectbox("field", names, key=fkey, label_visibility="collapsed",
                                     format_func=lambda n: fields[n]["label"] if n in fields else n,
                                     **_index(fkey, names, node["field"]))
    info = fields.get(node["field"]) or _fallback_info(node)
    base = f"{KEY}.{uid}.{node['field']}"
    with cols[1]:
        ops = info["operators"]
        node["operator"] = st.selectbox("operator", ops, key=base + ".op", label_visibility="collapsed",
                                        format_func=lambda o: OP_LABELS.get(o, o),
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
            else:
                render_condition(child, fields, root_key, charts)


def condition_label(node: dict) -> str:
    try:
        rule = parse_rule({"id": "x", "name": "x", "match": {"conditions": [strip_uids(node)]}})
        return describe_condition(rule.match.conditions[0])
    except Exception:  # an unfinished condition still needs a label
        return node.get("field", "?")
