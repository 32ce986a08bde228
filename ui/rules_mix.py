"""Rules page additions: the kind of rule (filter, mix, fixed list), caps and separation, mix parts with
quotas, in_rule rows in the builder, per-part counts in the preview, and Freeze."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.errors import AutoPlaylistsError
from lib.rules import describe_rule, freeze_rule, list_rules, parse_rule, referenced

KEY = "rules"
KINDS = {"filter": "Filter the library", "mix": "Mix of rules", "fixed": "Fixed list"}
RULE_IDS = f"{KEY}.rule_ids"   # the saved rules' ids, for the pickers (set by the page)


def _k(name: str) -> str:
    return f"{KEY}.g{st.session_state.get(f'{KEY}.gen', 0)}.{name}"


def rules_stamp(library, rule) -> str:
    """For a cache key: the saved rules' versions when the rule reads other rules, else ''."""
    if rule.is_plain or not referenced(rule):
        return ""
    return ",".join(f"{s.rule_id}:{s.version}" for s in list_rules(library))


def render_kind(meta: dict) -> str:
    """Filter the library, mix saved rules, or (a frozen rule) a fixed list."""
    kinds = ["filter", "mix"] + (["fixed"] if meta.get("tracks") is not None else [])
    current = "mix" if meta.get("mix") else "fixed" if meta.get("tracks") is not None else "filter"
    return st.segmented_control("Kind of rule", kinds, key=_k("kind"), format_func=KINDS.get,
                                selection_mode="single", default=current) or current


def render_caps(meta: dict, *, caps: bool = True) -> dict:
    """max_per_artist, max_per_album and separate_artists (0 = none)."""
    cols = st.columns(3)
    boxes = [("separate_artists", "Keep artists apart by", 50, "no two tracks by one (first) artist within this "
              "many positions; 0 = off")]
    if caps:
        boxes = [("max_per_artist", "Max per artist", 10_000, "at most this many tracks by one (first) artist, the "
                  "first in order; 0 = no cap"),
                 ("max_per_album", "Max per album", 10_000, "at most this many tracks from one album; 0 = no cap"),
                 *boxes]
    out = {}
    for col, (name, label, top, help_text) in zip(cols, boxes, strict=False):
        value = col.number_input(label, min_value=0, max_value=top, step=1, value=int(meta.get(name) or 0),
                                 key=_k(name), help=help_text)
        if value:
            out[name] = int(value)
    return out


def _parts(meta: dict) -> list[dict]:
    key = _k("parts")
    if key not in st.session_state:
        st.session_state[key] = [dict(p) for p in (meta.get("mix") or {}).get("parts", [])]
    return st.session_state[key]


def _add_part(others: list[str]) -> None:
    _parts({}).append({"rule": others[0] if others else "", "tracks": 10})


def _remove_part(index: int) -> None:
    del _parts({})[index]


def render_mix(meta: dict, editing: str | None) -> dict:
    """The mix: its mode, whether others fill in, its parts with quotas, its length and seed."""
    mix = meta.get("mix") or {}
    others = [r for r in st.session_state.get(RULE_IDS, []) if r != editing]
    cols = st.columns([2, 2, 1.2, 1.2], vertical_alignment="bottom")
    modes = ["in_turn", "in_blocks"]
    mode = cols[0].segmented_control("Combine", modes, key=_k("mix_mode"), selection_mode="single",
                                     default=mix.get("mode", "in_turn"),
                                     format_func={"in_turn": "in turn", "in_blocks": "in blocks"}.get,
                                     help="in turn: A, B, C, A, B, C…; in blocks: all of A, then B, then C"
                                     ) or "in_turn"
    fill = cols[1].toggle("Others fill in", value=mix.get("fill", True), key=_k("mix_fill"),
                          help="when a part runs out of tracks, the other parts give the missing ones")
    limit = meta.get("limit") or {}
    total = cols[2].number_input("Tracks in all", min_value=0, max_value=100_000, step=10, key=_k("mix_total"),
                                 value=int(limit.get("tracks", 0)), help="the mix's length (shares are of this);"
                                 " 0 = the sum of the parts")
    seed = cols[3].number_input("seed", value=int(meta.get("seed") or 0), step=1, key=_k("mix_seed"),
                                help="inline parts sorting at random use it; same seed, same mix")
    parts = _parts(meta)
    out_parts = []
    for i, part in enumerate(parts):
        row = st.columns([3.4, 1.6, 1.4, 0.6], vertical_alignment="bottom")
        if isinstance(part["rule"], str):
            options = list(dict.fromkeys([part["rule"], *others])) if part["rule"] else others
            part["rule"] = row[0].selectbox(f"Part {i + 1}", options or [""], key=_k(f"part{i}.rule"),
                                            index=options.index(part["rule"]) if part["rule"] in options else 0)
        else:
            row[0].text_input(f"Part {i + 1} (inline)", value=describe_rule(parse_rule({"id": "p", "name": "p",
                              **part["rule"]})), disabled=True, key=_k(f"part{i}.inline"))
        kind = row[1].selectbox("quota", ["tracks", "share"], key=_k(f"part{i}.kind"),
                                index=1 if part.get("share") is not None else 0,
                                format_func={"tracks": "tracks", "share": "% of all"}.get)
        if kind == "tracks":
            value = row[2].number_input("tracks", min_value=1, max_value=100_000, step=1, key=_k(f"part{i}.n"),
                                        value=int(part.get("tracks") or 10))
            part.pop("share", None)
            part["tracks"] = int(value)
        else:
            value = row[2].number_input("%", min_value=1, max_value=100, step=5, key=_k(f"part{i}.pct"),
                                        value=int(round((part.get("share") or 0.3) * 100)))
            part.pop("tracks", None)
            part["share"] = round(value / 100, 4)
        row[3].button("✕", key=_k(f"part{i}.rm"), help="remove this part", on_click=_remove_part, args=(i,))
        out_parts.append(dict(part))
    st.button("+ part", key=_k("addpart"), on_click=_add_part, args=(others,), disabled=not others,
              help=None if others else "save the rules to mix first")
    out = {"mix": {"mode": mode, "fill": bool(fill), "parts": out_parts}, "seed": int(seed)}
    if total:
        out["limit"] = {"tracks": int(total)}
    return out


