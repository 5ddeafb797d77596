"""Settings (owners): each location's tier, hours and buffer; chain targets; users."""

from datetime import date, timedelta

import streamlit as st
from sqlalchemy import select

from models import ROLES, TIERS, Location
from spaops.analytics.kpis import Period, kpi_table
from spaops.auth import (
    NotAllowed,
    create_user,
    disable_user,
    list_users,
    reset_password,
    set_role_and_locations,
)
from spaops.figures.utilisation import utilisation_bars
from spaops.location_settings import update_chain_settings, update_location_settings
from spaops.settings import load_settings
from ui.auth import require_page
from ui.data import fresh, load, session_scope

viewer = require_page("settings")
st.title("Settings")

st.subheader("Locations")
locations = fresh(lambda s: list(s.scalars(select(Location).order_by(Location.name))))
names = [loc.name for loc in locations]
name = st.selectbox("Location", names, key="settings_location")
location = locations[names.index(name)]
with st.form("location_form"):
    left, right = st.columns(2)
    tier = left.selectbox("Market tier", TIERS, index=TIERS.index(location.tier),
                          key="ls_tier")
    timezone = right.text_input("Timezone (IANA)", value=location.timezone, key="ls_tz")
    rooms = left.number_input("Treatment rooms", min_value=0, value=location.rooms,
                              key="ls_rooms")
    buffer = right.number_input("Turnover buffer (minutes)", min_value=0, max_value=60,
                                value=location.turnover_buffer_min, key="ls_buffer")
    opens = left.time_input("Opens", value=location.opens_at, key="ls_opens")
    closes = right.time_input("Closes", value=location.closes_at, key="ls_closes")
    if st.form_submit_button("Save location", type="primary"):
        try:
            with session_scope(write=True) as session:
                update_location_settings(session, location.id, tier=tier, timezone=timezone,
                                         rooms=int(rooms), opens_at=opens, closes_at=closes,
                                         turnover_buffer_min=int(buffer), viewer=viewer)
        except (ValueError, NotAllowed) as exc:
            st.error(f"Not saved: {exc}")
        else:
            st.success(f"Saved {name}.")

st.subheader("Targets and cadences")
current = fresh(load_settings)
recent = load(kpi_table, Period(date.today() - timedelta(days=29), date.today()))
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
st.dataframe(users, hide_index=True, width="stretch")
with st.form("user_form", clear_on_submit=True):
    left, right = st.columns(2)
    username = left.text_input("Username", key="us_name")
    role = right.selectbox("Role", ROLES, key="us_role")
    places = st.multiselect("Locations (managers and staff)", names, key="us_locations")
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
            st.success(f"{action}: {username.strip()} done.")
            st.rerun()
