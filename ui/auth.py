"""Sign-in and sign-out in the browser; who is signed in; which pages they may open."""

from __future__ import annotations

import streamlit as st

from spaops import clock
from spaops.auth import (
    PAGES_BY_ROLE,
    SignInFailed,
    Viewer,
    authenticate,
    has_any_user,
    is_demo_database,
    session_idle_expired,
    viewer_now,
)
from ui.data import session_scope

VIEWER_KEY = "viewer"
LAST_SEEN_KEY = "last_seen"


def current_viewer() -> Viewer | None:
    """The signed-in person, or None; a session idle for 12 hours is signed out."""
    viewer = st.session_state.get(VIEWER_KEY)
    if viewer is None:
        return None
    now = clock.now()
    if session_idle_expired(st.session_state.get(LAST_SEEN_KEY), now):
        sign_out()
        st.session_state["signin_notice"] = "Your session expired after 12 idle hours."
        return None
    # Role, locations and the account itself are read again on every run: a user the
    # owner disabled or removed, or whose locations changed, is not served from memory.
    with session_scope() as session:
        viewer = viewer_now(session, viewer.user_id)
    if viewer is None:
        sign_out()
        st.session_state["signin_notice"] = ("This account was disabled or removed: ask the "
                                             "owner.")
        return None
    st.session_state[VIEWER_KEY] = viewer
    st.session_state[LAST_SEEN_KEY] = now
    return viewer


def sign_out() -> None:
    """Forget who is signed in, and every per-session choice."""
    st.session_state.clear()


def sign_in_page() -> None:
    """The page shown before anything else: username, password, Sign in."""
    # A shared link's filters (?preset=...&loc=...) survive the sign-in.
    if "wanted_params" not in st.session_state:
        st.session_state["wanted_params"] = {
            key: st.query_params.get_all(key) for key in st.query_params
        }
    st.title(":material/spa: Spa Ops")
    st.caption("Operations for every location of the chain: sign in to continue.")
    notice = st.session_state.pop("signin_notice", None)
    if notice:
        st.info(notice)
    with session_scope() as session:
        demo = is_demo_database(session)
        any_user = has_any_user(session)
    if not any_user:
        st.warning(
            "This database has no users yet. Create the first owner on the command line: "
            "`spaops users add NAME --role owner` (the password is read from standard input)."
        )
    with st.form("signin", clear_on_submit=False):
        username = st.text_input("Username", key="signin_username", autocomplete="username")
        password = st.text_input("Password", type="password", key="signin_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if demo:
        st.caption("Demo database: sign in as `owner`, `manager` or `staff`, password `demo`.")
    if submitted:
        try:
            with session_scope(write=True) as session:
                viewer = authenticate(session, username.strip(), password)
        except SignInFailed:
            st.error("Sign-in failed: check the username and password. After five failed "
                     "attempts the account is locked for 15 minutes.")
            return
        st.session_state[VIEWER_KEY] = viewer
        st.session_state[LAST_SEEN_KEY] = clock.now()
        for key, values in st.session_state.pop("wanted_params", {}).items():
            st.query_params[key] = values if len(values) > 1 else values[0]
        st.rerun()


def require_page(page_key: str) -> Viewer:
    """The signed-in viewer, if their role may open this page; otherwise stop the page.

    Also draws who is signed in and the Sign out button at the top of the sidebar.
    """
    viewer = current_viewer()
    if viewer is None:  # signed out while on this page: sign in again, right here
        sign_in_page()
        st.stop()
    if page_key not in PAGES_BY_ROLE.get(viewer.role, ()):
        st.error("You do not have access to this page.")
        st.stop()
    with st.sidebar:
        st.caption(f"Signed in as **{viewer.username}** ({viewer.role})")
        if st.button("Sign out", key="sign_out", icon=":material/logout:"):
            sign_out()
            st.rerun()
    return viewer
