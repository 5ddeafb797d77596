"""Sign-in and sign-out in the browser; who is signed in; which pages they may open.

Each sign-in is a server-side session (spaops.sessions). This tab remembers its session id;
a reload, a bookmark or a new tab finds it again through the HttpOnly cookie that the
route in ui/session_cookie.py sets (the page fetches that route as an invisible image).
"""

from __future__ import annotations

import html
import logging

import streamlit as st
from sqlalchemy.exc import OperationalError

from spaops import clock
from spaops.auth import (
    PAGES_BY_ROLE,
    SignInFailed,
    Viewer,
    authenticate,
    has_any_user,
    is_demo_database,
    viewer_now,
)
from spaops.display import in_words
from spaops.sessions import (
    EXPIRED,
    REVOKED,
    USER_GONE,
    check_session,
    create_session,
    revoke_session,
    session_for_token,
    touch_session,
)
from ui.data import session_scope
from ui.navigation import import_every_page
from ui.session_cookie import ADOPT_PATH, CLEAR_PATH, COOKIE_NAME

log = logging.getLogger(__name__)
VIEWER_KEY = "viewer"
SESSION_KEY = "sign_in_session"
HANDOFF_KEY = "sign_in_handoff"
WARM_UP = "warm-up"  # the label of the sign-in page's unseen widgets
CLEAR_COOKIE_KEY = "sign_in_clear_cookie"
COOKIE_TRIED_KEY = "sign_in_cookie_tried"
NOTICES = {
    EXPIRED: "Your session expired after 12 idle hours.",
    USER_GONE: "This account was disabled or removed: ask the owner.",
    REVOKED: "You were signed out (in another tab, or your password was reset).",
}


def _cookie_token() -> str | None:
    """The session token this browser sent when the page was opened, if any."""
    value = st.context.cookies.get(COOKIE_NAME)
    return value if isinstance(value, str) else None  # AppTest has no real request


def current_viewer() -> Viewer | None:
    """The signed-in person, or None: found by this tab's session or the browser's cookie.

    The session, the account, its role and its locations are read again on every run, so
    a session that was signed out elsewhere, went idle for 12 hours, or whose user was
    disabled or removed is not served from memory.
    """
    now = clock.now()
    session_id = st.session_state.get(SESSION_KEY)
    in_tab = session_id is not None
    if not in_tab and st.session_state.get(COOKIE_TRIED_KEY):
        return None  # this tab's cookie was looked at already and signs nobody in
    with session_scope() as session:
        if not in_tab:
            session_id = session_for_token(session, _cookie_token())
        check = check_session(session, session_id, now=now)
        viewer = viewer_now(session, check.user_id) if check.active else None
    known = st.session_state.get(VIEWER_KEY)
    if viewer is not None and known is not None and known.user_id != viewer.user_id:
        viewer = None  # never switch a tab to another person
    if viewer is None:
        if in_tab:
            _forget()
        st.session_state[COOKIE_TRIED_KEY] = True
        st.session_state[CLEAR_COOKIE_KEY] = session_id is not None
        # A cookie that outlived its session (after signing out, say) needs no comment.
        notice = NOTICES.get(check.status if in_tab or check.status != REVOKED else "")
        if notice:
            st.session_state["signin_notice"] = notice
        return None
    if check.due_for_touch(now):
        try:
            with session_scope(write=True) as session:
                touch_session(session, session_id, now=now)
        except OperationalError:  # a busy database: the next click will mark it instead
            log.warning("could not mark a sign-in session as seen", exc_info=True)
    if check.handed_over:
        st.session_state.pop(HANDOFF_KEY, None)
    st.session_state[VIEWER_KEY] = viewer
    st.session_state[SESSION_KEY] = session_id
    return viewer


def _forget() -> None:
    st.session_state.clear()


def sign_out() -> None:
    """End this sign-in everywhere (its cookie too), and forget every per-session choice."""
    with session_scope(write=True) as session:
        revoke_session(session, st.session_state.get(SESSION_KEY))
    _forget()
    st.session_state[CLEAR_COOKIE_KEY] = True
    st.session_state[COOKIE_TRIED_KEY] = True


def _fetch_quietly(path: str) -> None:
    """Have the browser request one of our own routes, as an invisible image (no script)."""
    st.html(f'<img src="{html.escape(path)}" alt="" width="1" height="1" '
            'style="position:absolute;opacity:0">')


def _load_widgets_meanwhile() -> None:
    """Draw an unseen chart, table and the widgets the Overview and its sidebar use, so the
    browser fetches their code while the person types: the first page after signing in
    then draws at once. (Unfetched, that code held the Overview back 0.4-0.9 s after its
    run had ended; its metric's code alone 0.25-0.35 s.) The widgets are disabled, so the
    keyboard never lands on them.

    Only the Overview's: with every page's widgets here too, 20 sign-ins at once on the
    bench's two CPUs took a median 47 s against 30 s (each browser read all of that code
    at once), for first views elsewhere that did not measurably gain."""
    import pandas as pd
    import plotly.graph_objects as go

    # Off screen and hidden: out of the page's layout, its tab order and what a screen
    # reader reads, yet drawn, so its code is fetched.
    st.html("<style>.st-key-warmup{position:absolute;left:-10000px;width:10px;"
            "height:10px;overflow:hidden;visibility:hidden}</style>")
    with st.container(key="warmup"):
        st.plotly_chart(go.Figure(layout={"height": 10, "width": 10}), key="warmup_chart",
                        config={"staticPlot": True, "displayModeBar": False})
        st.dataframe(pd.DataFrame({"": [""]}), key="warmup_table", hide_index=True)
        hidden = {"label_visibility": "collapsed", "disabled": True}
        st.selectbox(WARM_UP, [""], key="warmup_select", **hidden)
        st.multiselect(WARM_UP, [""], key="warmup_multiselect", **hidden)
        st.button(WARM_UP, key="warmup_button", disabled=True)
        st.download_button(WARM_UP, data=b"", key="warmup_download", disabled=True)
        st.metric(WARM_UP, "", label_visibility="collapsed")


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
    if st.session_state.pop(CLEAR_COOKIE_KEY, False):
        _fetch_quietly(CLEAR_PATH)
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
    _load_widgets_meanwhile()
    if not submitted:  # the form is on screen: load the pages' code while the person types
        import_every_page()
        from ui.overview import prefetch_chain_overview

        prefetch_chain_overview()  # and the whole chain's Overview (an owner's first page)
    if submitted:
        try:
            with session_scope(write=True) as session:
                viewer = authenticate(session, username.strip(), password)
        except SignInFailed:
            st.error("Sign-in failed: check the username and password. After five failed "
                     "attempts the account is locked for 15 minutes.")
            return
        with session_scope(write=True) as session:
            session_id, handoff = create_session(session, viewer.user_id)
        st.session_state[VIEWER_KEY] = viewer
        st.session_state[SESSION_KEY] = session_id
        st.session_state[HANDOFF_KEY] = handoff
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
        role = in_words("role", viewer.role)
        # "owner (owner)" said the demo's role twice; a named user reads "alice · Owner".
        st.caption(f"Signed in as **{viewer.username}**"
                   + ("" if viewer.username.lower() == viewer.role else f" · {role}"))
        if st.button("Sign out", key="sign_out", icon=":material/logout:"):
            sign_out()
            st.rerun()
        handoff = st.session_state.get(HANDOFF_KEY)
        if handoff:  # until the browser holds the cookie, so a reload keeps this sign-in
            _fetch_quietly(f"{ADOPT_PATH}?code={handoff}")
    return viewer
