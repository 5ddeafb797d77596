"""Assign: the day per therapist, open bookings, ranked candidates with reasons, one click."""


import streamlit as st

from spaops import clock
from spaops.analytics.kpis import locations_in_scope
from spaops.schedule import day_timeline, open_bookings
from ui.assign import auto_assign_panel, candidates_panel, day_chart
from ui.auth import require_page
from ui.data import fresh, load
from ui.filters import one_location
from ui.widgets import download_csv, empty_state, table

viewer = require_page("assign")
st.title("Assign therapists")
locations = load(locations_in_scope, location_ids=viewer.location_ids)
if locations.empty:
    empty_state("No locations yet.")
    st.stop()
left, right = st.columns(2)
location = one_location(locations["location"].tolist(), key="assign_location", where=left)
day = right.date_input("Day", value=clock.today(), key="assign_day", format="YYYY-MM-DD")
location_id = int(locations.loc[locations["location"] == location, "location_id"].iloc[0])

notice = st.session_state.pop("assign_notice", None)
if notice:
    st.success(notice, icon=":material/task_alt:")

# Never cached: the day changes with every assignment, by anyone.
timeline = fresh(lambda session: day_timeline(session, location_id, day))
waiting = fresh(lambda session: open_bookings(session, location_id, day))
if timeline.empty and waiting.empty:
    empty_state(f"No shifts or bookings at {location} on {day:%A %b %d, %Y}.",
                import_hint=False)
    st.stop()
if not timeline.empty:
    day_chart(timeline, key=f"assign_page_{location_id}_{day}")  # page 1 on another day

st.subheader(f"Open bookings ({len(waiting)})")
if waiting.empty:
    st.success("Every booking of the day has a therapist.", icon=":material/done_all:")
    st.stop()
table(waiting)
download_csv(waiting, f"open_bookings_{location}_{day}.csv", key="dl_open_bookings")

labels = {r.booking_ref: f"{r.start:%H:%M} · {r.service} · {r.booking_ref}"
          for r in waiting.itertuples()}
ref = st.selectbox("Booking", list(labels), format_func=labels.get, key="assign_booking")
candidates_panel(viewer, ref, labels[ref])
auto_assign_panel(viewer, location, day, labels)
