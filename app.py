"""Spa Ops entry point: sign-in first, then the pages the signed-in person's role allows."""

import streamlit as st

from spaops.auth import PAGES_BY_ROLE
from ui.auth import current_viewer, sign_in_page, sign_out
from ui.data import engine

# key -> (file, title, icon); st.navigation lists only what the viewer's role may open,
# so a page outside the role cannot be reached even by typing its URL path.
PAGES = {
    "overview": ("pages/overview.py", "Overview", ":material/dashboard:"),
}

st.set_page_config(page_title="Spa Ops", page_icon=":material/spa:", layout="wide")
engine()  # creates or upgrades the schema (and the demo chain on a fresh machine)

viewer = current_viewer()
if viewer is None:
    navigation = st.navigation([st.Page(sign_in_page, title="Sign in", icon=":material/login:")])
else:
    allowed = [key for key in PAGES if key in PAGES_BY_ROLE.get(viewer.role, ())]
    navigation = st.navigation(
        [st.Page(PAGES[k][0], title=PAGES[k][1], icon=PAGES[k][2], url_path=k,
                 default=(i == 0)) for i, k in enumerate(allowed)]
    )
    with st.sidebar:
        st.caption(f"Signed in as **{viewer.username}** ({viewer.role})")
        if st.button("Sign out", key="sign_out", icon=":material/logout:"):
            sign_out()
            st.rerun()
navigation.run()
