"""Settings (owners): each location's tier, hours and buffer; chain targets; users."""

import streamlit as st
from sqlalchemy import select

from models import Location
from spaops.auth import NotAllowed
from spaops.location_settings import LocationRefused, add_location, save_location
from ui.auth import require_page
from ui.data import fresh, session_scope
from ui.settings_sections import chain_targets, demo_removal, users_section
from ui.setup import forget_location_fields, location_fields
from ui.widgets import saved_then_rerun, show_saved

viewer = require_page("settings")
st.title("Settings")

show_saved()
demo_removal(viewer)


def _refused(exc: Exception) -> None:
    """Say what is wrong with a location form; nothing was saved."""
    problems = exc.problems if isinstance(exc, LocationRefused) else [str(exc)]
    st.error("Not saved: " + "; ".join(problems) + ".", icon=":material/error:")


st.subheader("Locations")
if st.session_state.pop("settings_added", False):
    forget_location_fields("al")  # a location was just added: an empty form for the next one
locations = fresh(lambda s: list(s.scalars(select(Location).order_by(Location.name))))
by_id = {loc.id: loc for loc in locations}
if "settings_pick" in st.session_state:
    st.session_state["settings_location"] = st.session_state.pop("settings_pick")
    forget_location_fields("ls")
if not locations:
    st.info("No locations yet: add your first one below.", icon=":material/info:")
else:
    picked = st.selectbox("Location", list(by_id), format_func=lambda i: by_id[i].name,
                          key="settings_location", on_change=forget_location_fields,
                          args=("ls",))
    location = by_id[picked]
    with st.form("location_form"):
        form = location_fields("ls", location)
        if st.form_submit_button("Save location", type="primary"):
            try:
                with session_scope(write=True) as session:
                    saved = save_location(session, location.id, form, viewer=viewer)
            except (LocationRefused, NotAllowed) as exc:
                _refused(exc)
            else:
                st.session_state["settings_pick"] = saved.id
                saved_then_rerun(f"Saved {saved.name}.")

with st.expander("Add a location", expanded=not locations, icon=":material/add_location:"):
    with st.form("add_location_form"):
        form = location_fields("al", None)
        if st.form_submit_button("Add location", type="primary"):
            try:
                with session_scope(write=True) as session:
                    added = add_location(session, form, viewer=viewer)
            except (LocationRefused, NotAllowed) as exc:
                _refused(exc)
            else:
                st.session_state["settings_pick"] = added.id
                st.session_state["settings_added"] = True
                saved_then_rerun(f"Added {added.name}.")

chain_targets(viewer)
users_section(viewer, [loc.name for loc in locations])
