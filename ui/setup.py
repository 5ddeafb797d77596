"""Setting a chain up: the location form of Settings, and the first-week guide on Overview."""

from __future__ import annotations

from functools import partial

import streamlit as st

from models import TIERS, Location
from spaops.auth import Viewer
from spaops.display import counted, in_words
from spaops.location_settings import (
    NAME_MAX,
    LocationForm,
    timezone_choices,
    timezone_label,
)
from spaops.onboarding import SetupProgress
from ui.navigation import PAGES


def _link(page_key: str, label: str, icon: str) -> None:
    """A link to one of the app's pages (the same st.Page and URL as the navigation's)."""
    path, title, _icon = PAGES[page_key]
    st.page_link(st.Page(path, title=title, url_path=page_key), label=label, icon=icon)


def _tick(done: bool) -> str:
    return ":material/check_circle:" if done else ":material/radio_button_unchecked:"


def setup_guide(progress: SetupProgress, viewer: Viewer) -> None:
    """Draw the four setup steps, each ticked once done, with links to where it is done."""
    st.subheader("Set up your chain")
    st.write("The dashboards fill in once your chain has locations and bookings. "
             "Four steps, in this order:")
    steps = {s.key: s for s in progress.steps}

    with st.container(border=True, key="setup_step_locations"):
        step = steps["locations"]
        st.markdown(f"{_tick(step.done)} **1. Add your locations** — name, market tier, "
                    "timezone, rooms and opening hours."
                    + (f" Done: {counted(step.count, 'location')}." if step.done else ""))
        if viewer.is_owner:
            _link("settings", "Add a location in Settings", ":material/settings:")
        else:
            st.caption("Only the owner can add locations: ask the owner to add yours in "
                       "Settings.")

    with st.container(border=True, key="setup_step_roster"):
        step = steps["roster"]
        st.markdown(f"{_tick(step.done)} **2. Load your therapist roster** — names, "
                    "licenses and credentials, from a CSV file."
                    + (f" Done: {counted(step.count, 'therapist')}." if step.done else ""))
        _link("import", "Import the roster (choose “Therapist roster”)", ":material/upload_file:")

    with st.container(border=True, key="setup_step_shifts"):
        step = steps["shifts"]
        st.markdown(f"{_tick(step.done)} **3. Load shifts** — who works where and when; "
                    "utilisation and assignment need them."
                    + (f" Done: {counted(step.count, 'shift')}." if step.done else ""))
        left, right = st.columns(2)
        with left:
            _link("import", "Import a shift file (choose “Shifts”)", ":material/upload_file:")
        with right:
            _link("shifts", "Or type the week in the Rota", ":material/calendar_month:")

    with st.container(border=True, key="setup_step_bookings"):
        step = steps["bookings"]
        st.markdown(f"{_tick(step.done)} **4. Import bookings** — the CSV export of your "
                    "booking software."
                    + (f" Done: {counted(step.count, 'booking')}." if step.done else ""))
        _link("import", "Import a booking export (choose “Bookings”)", ":material/upload_file:")


TIMEZONES = timezone_choices()
LOCATION_FIELDS = ("name", "tier", "tz", "rooms", "buffer", "opens", "closes", "lmt")


def form_prefix(prefix: str) -> str:
    """The widget-key prefix a location form uses now ("al", then "al1", "al2"...)."""
    rounds = st.session_state.get(f"{prefix}_round", 0)
    return f"{prefix}{rounds or ''}"


def forget_location_fields(prefix: str) -> None:
    """Drop a location form's typed values, so it shows the stored ones again.

    The widgets get new keys: a browser keeps showing what was typed into a widget whose
    key survives, whatever the session state says."""
    for field in LOCATION_FIELDS:
        st.session_state.pop(f"{form_prefix(prefix)}_{field}", None)
    st.session_state[f"{prefix}_round"] = st.session_state.get(f"{prefix}_round", 0) + 1


def location_fields(prefix: str, location: Location | None) -> LocationForm:
    """The fields of a location form, filled from a stored location (or the defaults)."""
    base = location or Location(name="", name_key="")
    prefix = form_prefix(prefix)
    zones = TIMEZONES if base.timezone in TIMEZONES else [base.timezone, *TIMEZONES]
    label = "Location name" if location is not None else "New location's name"
    name = st.text_input(label, value=base.name, max_chars=NAME_MAX,
                         key=f"{prefix}_name")
    left, right = st.columns(2)
    tier = left.selectbox("Market tier", TIERS, index=TIERS.index(base.tier),
                          format_func=partial(in_words, "tier"), key=f"{prefix}_tier",
                          help="Picks the market price band the location's prices are "
                               "compared with.")
    timezone = right.selectbox("Timezone", zones, index=zones.index(base.timezone),
                               format_func=timezone_label, key=f"{prefix}_tz",
                               help="Times in booking and shift files are local to it.")
    rooms = left.number_input("Treatment rooms", min_value=0, value=base.rooms,
                              key=f"{prefix}_rooms")
    buffer = right.number_input("Turnover buffer (minutes)", min_value=0, max_value=60,
                                value=base.turnover_buffer_min, key=f"{prefix}_buffer")
    opens = left.time_input("Opens", value=base.opens_at, key=f"{prefix}_opens")
    closes = right.time_input("Closes", value=base.closes_at, key=f"{prefix}_closes")
    lmt = st.checkbox("LMT license required", value=base.lmt_required, key=f"{prefix}_lmt",
                      help="Untick where the state licenses no massage therapists and a "
                           "named certification stands in for the license.")
    return LocationForm(name=name, tier=tier, timezone=timezone, rooms=int(rooms),
                        opens_at=opens, closes_at=closes, lmt_required=lmt,
                        turnover_buffer_min=int(buffer))
