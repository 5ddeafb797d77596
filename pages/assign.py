"""Assign: the day per therapist, open bookings, ranked candidates with reasons, one click."""


import pandas as pd
import streamlit as st

from spaops import clock
from spaops.analytics.kpis import locations_in_scope
from spaops.autoassign import apply_plan, plan_day
from spaops.errors import RuleRefusal, UsageError
from spaops.figures.timeline import timeline_figure
from spaops.matching import assign_therapist, suggest_therapists
from spaops.schedule import day_timeline, open_bookings
from ui.auth import require_page
from ui.data import engine, fresh, load
from ui.widgets import download_csv, empty_state, table

viewer = require_page("assign")
st.title("Assign therapists")
locations = load(locations_in_scope, location_ids=viewer.location_ids)
if locations.empty:
    empty_state("No locations yet.")
    st.stop()
left, right = st.columns(2)
location = left.selectbox("Location", locations["location"].tolist(), key="assign_location")
day = right.date_input("Day", value=clock.today(), key="assign_day", format="YYYY-MM-DD")
location_id = int(locations.loc[locations["location"] == location, "location_id"].iloc[0])

notice = st.session_state.pop("assign_notice", None)
if notice:
    st.success(notice, icon=":material/task_alt:")

# Never cached: the day changes with every assignment, by anyone.
timeline = fresh(lambda session: day_timeline(session, location_id, day))
waiting = fresh(lambda session: open_bookings(session, location_id, day))
if timeline.empty:
    empty_state(f"No shifts or bookings at {location} on {day:%A %b %d}.", import_hint=False)
else:
    st.plotly_chart(timeline_figure(timeline), width="stretch", key="assign_timeline")

st.subheader(f"Open bookings ({len(waiting)})")
if waiting.empty:
    st.success("Every booking of the day has a therapist.", icon=":material/done_all:")
    st.stop()
table(waiting)
download_csv(waiting, f"open_bookings_{location}_{day}.csv", key="dl_open_bookings")

labels = {r.booking_ref: f"{r.start:%H:%M} · {r.service} · {r.booking_ref}"
          for r in waiting.itertuples()}
ref = st.selectbox("Booking", list(labels), format_func=labels.get, key="assign_booking")
suggestion = fresh(lambda session: suggest_therapists(
    session, ref, allowed_location_ids=viewer.location_ids))
for warning in suggestion.warnings:
    st.error(warning, icon=":material/medical_information:")
if suggestion.blocked:
    st.error(suggestion.blocked, icon=":material/block:")

if suggestion.candidates:
    best = suggestion.candidates[0]
    st.markdown(f"**Best match: {best.therapist}** (score {best.score}) — "
                + "; ".join(best.reasons))
    table(pd.DataFrame([{"therapist": c.therapist, "score": c.score,
                         "why": "; ".join(c.reasons)} for c in suggestion.candidates]))
else:
    st.warning("No therapist of this location can take this booking.", icon=":material/warning:")
with st.expander(f"Not eligible ({len(suggestion.excluded)})"):
    table(pd.DataFrame([{"therapist": e.therapist,
                         "rules": ", ".join(c.replace("_", " ") for c in e.codes),
                         "why": e.reason} for e in suggestion.excluded]))

if suggestion.candidates and not suggestion.blocked:
    chosen = st.selectbox("Therapist", [c.therapist for c in suggestion.candidates],
                          key="assign_therapist")
    override, reason = False, ""
    if suggestion.warnings:
        override = st.checkbox("Override the contraindication warning", key="assign_override")
        reason = st.text_input("Reason for the override (recorded)", key="assign_reason")
    if st.button(f"Assign {chosen}", key="assign_confirm", type="primary"):
        if override and not reason.strip():
            st.error("Give a reason for the override.")
        else:
            try:
                assign_therapist(engine(), ref, chosen, username=viewer.username,
                                 override=override, override_reason=reason.strip(),
                                 allowed_location_ids=viewer.location_ids)
            except (RuleRefusal, UsageError) as exc:
                st.error(f"Not assigned: {exc}")
            else:
                st.session_state["assign_notice"] = f"{chosen} assigned to {ref}."
                st.rerun()

st.subheader("Auto-assign the day")
st.caption("Places as many open bookings as the rules allow, then maximises the total "
           "score. Bookings with contraindication warnings are left to you.")
if st.button("Preview the plan", key="auto_preview"):
    st.session_state["auto_plan"] = fresh(lambda session: plan_day(
        session, location, day, allowed_location_ids=viewer.location_ids))
plan = st.session_state.get("auto_plan")
if plan is not None and plan.location == location and plan.day == day:
    table(pd.DataFrame(plan.assignments, columns=["booking", "therapist", "score"]))
    for booking_ref, why in plan.unplaced:
        st.warning(f"{booking_ref}: {why}")
    if plan.assignments and st.button(f"Apply {len(plan.assignments)} assignments",
                                      key="auto_apply", type="primary"):
        applied = apply_plan(engine(), plan, username=viewer.username,
                             allowed_location_ids=viewer.location_ids)
        st.session_state.pop("auto_plan")
        st.session_state["assign_notice"] = f"{len(applied.assignments)} bookings assigned."
        st.rerun()
