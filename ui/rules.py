"""The Rules page: pick or start a rule, build it, see the playlist live, save, import and export."""

from __future__ import annotations

import streamlit as st

from lib.errors import AutoPlaylistsError
from lib.rules import (
    RuleValidationError,
    available_fields,
    delete_rule,
    describe_rule,
    duplicate_rule,
    export_rules,
    free_id,
    get_rule,
    import_rules,
    install_example_rules,
    list_rules,
    parse_rule,
    save_rule,
    set_rule_enabled,
)
from lib.store import data_version, get_link
from ui.rules_builder import KEY, render_group, starting_condition, strip_uids, with_uids
from ui.rules_explain import render_explain, render_near_misses
from ui.rules_mix import RULE_IDS, render_caps, render_fixed, render_freeze, render_kind, render_mix, render_outcome
from ui.rules_preview import cached_preview, render_distribution, render_metrics, render_table, render_tuner_charts
from ui.rules_text import (
    LAST,
    ORDER_KEYS,
    add_conditions,
    remember,
    render_mode_picker,
    render_text_editor,
    set_value,
)
from ui.schedule import render_rule_schedule
from ui.state import library_guard

ROOT = f"{KEY}.root"
NEW = "__new__"
SORT_NONE = "(none)"


@st.cache_data(show_spinner=False, max_entries=8)
def _fields(_library, target: str, version: int) -> dict:
    # Keyed by the library's target and its data version; `_library` itself is not hashed.
    return {f["name"]: f for f in available_fields(_library)}


def fields_of(library, version: int) -> dict:
    return _fields(library, library.target, version)


def _blank(fields: dict) -> dict:
    start = [starting_condition(fields)] if fields else []
    return {"id": "", "name": "New playlist", "description": "", "enabled": True,
            "match": {"operator": "and", "conditions": start},
            "sort": [{"field": "added_at", "direction": "desc"}], "dedupe": "track"}


def load(definition: dict, rule_id: str | None) -> None:
    """Put a rule into the editor; fresh widget keys so no old widget state leaks in."""
    st.session_state[f"{KEY}.gen"] = st.session_state.get(f"{KEY}.gen", 0) + 1
    st.session_state[f"{KEY}.editing"] = rule_id
    st.session_state[f"{KEY}.meta"] = {k: v for k, v in definition.items() if k != "match"}
    st.session_state[ROOT] = with_uids(definition.get("match", {"operator": "and", "conditions": []}))
    st.session_state.pop(f"{KEY}.confirm_delete", None)


def _pick(library, fields: dict) -> None:
    choice = st.session_state[f"{KEY}.picker"]
    if choice == NEW:
        load(_blank(fields), None)
        return
    stored = get_rule(library, choice)
    if stored.rule is not None:
        load(stored.rule.definition(), choice)


def _k(name: str) -> str:
    return f"{KEY}.g{st.session_state[f'{KEY}.gen']}.{name}"


def _on_enabled(library, rule_id: str | None) -> None:
    if rule_id:
        set_rule_enabled(library, rule_id, st.session_state[_k("enabled")])


def render_picker(library, stored: list, fields: dict) -> None:
    options = [s.rule_id for s in stored] + [NEW]
    labels = {s.rule_id: f"{'●' if s.enabled else '○'} {s.name} ({s.rule_id})" for s in stored} | {NEW: "➕ New rule"}
    editing = st.session_state.get(f"{KEY}.editing")
    shown = editing if editing in options else NEW
    # Set only when it differs: a value the script sets is pushed onto the browser's widget with each run,
    # and would undo a pick the user made while that run was on its way.
    if st.session_state.get(f"{KEY}.picker") != shown:
        st.session_state[f"{KEY}.picker"] = shown
    cols = st.columns([4, 2], vertical_alignment="bottom")
    cols[0].selectbox("Rule", options, key=f"{KEY}.picker", format_func=labels.get, on_change=_pick,
                      args=(library, fields))
    if not stored and cols[1].button("Install example rules", key=f"{KEY}.examples"):
        installed = install_example_rules(library)
        load(get_rule(library, installed[0]).rule.definition(), installed[0])
        st.rerun()


