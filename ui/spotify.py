"""Streamlit glue of the Spotify area: the OAuth callback, the Connect & sync page and the Jobs page."""

from __future__ import annotations

import html
import time

import pandas as pd
import streamlit as st

from lib import spotify
from lib.store import job_events, list_jobs, pause_state, spotify_sources
from ui.state import current_library, is_demo, settings, user_library

FLASH = "spotify.flash"
AUTH_URL = "spotify.auth_url"
ME = "spotify.me"
SUMMARY = "spotify.summary"
LISTED = "spotify.listed"
AUTH_URL_MAX_AGE_S = 480          # the pending state lives 10 minutes server-side


def app_address() -> str | None:
    """The address the browser has this app open at (scheme, host, port), or None outside a browser."""
    url = st.context.url
    if url:
        return url
    host = st.context.headers.get("Host") if st.context.headers else None
    return f"http://{host}/" if host else None


def spotify_settings():
    """Settings with the app saved on this page filled in (env vars and secrets.toml win); unless a
    redirect URI is configured, it is the address this app runs at (any port)."""
    return spotify.follow_app_address(spotify.resolve_app(settings()), app_address())


def _open_at(cfg) -> str:
    """Where to open the app so the sign-in can come back: the redirect URI's own address."""
    return cfg.spotify_redirect_uri.split("?")[0]


def handle_oauth_callback() -> None:
    """Finish a sign-in when Spotify redirects back to the app's root URL (?code=…&state=…).

    The redirect opens a NEW Streamlit session on the default page, so streamlit_app.py calls this
    before navigation.run(); `state` and the PKCE verifier are checked against the server-side store.
    """
    params = st.query_params
    if "state" not in params or not ("code" in params or "error" in params):
        return
    try:
        spotify.complete_authorization(spotify_settings(), params.get("code"), params.get("state"),
                                       params.get("error"))
        st.session_state[FLASH] = ("success", "Connected to Spotify. Pick what to sync below.")
    except spotify.SpotifyError as exc:
        st.session_state[FLASH] = ("error", str(exc))
    st.query_params.clear()
    st.switch_page("pages/spotify.py")


def _flash() -> None:
    kind, text = st.session_state.pop(FLASH, (None, None))
    if kind == "success":
        st.success(text, icon="✅")
    elif kind:
        st.error(text, icon="⚠️")


def _instructions(cfg) -> None:
    redirect = cfg.spotify_redirect_uri
    st.markdown(
        "Spotify lets each person use the Web API through **their own** app in *Development Mode* "
        "(the app owner needs Premium; up to 5 allow-listed users).\n\n"
        "1. Open [developer.spotify.com/dashboard](https://developer.spotify.com/dashboard) and **Create app**.\n"
        f"2. Add the **Redirect URI** `{redirect}` exactly. Spotify refuses `localhost`, so open this app at "
        f"**{_open_at(cfg)}** (not localhost), or the sign-in cannot come back"
        + ("" if cfg.redirect_configured else " — it follows the address and port this app runs at") + ".\n"
        "3. Tick **Web API**, save, then copy the **Client ID** (32 characters 0-9, a-f) below. The client secret "
        "is optional: without it the app signs in with PKCE.\n"
        "4. Under *User Management*, add your Spotify account's e-mail if you are not the app owner.\n"
        "5. Connect: the app asks to read your library and playlists, write the playlists it manages, and read "
        "your recently played and top tracks (for play counts and top ranks in rules).")


