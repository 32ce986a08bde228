"""Settings, the selected library and its cached handle, for every page."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lib.config import Settings, load_settings
from lib.errors import AutoPlaylistsError, LibraryBusyError, LibraryError
from lib.store import Library, is_file_target, library_has_content, open_library

LIBRARY_CHOICE_KEY = "app.library_choice"
ENTRY_SCRIPT = "streamlit_app.py"
REQUESTED_PAGE_PARAM = "open"

DEMO = "demo"
MINE = "mine"


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except (FileNotFoundError, KeyError, AttributeError):
        return {}
    except Exception:  # a malformed secrets.toml must not take the app down
        return {}


def settings() -> Settings:
    """Settings from env vars and .streamlit/secrets.toml."""
    return load_settings(secrets=_secrets())


@st.cache_resource(show_spinner=False)
def _open(target: str) -> Library:
    # A file Library holds no connection, so caching it only saves re-running migrations.
    return open_library(target, memory_limit=settings().memory_limit)


@st.cache_resource(show_spinner="Building the demo library…")
def _open_demo(target: str) -> Library:
    from lib.demo import ensure_demo_library

    return ensure_demo_library(target)


def _has_own_library(cfg: Settings) -> bool:
    """A configured library, or a library file that holds something (an empty one is just a visit)."""
    if cfg.db_configured or not is_file_target(cfg.db):
        return cfg.db_configured
    if not Path(cfg.db).exists():
        return False
    try:
        return library_has_content(_open(cfg.db))
    except AutoPlaylistsError:
        return False


def default_choice(cfg: Settings) -> str:
    """Open the user's library if there is one, otherwise the demo."""
    return MINE if _has_own_library(cfg) else DEMO


def library_choice() -> str:
    if LIBRARY_CHOICE_KEY not in st.session_state:
        st.session_state[LIBRARY_CHOICE_KEY] = default_choice(settings())
    return st.session_state[LIBRARY_CHOICE_KEY]


def is_demo() -> bool:
    return library_choice() == DEMO


def current_library() -> Library:
    """The library the user is looking at: the demo or their own."""
    cfg = settings()
    if is_demo():
        return _open_demo(cfg.demo_db)
    return _open(cfg.db)


def user_library() -> Library:
    """The user's own library, whichever one is being shown (Spotify sync writes here)."""
    return _open(settings().db)


def library_selector() -> None:
    """Sidebar switch between the demo and the user's library; shown on every page."""
    cfg = settings()
    library_choice()
    st.sidebar.radio(
        "Library", options=[DEMO, MINE], key=LIBRARY_CHOICE_KEY, horizontal=True,
        format_func=lambda c: "Demo library" if c == DEMO else "My library",
        help=f"Demo: {cfg.demo_db} · Mine: {cfg.db}. Switching keeps both.",
    )
    if is_demo():
        st.sidebar.info("You are exploring the **demo library** — generated sample data. "
                        "Switch to *My library* to import CSVs or connect Spotify.", icon="🎧")


def require_app_frame() -> None:
    """Send a page that Streamlit ran without streamlit_app.py through it.

    Until some session has called st.navigation, Streamlit serves a deep link such as /rules from
    the pages/ folder directly (its legacy pages-directory mode), skipping the library switch and
    the Spotify sign-in callback. The detour keeps the requested page. AppTest re-enters that mode
    before every run by design, so it is left alone there (the browser tests cover the detour).
    """
    ctx = get_script_run_ctx()
    if ctx is None or not PagesManager.uses_pages_directory or "streamlit.testing.v1.app_test" in sys.modules:
        return
    if Path(ctx.main_script_path).name == ENTRY_SCRIPT:
        page = Path(sys._getframe(1).f_globals.get("__file__", "")).stem
        st.switch_page(ENTRY_SCRIPT, query_params={REQUESTED_PAGE_PARAM: page} if page else None)


def open_requested_page(pages: list) -> None:
    """After require_app_frame's detour, open the page the link asked for (call before navigation.run)."""
    wanted = st.query_params.get(REQUESTED_PAGE_PARAM)
    if wanted is None:
        return
    del st.query_params[REQUESTED_PAGE_PARAM]
    for page in pages:
        if page.url_path == wanted:
            st.switch_page(page)


def _offer_retry(key: str, exc: Exception) -> None:
    st.error(str(exc), icon=":material/lock_clock:")
    st.button("Retry", key=f"{key}.retry", icon=":material/refresh:")


@contextmanager
def library_guard(key: str, library: Library | None = None) -> Iterator[None]:
    """A library that is busy (another program holds it) or cannot be opened shows one message and a
    retry instead of a traceback. Use around a page body and inside every fragment.

    With a `library`, one connection is held for the block, so the block's many short reads share
    one opening of the file (each opening costs tens of milliseconds) and release it at the end."""
    with ExitStack() as stack:
        try:
            if library is not None:
                stack.enter_context(library.cursor())
        except (LibraryBusyError, LibraryError) as exc:
            _offer_retry(key, exc)
            st.stop()
        try:
            yield
        except (LibraryBusyError, LibraryError) as exc:
            _offer_retry(key, exc)