def _name_changed(taken: set[str]) -> None:
    """A new rule's id follows its name until the user edits the id."""
    if not st.session_state.get(_k("id_edited")):
        st.session_state[_k("id")] = free_id(st.session_state[_k("name")], taken)


def _id_edited() -> None:
    st.session_state[_k("id_edited")] = True


def render_meta(library, meta: dict, taken: set[str]) -> dict:
    editing = st.session_state.get(f"{KEY}.editing")
    cols = st.columns([3, 2], vertical_alignment="bottom")
    name = cols[0].text_input("Playlist name", value=meta.get("name", ""), key=_k("name"), max_chars=100,
                              on_change=None if editing else _name_changed, args=(taken,))
    id_key = _k("id")
    if id_key not in st.session_state:
        st.session_state[id_key] = editing or meta.get("id") or free_id(name, taken)
    rule_id = cols[1].text_input("Id", key=id_key, disabled=bool(editing), on_change=_id_edited,
                                 help="a-z, 0-9, - and _; follows the name until you edit it; fixed once saved")
    cols = st.columns([4, 1], vertical_alignment="bottom")
    description = cols[0].text_input("Description", value=meta.get("description", ""), key=_k("description"))
    enabled = cols[1].toggle("Enabled", value=meta.get("enabled", True), key=_k("enabled"),
                             on_change=_on_enabled, args=(library, editing),
                             help="only enabled rules are pushed to Spotify")
    return {"id": editing or rule_id, "name": name.strip(), "description": description, "enabled": enabled}


def render_order(meta: dict, fields: dict) -> dict:
    sortable = [n for n, f in fields.items() if f["type"] in ("text", "number", "boolean", "date", "timestamp")
                and not (f["custom"] and f["type"] == "text")]   # custom fields sort by their numbers
    options = [SORT_NONE, "random", *sortable]
    current = meta.get("sort") or []
    out: dict = {"sort": []}
    cols = st.columns(4)
    for i in range(2):
        have = current[i] if i < len(current) else {"field": SORT_NONE, "direction": "asc"}
        field = cols[2 * i].selectbox("Sort by" if i == 0 else "then by", options, key=_k(f"sort{i}"),
                                      index=options.index(have["field"]) if have["field"] in options else 0,
                                      format_func=lambda n: fields[n]["label"] if n in fields else n)
        direction = cols[2 * i + 1].selectbox("direction", ["asc", "desc"], key=_k(f"dir{i}"),
                                              index=1 if have.get("direction") == "desc" else 0)
        if field != SORT_NONE:
            out["sort"].append({"field": field, "direction": direction})
    cols = st.columns(4)
    if any(k["field"] == "random" for k in out["sort"]):
        out["seed"] = int(cols[3].number_input("seed", value=int(meta.get("seed") or 0), step=1, key=_k("seed")))
    limit = meta.get("limit") or {}
    kinds = ["none", "tracks", "minutes"]
    kind = cols[0].selectbox("Limit", kinds, key=_k("limit_kind"),
                             index=1 if "tracks" in limit else 2 if "minutes" in limit else 0)
    if kind == "tracks":
        out["limit"] = {"tracks": int(cols[1].number_input("tracks", min_value=1, max_value=100_000, step=10,
                                                           value=int(limit.get("tracks", 100)), key=_k("ltracks")))}
    elif kind == "minutes":
        out["limit"] = {"minutes": cols[1].number_input("minutes", min_value=1.0, step=15.0,
                                                        value=float(limit.get("minutes", 60)), key=_k("lminutes"))}
    dedupes = ["track", "isrc", "title_artist"]
    out["dedupe"] = cols[2].selectbox("Dedupe", dedupes, key=_k("dedupe"),
                                      index=dedupes.index(meta.get("dedupe", "track")),
                                      format_func={"track": "same track", "isrc": "same ISRC",
                                                   "title_artist": "same title + artist"}.get)
    return out


