"""Settings' sections beside the locations: the demo's removal, chain targets and users."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import pandas as pd
import streamlit as st

from models import ROLES
from seed.reference import DEMO_LOCATIONS
from spaops import clock
from spaops.analytics.kpis import Period, kpi_table
from spaops.auth import (
    NotAllowed,
    Viewer,
    create_user,
    disable_user,
    is_demo_database,
    list_users,
    reset_password,
    set_role_and_locations,
)
from spaops.display import in_words
from spaops.figures.utilisation import utilisation_bars
from spaops.location_settings import update_chain_settings
from spaops.onboarding import (
    DEMO_CONFIRMATION,
    DEMO_USERS,
    confirmation_matches,
    remove_demo_data,
)
from spaops.settings import load_settings
from ui.data import fresh, load, session_scope
from ui.widgets import chart, saved_then_rerun, table


def demo_removal(viewer: Viewer) -> None:
    """The "Remove the demo data" box (only while the demo is in the database)."""
    if not fresh(is_demo_database):
        return
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
                        with st.spinner("Removing the demo chain: a few seconds"), \
                                session_scope(write=True) as session:
                            removal = remove_demo_data(session, typed, viewer=viewer)
                    except (ValueError, NotAllowed) as exc:
                        st.error(f"Nothing removed: {exc}.", icon=":material/error:")
                    else:
                        note = (" Your password is still the demo one: set a new one under "
                                "Users (Reset password)." if viewer.username in DEMO_USERS
                                else "")
                        for key in ("settings_location", "f_locations", "_f_locations"):
                            st.session_state.pop(key, None)
                        saved_then_rerun(f"Demo data removed: {removal.summary()}.{note}")


def chain_targets(viewer: Viewer) -> None:
    """The chain's utilisation band, daily cap and rebooking windows, with last month's bars."""
    st.subheader("Targets and cadences")
    current = fresh(load_settings)
    today = clock.today()
    recent = load(kpi_table, Period(today - timedelta(days=29), today))
    chart(utilisation_bars, recent, "location", current["utilisation_target_low"],
          current["utilisation_target_high"], current["utilisation_burnout"],
          "Last 30 days against the current target band", key="settings_band")
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


DONE = {"Add user": "Added {name}: they can sign in now.",
        "Change role and locations": "Changed {name}'s role and locations.",
        "Reset password": "Reset {name}'s password: tell them the new one.",
        "Disable user": "Disabled {name}: they can no longer sign in."}


def users_section(viewer: Viewer, location_names: list[str]) -> None:
    """The users table and the form that adds, changes, resets or disables one."""
    st.subheader("Users")
    users = fresh(lambda s: list_users(s, actor=viewer))
    shown = pd.DataFrame(users, columns=["username", "role", "locations", "active", "locked"])
    # An owner sees every location; an empty list would read as none.
    shown["locations"] = [("all locations" if role == "owner" else ", ".join(places) or "none")
                          for role, places in zip(shown["role"], shown["locations"], strict=True)]
    table(shown)
    with st.form("user_form", clear_on_submit=True):
        left, right = st.columns(2)
        username = left.text_input("Username", key="us_name")
        # The least powerful role first: a slip never makes a new owner.
        role = right.selectbox("Role", ROLES[::-1], key="us_role",
                               format_func=partial(in_words, "role"))
        places = st.multiselect("Locations (managers and staff)", location_names,
                                key="us_locations", placeholder="Choose their locations")
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
                saved_then_rerun(DONE[action].format(name=username.strip()))