def _setup_form(cfg) -> None:
    st.subheader("1 · Register your Spotify app")
    _instructions(cfg)
    with st.form("spotify.app_form"):
        client_id = st.text_input("Client ID", key="spotify.client_id", max_chars=64,
                                  placeholder="32 characters, 0-9 and a-f")
        secret = st.text_input("Client secret (optional — leave empty for PKCE)", type="password",
                               key="spotify.client_secret")
        redirect = st.text_input("Redirect URI (optional)", key="spotify.redirect_uri",
                                 placeholder=f"{cfg.spotify_redirect_uri} (this app's address)",
                                 help="Leave empty to use the address this app runs at.")
        if st.form_submit_button("Save app", type="primary"):
            try:
                spotify.save_app(settings(), client_id, secret, redirect)
            except spotify.SpotifyError as exc:
                st.error(str(exc))
            else:
                st.session_state.pop(AUTH_URL, None)
                st.rerun()
    st.caption("Or configure it once for the app and CLI: SPOTIPY_CLIENT_ID / SPOTIPY_CLIENT_SECRET / "
               "SPOTIPY_REDIRECT_URI, or [spotify] in .streamlit/secrets.toml.")


def _auth_url(cfg) -> str:
    created, redirect, url = st.session_state.get(AUTH_URL, (0.0, "", ""))
    if not url or time.time() - created > AUTH_URL_MAX_AGE_S or redirect != cfg.spotify_redirect_uri:
        url = spotify.begin_authorization(cfg)
        st.session_state[AUTH_URL] = (time.time(), cfg.spotify_redirect_uri, url)
    return url


def _connect_link(cfg, label: str = "Connect Spotify") -> None:
    url = _auth_url(cfg)
    # st.link_button opens a new tab; the sign-in should come back into this one.
    st.markdown(f'<a href="{html.escape(url)}" target="_self" data-testid="spotify-connect-link" '
                'style="display:inline-block;padding:0.5em 1.2em;border-radius:0.5em;background:#1DB954;'
                f'color:white;text-decoration:none;font-weight:600">{html.escape(label)}</a>',
                unsafe_allow_html=True)


def _connect(cfg) -> None:
    st.subheader("2 · Connect your account")
    flow = "PKCE (no client secret)" if spotify.uses_pkce(cfg) else "Authorization Code (with client secret)"
    st.write(f"App `{cfg.spotify_client_id[:8]}…` · {flow} · redirect `{cfg.spotify_redirect_uri}`")
    if not _app_usable(cfg):
        return
    st.caption(f"Open this app at **{_open_at(cfg)}** — that is where Spotify sends you back.")
    _connect_link(cfg)
    with st.expander("How to set up the Spotify app (Development Mode)"):
        _instructions(cfg)
    if spotify.app_source(settings()) == "saved" and st.button("Use a different app", key="spotify.forget_app"):
        spotify.forget_app(settings())
        st.session_state.pop(AUTH_URL, None)
        st.rerun()


def _app_usable(cfg) -> bool:
    """A Client ID that is not 32 hex characters is reported, not used."""
    try:
        spotify.check_client_id(cfg.spotify_client_id)
    except spotify.SpotifyError as exc:
        st.error(f"{exc} Fix SPOTIPY_CLIENT_ID / secrets.toml, or use a different app.", icon="⚠️")
        return False
    return True


def _scopes(cfg) -> None:
    """Say which permissions the stored sign-in lacks, why they are wanted, and offer to grant them."""
    missing = spotify.missing_scopes(cfg)
    if not missing:
        return
    st.warning("Your sign-in predates the listening features and lacks: "
               + "; ".join(f"**{s}** — {spotify.LISTENING_SCOPES[s]}" for s in missing)
               + ". Everything else keeps working; play counts and top ranks stay empty until you connect again "
               "(Spotify then asks for these too).", icon="🔑")
    _connect_link(cfg, "Connect again")


def _listening() -> None:
    from lib.store import listening_summary

    info = listening_summary(user_library())
    if not info["plays"] and not info["top_read_at"]:
        return
    read = ", ".join(f"{term.split('_')[0]} {at:%Y-%m-%d %H:%M}" for term, at in sorted(info["top_read_at"].items()))
    span = f" from {info['first_play']:%Y-%m-%d} to {info['last_play']:%Y-%m-%d %H:%M} UTC" if info["plays"] else ""
    st.caption(f"Listening history: {info['plays']} plays stored{span} (kept forever; Spotify itself shows only the "
               f"last 50)." + (f" Top tracks read (UTC): {read}." if read else ""))