def render_actions(library, rule, stored_ids: set, fields: dict) -> None:
    editing = st.session_state.get(f"{KEY}.editing")
    cols = st.columns(4)
    if cols[0].button("Save", type="primary", key=f"{KEY}.save", disabled=rule is None):
        if not editing and rule.id in stored_ids:
            st.error(f"A rule with id {rule.id!r} exists already; pick another id.")
        else:
            try:
                version = save_rule(library, rule)
            except RuleValidationError as exc:   # e.g. a cycle of rules referring to each other
                st.error("Not saved:\n\n" + "\n".join(f"- {e}" for e in exc.errors))
                return
            load(rule.definition(), rule.id)
            st.session_state[f"{KEY}.flash"] = f"Saved “{rule.name}” (version {version})."
            st.rerun()
    if cols[1].button("Duplicate", key=f"{KEY}.duplicate", disabled=not editing):
        copy = duplicate_rule(library, editing)
        load(copy.rule.definition(), copy.rule_id)
        st.session_state[f"{KEY}.flash"] = f"Duplicated as “{copy.name}” (disabled until you enable it)."
        st.rerun()
    with cols[3]:
        render_freeze(library, editing, load)
    if cols[2].button("Delete", key=f"{KEY}.delete", disabled=not editing):
        st.session_state[f"{KEY}.confirm_delete"] = editing
    if editing and st.session_state.get(f"{KEY}.confirm_delete") == editing:
        link = get_link(library, editing)
        if link is None:
            st.warning(f"Delete the rule {editing!r}? No Spotify playlist is linked to it.")
        else:
            st.warning(f"Delete the rule {editing!r}? Its playlist “{link.playlist_name or link.playlist_id}” stays "
                       "on Spotify until you choose: after deleting, the **Push** page offers to delete (unfollow) "
                       "it or to leave it.")
        yes, no = st.columns(2)
        if yes.button("Yes, delete", key=f"{KEY}.delete_yes"):
            delete_rule(library, editing)
            remaining = [s for s in list_rules(library) if s.rule is not None]
            load(remaining[0].rule.definition() if remaining else _blank(fields),
                 remaining[0].rule_id if remaining else None)
            st.session_state[f"{KEY}.flash"] = (
                f"Deleted {editing!r}." + (" Open **Push** to delete or keep its Spotify playlist." if link else ""))
            st.rerun()
        if no.button("Cancel", key=f"{KEY}.delete_no"):
            st.session_state.pop(f"{KEY}.confirm_delete", None)
            st.rerun()


def render_files(library, stored: list) -> None:
    with st.expander("Saved rules, import and export"):
        if stored:
            st.dataframe([{"on": s.enabled, "id": s.rule_id, "name": s.name, "version": s.version,
                           "rule": describe_rule(s.rule) if s.rule else "INVALID: " + s.errors[0]} for s in stored],
                         hide_index=True, key=f"{KEY}.overview")
        st.download_button("Export all rules (JSON)", data=export_rules(library), file_name="rules.json",
                           mime="application/json", key=f"{KEY}.export", on_click="ignore")
        upload = st.file_uploader("Import a rules file", type=["json"], key=f"{KEY}.upload")
        if upload is not None and st.button("Import", key=f"{KEY}.import"):
            try:
                text = upload.getvalue().decode("utf-8-sig")
                if not text.lstrip().startswith("{"):   # (text that is not JSON would be taken for a path)
                    raise RuleValidationError([f"{upload.name} is not a rules file: it must hold a JSON object "
                                               'like {"version": 1, "rules": [...]}'])
                result = import_rules(library, text)
            except RuleValidationError as exc:
                st.error("Nothing was imported:\n\n" + "\n".join(f"- {e}" for e in exc.errors))
            except UnicodeDecodeError:
                st.error("Nothing was imported: the file is not UTF-8 text.")
            except (RecursionError, OverflowError):
                st.error("Nothing was imported: the file nests rules too deeply or holds a number too large "
                         "to use. Fix the file and import it again.")
            else:
                st.session_state[f"{KEY}.flash"] = f"Imported: {result.summary()}."
                st.rerun()


def _first_numeric(node: dict, fields: dict) -> str | None:
    for child in node.get("conditions", []):
        found = _first_numeric(child, fields) if "conditions" in child else (
            child["field"] if fields.get(child["field"], {}).get("type") == "number" else None)
        if found:
            return found
    return None


