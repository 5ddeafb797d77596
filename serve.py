"""Serve Spa Ops: the Streamlit app (app.py) plus the route that sets the sign-in cookie.

`streamlit run serve.py` (what `make run` does); `streamlit run app.py` also works, but then
every reload asks for the password again.
"""

import streamlit as st

from ui.session_cookie import session_routes

app = st.App("app.py", routes=session_routes())