def _who(cfg) -> dict | None:
    if ME not in st.session_state:
        try:
            st.session_state[ME] = spotify.connect_client(cfg).me()
        except spotify.ReconnectRequired as exc:
            st.warning(str(exc), icon="🔑")
            return None
        except spotify.SpotifyError as exc:
            st.error(f"Could not reach Spotify: {exc}")
            return None
    return st.session_state[ME]


def _account(cfg, me: dict) -> None:
    left, right = st.columns([4, 1])
    left.success(f"Connected as **{me.get('display_name') or me.get('id')}** (`{me.get('id')}`)", icon="🎧")
    if right.button("Disconnect", key="spotify.disconnect", help="Forget the stored sign-in (token file)"):
        spotify.disconnect(cfg)
        for key in (ME, AUTH_URL, SUMMARY):
            st.session_state.pop(key, None)
        st.rerun()


def _picker(cfg) -> tuple[bool, list[str]]:
    library = user_library()
    sources = [s for s in spotify_sources(library) if s["kind"] == "playlist"]
    first_visit = not sources and not st.session_state.get(LISTED)
    if st.button("Refresh my playlist list", key="spotify.refresh_list") or first_visit:
        st.session_state[LISTED] = True
        try:
            client = spotify.connect_client(cfg)
            from lib.store import save_listing

            save_listing(library, [rec for rec, _ in spotify.list_playlists(client, client.me())])
        except spotify.SpotifyError as exc:
            st.error(str(exc))
        sources = [s for s in spotify_sources(library) if s["kind"] == "playlist"]
    readable = {s["spotify_id"]: s for s in sources if s["readable"]}
    liked_state = next((s for s in spotify_sources(library) if s["kind"] == "liked"), None)
    liked = st.checkbox("Liked Songs", value=liked_state["selected"] if liked_state else True, key="spotify.liked")
    chosen = st.multiselect(
        "Playlists to sync", options=list(readable), key="spotify.playlists",
        default=[p for p, s in readable.items() if s["selected"]],
        format_func=lambda p: f"{readable[p]['name']} ({readable[p]['remote_total'] or 0})")
    unreadable = [s for s in sources if not s["readable"]]
    if unreadable:
        with st.expander(f"{len(unreadable)} followed playlist(s) cannot be read"):
            st.caption("Spotify lets Development Mode apps read only playlists you own or collaborate on.")
            st.dataframe(pd.DataFrame([{"playlist": s["name"], "owner": s["owner_name"]} for s in unreadable]),
                         hide_index=True)
    return liked, chosen


def _run_sync(cfg, liked: bool, chosen: list[str]) -> None:
    with st.status("Syncing from Spotify…", expanded=True) as status:
        bar = st.progress(0.0, text="Starting…")

        def show(event: spotify.SyncProgress) -> None:
            within = min(1.0, event.tracks / event.total) if event.total else 1.0
            done = (event.source_index - 1 + within) / max(event.source_count, 1)
            total = f"/{event.total}" if event.total is not None else ""
            bar.progress(min(done, 1.0), text=f"{event.source_name} ({event.source_index}/{event.source_count}) — "
                                              f"page {event.page}, {event.tracks}{total} tracks, "
                                              f"{event.requests} requests")

        try:
            client = spotify.connect_client(cfg)
            summary = spotify.sync_library(user_library(), client, liked=liked, playlist_ids=chosen,
                                           on_progress=show)
            if summary.status == "done":
                heard = spotify.read_listening(user_library(), client, parent_job_id=summary.job_id,
                                               force_top=True)
                st.write(f"Listening history: {heard.message}")
        except spotify.SpotifyError as exc:
            status.update(label=str(exc), state="error")
            return
        bar.progress(1.0, text=summary.message)
        state = {"done": "complete", "paused": "error", "failed": "error"}[summary.status]
        status.update(label=f"Sync {summary.status}: {summary.message}", state=state)
    st.session_state[SUMMARY] = summary


