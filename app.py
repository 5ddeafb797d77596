"""Spa Ops entry point: sign-in first, then the pages the signed-in person's role allows."""

import streamlit as st

from ui.auth import current_viewer, sign_in_page
from ui.data import engine
from ui.navigation import navigation_for, run_page, signed_out_navigation

st.set_page_config(page_title="Spa Ops", page_icon=":material/spa:", layout="wide")
engine()  # creates or upgrades the schema (and the demo chain on a fresh machine)

viewer = current_viewer()
if viewer is None:
    navigation = signed_out_navigation(sign_in_page)
else:
    navigation = navigation_for(viewer.role)
run_page(navigation)  # a slow run is logged with its time (SPAOPS_SLOW_PAGE_S)