def render_fixed(meta: dict) -> dict:
    tracks = list(meta.get("tracks") or [])
    st.caption(f"A fixed list of {len(tracks):,} tracks, in this order (frozen from a rule). It previews and "
               "pushes like any rule.")
    return {"tracks": tracks}


def is_ref(node: dict) -> bool:
    return "in_rule" in node or "not_in_rule" in node


def _append_ref(root_key: str, group_uid: str, new_uid) -> None:
    stack = [st.session_state[root_key]]
    while stack:
        node = stack.pop()
        if node["uid"] == group_uid:
            node["conditions"].append({"uid": new_uid(), "in_rule": st.session_state[RULE_IDS][0]})
            return
        stack.extend(c for c in node["conditions"] if "conditions" in c)


def render_add_ref(node: dict, root_key: str, new_uid) -> None:
    """'+ in rule…': a condition on another saved rule's playlist."""
    if st.session_state.get(RULE_IDS):
        st.button("+ in rule…", key=f"{KEY}.{node['uid']}.addr", on_click=_append_ref,
                  args=(root_key, node["uid"], new_uid),
                  help="tracks that are (or are not) in another saved rule's playlist")


def render_ref(node: dict, root_key: str, remove) -> None:
    """An in_rule / not_in_rule row of the builder."""
    uid = node["uid"]
    ids = st.session_state.get(RULE_IDS, [])
    current = node.get("in_rule") or node.get("not_in_rule") or ""
    options = list(dict.fromkeys([current, *ids])) if current else ids or [""]
    cols = st.columns([2.6, 3.4, 5, 0.8], vertical_alignment="center")
    negated = cols[0].selectbox("ref", ["in", "not in"], key=f"{KEY}.{uid}.ref", label_visibility="collapsed",
                                index=1 if "not_in_rule" in node else 0, format_func=lambda o: f"track {o} rule")
    picked = cols[1].selectbox("rule", options, key=f"{KEY}.{uid}.refid", label_visibility="collapsed",
                               index=options.index(current) if current in options else 0)
    cols[2].caption("the tracks of that rule's playlist")
    cols[3].button("✕", key=f"{KEY}.{uid}.rm", help="remove this condition", on_click=remove, args=(root_key, uid))
    node.pop("in_rule", None)
    node.pop("not_in_rule", None)
    node["not_in_rule" if negated == "not in" else "in_rule"] = picked


def render_outcome(preview) -> None:
    """Per part of a mix what it gave and why fewer; notes such as an impossible separation."""
    if preview.parts:
        st.table(pd.DataFrame([{"part": p.label, "quota": p.quota, "gave": p.given, "filled in": p.extra,
                                "why": p.reason} for p in preview.parts]).set_index("part"))
    for note in preview.notes:
        (st.warning if "cannot" in note or "no longer" in note else st.caption)(note)


def render_freeze(library, editing: str | None, load) -> None:
    if st.button("Freeze", key=f"{KEY}.freeze", disabled=not editing,
                 help="save the playlist of this rule as saved (not the edits since) as a new rule with that fixed "
                      "track list"):
        try:
            frozen = freeze_rule(library, editing)
        except AutoPlaylistsError as exc:     # e.g. it refers to a rule that was deleted since
            st.error(f"Not frozen: {exc}")
            return
        load(frozen.definition(), frozen.id)
        st.session_state[f"{KEY}.flash"] = f"Froze the playlist as “{frozen.name}” ({len(frozen.tracks)} tracks)."
        st.rerun()