def _summary() -> None:
    summary = st.session_state.get(SUMMARY)
    if not summary:
        return
    if summary.status == "paused":
        st.warning(f"Paused: {summary.message} Click Sync again after that time to resume.", icon="⏸️")
    elif summary.status == "failed":
        st.error(summary.message + (" Use Disconnect, then Connect again." if summary.reconnect else ""))
    cols = st.columns(3)
    cols[0].metric("Requests", summary.requests)
    cols[1].metric("Tracks", summary.tracks)
    cols[2].metric("Sources", len(summary.sources))
    st.dataframe(pd.DataFrame([{"source": s.name, "status": s.status, "tracks": s.tracks, "local files": s.local,
                                "episodes": s.episodes, "unavailable": s.nulls, "requests": s.requests,
                                "note": s.message} for s in summary.sources]), hide_index=True, key="spotify.result")


def _stored_sources() -> None:
    rows = spotify_sources(user_library())
    if not rows:
        return
    st.subheader("In your library")
    st.dataframe(pd.DataFrame([{
        "source": r["name"], "tracks": r["track_count"], "local files": r["local_count"], "episodes":
        r["episode_count"], "unavailable": r["null_count"], "readable": r["readable"], "selected": r["selected"],
        "last synced (UTC)": r["last_synced_at"]} for r in rows]), hide_index=True, key="spotify.sources")


def render_connect_page() -> None:
    _flash()
    if is_demo():
        st.info("Sync writes to **My library**, never the demo. Switch the sidebar to *My library* to see it.")
    cfg = spotify_settings()
    if not cfg.spotify_client_id:
        _setup_form(cfg)
        return
    if not spotify.is_connected(cfg):
        _connect(cfg)
        return
    me = _who(cfg)
    if me is None:
        _connect(cfg)
        return
    _account(cfg, me)
    _scopes(cfg)
    st.subheader("3 · Sync")
    liked, chosen = _picker(cfg)
    paused = pause_state(user_library())
    if paused:
        st.warning(f"The last sync was paused until {paused[0]:%Y-%m-%d %H:%M} UTC: {paused[1]} Syncing earlier "
                   "will most likely be refused again.", icon="⏸️")
    if st.button("Sync now", type="primary", key="spotify.sync", disabled=not (liked or chosen)):
        _run_sync(cfg, liked, chosen)
    _summary()
    _listening()
    _stored_sources()
    with st.expander("How to set up the Spotify app (Development Mode)"):
        _instructions(cfg)


def render_jobs_page() -> None:
    library = current_library()
    if is_demo():
        st.info("Showing the demo library's jobs; Spotify syncs run in *My library*.")
    jobs = list_jobs(library, limit=200)
    if not jobs:
        st.write("No jobs yet. Syncs, imports, enrichments and pushes show up here.")
        return
    frame = pd.DataFrame([{
        "job": j.job_id, "kind": j.kind, "target": j.target, "parent": j.parent_id, "status": j.status,
        "progress": ", ".join(f"{k} {v}" for k, v in j.progress.items() if v is not None), "requests": j.requests,
        "paused until (UTC)": j.paused_until, "message": j.message, "updated": j.updated_at} for j in jobs])
    st.dataframe(frame, hide_index=True, key="jobs.table")
    job_id = st.selectbox("Status history of job", options=[j.job_id for j in jobs], key="jobs.pick",
                          format_func=lambda i: next(f"#{j.job_id} {j.kind} {j.target or ''} — {j.status}"
                                                     for j in jobs if j.job_id == i))
    events = job_events(library, job_id)
    st.dataframe(pd.DataFrame(events, columns=["at (UTC)", "status", "message"]), hide_index=True,
                 key="jobs.events")
    children = [j for j in jobs if j.parent_id == job_id]
    if children:
        st.caption(f"{len(children)} sub-job(s): " + ", ".join(f"#{c.job_id} {c.target} {c.status}"
                                                                for c in children))
