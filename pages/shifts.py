"""Rota: a week of shifts per location (being built)."""

import streamlit as st

from ui.auth import require_page

viewer = require_page("shifts")
st.title("Rota")
st.info("The week grid is on its way.")
