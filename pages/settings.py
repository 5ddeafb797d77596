"""Settings (owners): each location's tier, hours and buffer; chain targets; users."""

from datetime import timedelta

import pandas as pd
import streamlit as st
from sqlalchemy import select

from models import ROLES, Location
from seed.reference import DEMO_LOCATIONS
from spaops import clock
from spaops.analytics.kpis import Period, kpi_table
from spaops.auth import (
    NotAllowed,
    create_user,
    disable_user,
    is_demo_database,
    list_users,
    reset_password,
    set_role_and_locations,
)
from spaops.figures.utilisation import utilisation_bars
from spaops.location_settings import (
    LocationRefused,
    add_location,
    save_location,
    update_chain_settings,
)
from spaops.onboarding import (
    DEMO_CONFIRMATION,
    DEMO_USERS,
    confirmation_matches,
    remove_demo_data,
)
from spaops.settings import load_settings
from ui.auth import require_page
from ui.data import fresh, load, session_scope
from ui.setup import forget_location_fields, location_fields
from ui.widgets import table

viewer = require_page("settings")
st.title("Settings")

FLASH = "settings_flash"
flash = st.session_state.pop(FLASH, None)
if flash:
    st.success(flash)

if fresh(is_demo_database):
    st.subheader("Demo data")
    with st.container(border=True, key="remove_demo"):
        st.warning(
            "This database holds the **demo chain** ("
            + ", ".join(row[0] for row in DEMO_LOCATIONS)
            + "), its therapists, shifts, clients and bookings, and the demo sign-ins "
            "`manager` and `staff`. Remove it before you load your own chain.",
            icon=":material/science:")
        st.markdown(
            "**Removed:** the four demo locations and everything attached to them, the demo "
            "services no remaining booking uses, and the demo users (your own account "
            f"**{viewer.username}** stays).  \n**Kept:** your account, every location you "
            "added yourself with its data, the market price bands and your targets.  \n"
            "It happens in one step and cannot be undone.")
        with st.form("remove_demo_form"):
            typed = st.text_input(f"Type {DEMO_CONFIRMATION} to confirm", key="demo_confirm",
                                  placeholder=DEMO_CONFIRMATION)
            if st.form_submit_button("Remove the demo data", type="primary",
                                     icon=":material/delete_forever:"):
                if not confirmation_matches(typed):
                    st.error(f"Nothing removed: type {DEMO_CONFIRMATION} in the box to "
                             "confirm.", icon=":material/error:")
                else:
                    try:
                        with session_scope(write=True) as session:
                            removal = remove_demo_data(session, typed, viewer=viewer)
                    except (ValueError, NotAllowed) as exc:
                        st.error(f"Nothing removed: {exc}.", icon=":material/error:")
                    else:
                        note = (" Your password is still the demo one: set a new one under "
                                "Users (Reset password)." if viewer.username in DEMO_USERS
                                else "")
                        st.session_state[FLASH] = (
                            f"Demo data removed: {removal.summary()}.{note}")
                        for key in ("settings_location", "f_locations"):
                            st.session_state.pop(key, None)
                        st.rerun()


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
                st.session_state[FLASH] = f"Saved {saved.name}."
                st.session_state["settings_pick"] = saved.id
                st.rerun()

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
                st.session_state[FLASH] = f"Added {added.name}."
                st.session_state["settings_pick"] = added.id
                st.session_state["settings_added"] = True
                st.rerun()

st.subheader("Targets and cadences")
current = fresh(load_settings)
today = clock.today()
recent = load(kpi_table, Period(today - timedelta(days=29), today))
st.plotly_chart(utilisation_bars(
    recent, "location", current["utilisation_target_low"],
    current["utilisation_target_high"], current["utilisation_burnout"],
    "Last 30 days against the current target band"), width="stretch", key="settings_band")
with st.form("chain_form"):
    left, right = st.columns(2)
    low = left.number_input("Utilisation target: low (%)", 1, 100,
                            int(round(current["utilisation_target_low"] * 100)), key="cs_low")
    high = right.number_input("Utilisation target: high (%)", 1, 100,
                              int(round(current["utilisation_target_high"] * 100)),
                              key="cs_high")
    burnout = left.number_input("Burnout risk above (%)", 1, 100,
                                int(round(current["utilisation_burnout"] * 100)),
                                key="cs_burnout")
    cap = right.number_input("Daily hands-on cap (minutes)", 60, 720,
                             int(current["daily_cap_min"]), key="cs_cap")
    therapeutic = left.number_input("Rebooking window, therapeutic (days)", 1, 180,
                                    int(current["cadence_therapeutic_days"]), key="cs_ther")
    relaxation = right.number_input("Rebooking window, relaxation (days)", 1, 180,
                                    int(current["cadence_relaxation_days"]), key="cs_relax")
    if st.form_submit_button("Save targets", type="primary"):
        try:
            with session_scope(write=True) as session:
                update_chain_settings(session, {
                    "utilisation_target_low": low / 100, "utilisation_target_high": high / 100,
                    "utilisation_burnout": burnout / 100, "daily_cap_min": int(cap),
                    "cadence_therapeutic_days": int(therapeutic),
                    "cadence_relaxation_days": int(relaxation)}, viewer=viewer)
        except (ValueError, NotAllowed) as exc:
            st.error(f"Not saved: {exc}")
        else:
            st.success("Targets saved.")

st.subheader("Users")
users = fresh(lambda s: list_users(s, actor=viewer))
table(pd.DataFrame(users, columns=["username", "role", "locations", "active", "locked"])
      .assign(locations=lambda f: f["locations"].map(", ".join)))
with st.form("user_form", clear_on_submit=True):
    left, right = st.columns(2)
    username = left.text_input("Username", key="us_name")
    role = right.selectbox("Role", ROLES, key="us_role")
    places = st.multiselect("Locations (managers and staff)", [loc.name for loc in locations],
                            key="us_locations")
    password = st.text_input("New password", type="password", key="us_password",
                             help="For a new user, or to reset an existing one's password.")
    action = st.radio("Action", ["Add user", "Change role and locations", "Reset password",
                                 "Disable user"], horizontal=True, key="us_action")
    if st.form_submit_button("Apply", type="primary"):
        try:
            with session_scope(write=True) as session:
                if action == "Add user":
                    create_user(session, username, password, role, places, actor=viewer)
                elif action == "Change role and locations":
                    set_role_and_locations(session, username, role, places, actor=viewer)
                elif action == "Reset password":
                    reset_password(session, username, password, actor=viewer)
                else:
                    disable_user(session, username, actor=viewer)
        except (ValueError, NotAllowed) as exc:
            st.error(f"Not done: {exc}")
        else:
            st.session_state[FLASH] = f"{action}: {username.strip()} done."  # shown after
            st.rerun()
