"""The Assign page's panels: one booking's ranked candidates with their reasons and the
assign button, and the whole day's plan from the solver."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from spaops.auth import Viewer
from spaops.autoassign import apply_plan, plan_day
from spaops.errors import RuleRefusal, UsageError
from spaops.figures.timeline import timeline_figure
from spaops.matching import assign_therapist, suggest_therapists
from spaops.schedule import therapists_page
from ui.data import engine, fresh
from ui.widgets import chart, table

TIMELINE_ROWS = 25  # therapists drawn at once on the day's timeline; more are paged


def day_chart(timeline: pd.DataFrame, key: str) -> None:
    """The day by therapist, TIMELINE_ROWS therapists at a time on a busy location."""
    therapists = timeline["therapist"].nunique()
    page, pages = 1, -(-therapists // TIMELINE_ROWS)
    if pages > 1:
        caption = st.empty()
        page = st.pagination(pages, key=key)
        first, last = (page - 1) * TIMELINE_ROWS + 1, min(page * TIMELINE_ROWS, therapists)
        caption.caption(f"Therapists {first}-{last} of {therapists} on the day, by name.")
    chart(timeline_figure, therapists_page(timeline, page, TIMELINE_ROWS),
          key="assign_timeline")


def candidates_panel(viewer: Viewer, ref: str, label: str) -> None:
    """Who may take this booking (`label`: its time, service and id), best first and why;
    who may not and why; assign one."""
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
        st.warning("No therapist of this location can take this booking.",
                   icon=":material/warning:")
    with st.expander(f"Not eligible ({len(suggestion.excluded)})"):
        table(pd.DataFrame([{"therapist": e.therapist,
                             "rules": ", ".join(c.replace("_", " ") for c in e.codes),
                             "why": e.reason} for e in suggestion.excluded]))

    if suggestion.candidates and not suggestion.blocked:
        # Keyed by booking: another booking starts at its own best match, never at the
        # therapist picked for the last one.
        chosen = st.selectbox("Therapist", [c.therapist for c in suggestion.candidates],
                              key=f"assign_therapist_{ref}")
        override, reason = False, ""
        if suggestion.warnings:
            override = st.checkbox("Override the contraindication warning",
                                   key=f"assign_override_{ref}")
            reason = st.text_input("Reason for the override (recorded)", key=f"assign_reason_{ref}")
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
                    st.session_state["assign_notice"] = f"{chosen} assigned to {label}."
                    st.rerun()


def auto_assign_panel(viewer: Viewer, location: str, day: date,
                      labels: dict[str, str]) -> None:
    """Preview the solver's plan for the day, then apply it (each assignment re-checked);
    `labels` name the open bookings by time, service and id."""
    st.subheader("Auto-assign the day")
    st.caption("Places as many open bookings as the rules allow, then maximises the total "
               "score. Bookings with contraindication warnings are left to you.")
    if st.button("Preview the plan", key="auto_preview"):
        st.session_state["auto_plan"] = fresh(lambda session: plan_day(
            session, location, day, allowed_location_ids=viewer.location_ids))
    plan = st.session_state.get("auto_plan")
    if plan is not None and plan.location == location and plan.day == day:
        st.caption("The best plan there is: no other places more bookings, or places as "
                   "many with better matches." if plan.optimal else "The best plan found in "
                   "the time allowed; the solver could not prove that none is better.")
        table(pd.DataFrame([(labels.get(ref, ref), therapist, score)
                            for ref, therapist, score in plan.assignments],
                           columns=["booking", "therapist", "score"]))
        for booking_ref, why in plan.unplaced:
            st.warning(f"{labels.get(booking_ref, booking_ref)}: {why}")
        if plan.assignments and st.button(f"Apply {len(plan.assignments)} assignments",
                                          key="auto_apply", type="primary"):
            applied = apply_plan(engine(), plan, username=viewer.username,
                                 allowed_location_ids=viewer.location_ids)
            st.session_state.pop("auto_plan")
            st.session_state["assign_notice"] = f"{len(applied.assignments)} bookings assigned."
            st.rerun()