def render_rules_page(library) -> None:
    version = data_version(library)
    fields = fields_of(library, version)
    stored = list_rules(library)
    if f"{KEY}.editing" not in st.session_state or ROOT not in st.session_state:
        first = next((s for s in stored if s.rule is not None), None)
        load(first.rule.definition() if first else _blank(fields), first.rule_id if first else None)
    if st.session_state.get(f"{KEY}.editing") not in {s.rule_id for s in stored} | {None}:
        load(_blank(fields), None)   # e.g. the library was switched
    if flash := st.session_state.pop(f"{KEY}.flash", None):
        st.success(flash)
    st.session_state[RULE_IDS] = sorted(s.rule_id for s in stored if s.rule is not None)
    render_picker(library, stored, fields)
    render_editor(library, fields, {s.rule_id for s in stored})
    render_rule_schedule(library, st.session_state.get(f"{KEY}.editing"))
    render_files(library, stored)


def _apply(definition: dict) -> None:
    """Put an edited definition (from the text view, a relaxed bound or a chart selection) into the editor."""
    load(definition, st.session_state.get(f"{KEY}.editing"))


def _rule_errors(definition: dict):
    errors = [] if definition["name"] else ["name: give the playlist a name"]
    try:
        rule = parse_rule(definition)
    except RuleValidationError as exc:
        return None, errors + exc.errors
    return (None if errors else rule), errors


@st.fragment
def render_editor(library, fields: dict, stored_ids: set[str]) -> None:
    """The rule being edited and its live preview; an edit reruns only this."""
    with library_guard("rules.editor", library):
        version = data_version(library)
        meta = st.session_state[f"{KEY}.meta"]
        head = render_meta(library, meta, stored_ids)
        kind = render_kind(meta)
        summary = st.container()
        charts: dict = {}
        if kind == "filter":
            st.markdown("**Which tracks**")
            if render_mode_picker(lambda: _apply(st.session_state[LAST])) == "Form":
                render_group(st.session_state[ROOT], fields, ROOT, charts)
                st.markdown("**Order, dedupe, caps and limit**")
                order = {**render_order(meta, fields), **render_caps(meta)}
            else:   # the same rule as text or JSON; what the text does not cover stays as it was
                order = {k: v for k, v in meta.items() if k in ORDER_KEYS and v is not None}
                render_text_editor(st.session_state["rules.mode"],
                                   {**head, "match": strip_uids(st.session_state[ROOT]), **order}, _apply)
            definition = {**head, "match": strip_uids(st.session_state[ROOT]), **order}
        else:   # a mix of rules, or a fixed (frozen) list
            body = render_mix(meta, st.session_state.get(f"{KEY}.editing")) if kind == "mix" else render_fixed(meta)
            definition = {**head, **body, **render_caps(meta, caps=False)}
        rule, errors = _rule_errors(remember(definition))
        with summary:
            preview = None
            if rule is None:
                st.error("This rule is not valid yet:\n\n" + "\n".join(f"- {e}" for e in errors))
            else:
                st.info(describe_rule(rule), icon=":material/rule:")
                try:
                    preview = cached_preview(library, version, rule)
                except (AutoPlaylistsError, OverflowError) as exc:   # too slow, or a date out of range
                    st.error(str(exc) if isinstance(exc, AutoPlaylistsError) else f"This rule cannot be "
                             f"evaluated: {exc}. Pick a date between the years 1 and 9999.")
                if preview is not None:
                    render_metrics(preview)
                    render_outcome(preview)
        if preview is not None:
            st.markdown("**Preview**")
            picked = render_table(preview)
            render_explain(library, rule, picked)
            render_near_misses(library, version, rule, lambda path, value: set_value(_apply, path, value))
            render_distribution(library, version, rule, fields,
                                _first_numeric(st.session_state[ROOT], fields) or "energy",
                                add=lambda found: add_conditions(_apply, found))
            render_tuner_charts(library, version, rule, charts)
        render_actions(library, rule, stored_ids, fields)
