"""Streamlit glue of the Push page: overview, fresh diff, confirm-and-push, history/restore, link, release."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.errors import AutoPlaylistsError
from lib.push import (
    build_rule_based_playlists,
    link_playlist,
    preview_push,
    preview_restore,
    push_history,
    push_rule,
    release_playlist,
    restore_push,
)
from lib.rules import list_rules
from lib.spotify import connect_client, is_connected
from lib.store import data_version, labels_for_uris, list_links
from ui.schedule import render_autopilot
from ui.state import is_demo, settings, user_library

PREVIEW = "push.preview"        # (rule_id, mode, data version, PushPreview) read from Spotify
CONFIRM = "push.confirming"     # {"action": "push"|"restore", ...} while the dialog is open
FLASH = "push.flash"            # (kind, message) shown once after an action


def overview_frame(plans) -> pd.DataFrame:
    rows = []
    for p in plans:
        link = p.link
        rows.append({
            "rule": p.name, "rule id": p.rule_id,
            "playlist": (link.playlist_name or link.playlist_id) if link else "will be created",
            "tracks": len(p.target.uris) if p.target else None,
            "to add": len(p.plan.added) if p.plan else None,
            "to remove": len(p.plan.removed) if p.plan else None,
            "diff based on": p.based_on,
            "last push": link.last_pushed_at if link else None,
            "last result": (link.last_result if link else None) or p.error,
        })
    return pd.DataFrame(rows)


def diff_frame(library, plan) -> pd.DataFrame:
    labels = labels_for_uris(library, [*plan.added, *plan.removed])
    rows = [{"change": "added", "track": labels.get(u, u), "uri": u} for u in plan.added]
    rows += [{"change": "removed", "track": labels.get(u, u), "uri": u} for u in plan.removed]
    return pd.DataFrame(rows, columns=["change", "track", "uri"])


def _flash() -> None:
    kind, message = st.session_state.pop(FLASH, (None, None))
    if kind:
        getattr(st, kind)(message)


def _client():
    try:
        return connect_client(settings())
    except AutoPlaylistsError as exc:
        st.warning(f"{exc}")
        return None


def _apply(library, client, action: dict) -> None:
    bar = st.progress(0.0, text="Pushing…")

    def progress(done: int, total: int) -> None:
        bar.progress(done / max(total, 1), text=f"{done} of {total} write calls")

    try:
        if action["kind"] == "push":   # the tracks the user saw in the preview: the rule is not evaluated again
            out = push_rule(library, client, action["rule_id"], mode=action["mode"], progress=progress,
                            target=action["target"])
        else:
            out = restore_push(library, client, action["rule_id"], action["push_id"], version=action["version"],
                               progress=progress)
        done = "Restored" if action["kind"] == "restore" else "Pushed"
        notes = "".join(f" {m}" for m in out.messages if m not in out.plan.warnings)
        st.session_state[FLASH] = ("success",
                                   f"{done}: {out.plan.summary()} — {out.write_calls} write calls made.{notes}")
    except AutoPlaylistsError as exc:
        st.session_state[FLASH] = ("error", str(exc))
    st.session_state.pop(PREVIEW, None)


def _close_dialog() -> None:
    st.session_state.pop(CONFIRM, None)


@st.dialog("Confirm", on_dismiss=_close_dialog)
def confirm_dialog(library, client) -> None:
    action = st.session_state[CONFIRM]
    st.write(action["question"])
    yes, no = st.columns(2)
    if yes.button(action["button"], key="push.confirm_yes", type="primary"):
        _apply(library, client, action)
        _close_dialog()
        st.rerun()
    if no.button("Cancel", key="push.confirm_no"):
        _close_dialog()
        st.rerun()


@st.cache_data(ttl=60, show_spinner=False, max_entries=4)
def _plans(_library, target: str, version: int) -> list:
    # Keyed by the library's target and its data version (a push moves it on); `_library` is not hashed.
    return build_rule_based_playlists(_library)


def _preview(library, client, rule_id: str, mode: str, version: int, target):
    cached = st.session_state.get(PREVIEW)
    if cached and cached[:3] == (rule_id, mode, version):
        return cached[3]
    preview = preview_push(library, client, rule_id, mode=mode, target=target)
    st.session_state[PREVIEW] = (rule_id, mode, version, preview)
    return preview


def render_rule(library, client, outlook, version: int) -> None:
    """Fresh diff of one rule (its RulePlan from the overview) against its playlist, with the push button."""
    rule_id = outlook.rule_id
    if st.button("Re-read from Spotify", key="push.refresh"):
        st.session_state.pop(PREVIEW, None)
    mode = st.session_state.get("push.mode", "overwrite")
    if outlook.target is None:
        st.error(outlook.error)
        return
    try:
        preview = _preview(library, client, rule_id, "merge" if mode == "merge" else "auto", version, outlook.target)
    except AutoPlaylistsError as exc:
        st.error(str(exc))
        return
    st.markdown(f"**Playlist:** {preview.playlist_label}")
    if preview.adopted:
        st.info("An earlier push created this playlist, but Spotify's answer was lost, so it was never linked. "
                "It was found by the marker in its description: pushing links it instead of creating another.")
    if preview.changed_on_spotify:
        st.warning("This playlist changed on Spotify since the last push.")
        if preview.needs_decision or mode == "merge":
            st.radio("What should happen to tracks added outside the app?", ["overwrite", "merge"], key="push.mode",
                     format_func=lambda m: {"overwrite": "Overwrite: make it exactly the rule",
                                            "merge": "Merge: keep the outside additions"}[m], horizontal=True)
    plan = preview.plan
    cols = st.columns(5)
    for col, (label, value) in zip(cols, [("To add", len(plan.added)), ("To remove", len(plan.removed)),
                                          ("Moves", plan.moves), ("Unchanged", len(plan.kept)),
                                          ("Write calls", preview.write_calls)],
                                   strict=True):
        col.metric(label, value)
    for warning in plan.warnings:
        st.warning(warning)
    if plan.is_noop and preview.link is not None:
        if not preview.changed_on_spotify and not preview.adopted:
            st.success("Up to date: the playlist already matches the rule.")
            return
        st.info("Nothing to change. Pushing records the playlist's current state as up to date.")
    st.dataframe(diff_frame(library, plan), hide_index=True, key="push.diff")
    if st.button("Push to Spotify", key="push.apply", type="primary"):
        # The push re-reads the playlist and re-plans. Only a choice the user saw is passed on; otherwise
        # 'auto' refuses if the playlist changed on Spotify after this preview (the page then asks).
        chosen = mode if preview.changed_on_spotify and (preview.needs_decision or mode == "merge") else "auto"
        st.session_state[CONFIRM] = {
            "kind": "push", "rule_id": rule_id, "mode": chosen, "button": "Push now", "target": preview.target,
            "question": f"Push to {preview.playlist_label}? {plan.summary()}."}


def render_history(library, client, rule_id: str) -> None:
    records = push_history(library, rule_id)
    if not records:
        st.caption("No pushes yet.")
        return
    st.dataframe(pd.DataFrame([{
        "push": r.push_id, "when (UTC)": r.pushed_at, "kind": r.kind, "status": r.status, "tracks": len(r.after_uris),
        "added": r.added, "removed": r.removed, "moves": r.moved, "write calls": r.write_calls,
        "message": r.message} for r in records]), hide_index=True, key="push.history")
    left, mid, right = st.columns([1, 2, 1])
    push_id = left.selectbox("Push", [r.push_id for r in records], key="push.restore_id")
    version = mid.radio("Version", ["after", "before"], key="push.restore_version", horizontal=True,
                        format_func=lambda v: "as this push left it" if v == "after" else "as it was before it")
    if right.button("Restore…", key="push.restore") and client is not None:
        try:
            restore = preview_restore(library, client, rule_id, push_id, version=version)
        except AutoPlaylistsError as exc:
            st.error(str(exc))
            return
        st.session_state[CONFIRM] = {
            "kind": "restore", "rule_id": rule_id, "push_id": push_id, "version": version, "button": "Restore now",
            "question": f"Restore the playlist {version} push {push_id}? {restore.plan.summary()}."}


def render_link(library, client, rule_id: str) -> None:
    st.caption("Let this rule manage one of your existing playlists instead of creating a new one. "
               "Its next push removes the tracks the rule does not select (unless you merge).")
    raw = st.text_input("Playlist id or Spotify link", key="push.link_id")
    sure = st.checkbox("I understand: this rule may change that playlist", key="push.link_sure")
    if st.button("Link playlist", key="push.link") and raw:
        playlist_id = raw.rstrip("/").split("/")[-1].split("?")[0].removeprefix("spotify:playlist:")
        try:
            link = link_playlist(library, client, rule_id, playlist_id, confirmed=sure)
            st.session_state.pop(PREVIEW, None)
            st.success(f"Linked {link.playlist_name!r}.")
        except AutoPlaylistsError as exc:
            st.error(str(exc))


def render_orphans(library, client) -> None:
    """Playlists whose rule was deleted: unfollow (delete) them, or leave them on Spotify."""
    rule_ids = {r.rule_id for r in list_rules(library)}
    for rule_id, link in list_links(library).items():
        if rule_id in rule_ids:
            continue
        st.warning(f"Rule {rule_id!r} was deleted; its playlist {link.playlist_name!r} is still on Spotify.")
        a, b = st.columns(2)
        if link.created_by_app and a.button("Delete (unfollow) it", key=f"push.unfollow_{rule_id}"):
            _release(library, client, rule_id, True)
        if b.button("Leave it", key=f"push.leave_{rule_id}"):
            _release(library, client, rule_id, False)


def _release(library, client, rule_id: str, unfollow: bool) -> None:
    try:
        st.session_state[FLASH] = ("success", release_playlist(library, client, rule_id, unfollow=unfollow))
    except AutoPlaylistsError as exc:
        st.session_state[FLASH] = ("error", str(exc))
    st.rerun()


def render_push_page() -> None:
    if is_demo():
        st.info("Pushing needs **your own library** and a connected Spotify account. The demo library's track ids "
                "are made up, so they cannot be sent to Spotify. Switch to *My library* in the sidebar.")
        return
    library = user_library()
    _flash()
    render_autopilot(library)
    version = data_version(library)
    plans = _plans(library, library.target, version)
    if not plans:
        st.info("No enabled rules yet: create one on the Rules page, then push it here.")
    else:
        st.dataframe(overview_frame(plans), hide_index=True, key="push.overview")
    if not is_connected(settings()):
        st.warning("Spotify is not connected: open **Connect & sync** to connect, then push from here.")
        return
    client = _client()
    if client is None:
        return
    render_orphans(library, client)
    if not plans:
        return
    by_id = {p.rule_id: p for p in plans}
    rule_id = st.selectbox("Rule", list(by_id), format_func=lambda r: f"{by_id[r].name} ({r})", key="push.rule")
    render_rule(library, client, by_id[rule_id], version)
    with st.expander("History and restore"):
        render_history(library, client, rule_id)
    with st.expander("Link an existing playlist"):
        render_link(library, client, rule_id)
    if st.session_state.get(CONFIRM):
        confirm_dialog(library, client)
