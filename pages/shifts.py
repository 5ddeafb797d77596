"""Rota: a location's week of shifts, edited in place, checked, saved with an audit trail."""

from datetime import timedelta

import streamlit as st

from spaops import clock
from spaops.analytics.kpis import locations_in_scope
from spaops.figures.rota import cover_figure
from spaops.rota import (
    RotaRefused,
    apply_edits,
    cell_edits,
    copy_last_week,
    cover_by_hour,
    day_label,
    license_warnings,
    load_week,
    opening_hours,
    recent_changes,
    review_edits,
    week_hours,
    week_start,
)
from ui.auth import require_page
from ui.data import fresh, load, session_scope
from ui.filters import one_location
from ui.rota import copy_messages, grid_columns, grid_key, reset_grid, show_review
from ui.widgets import chart, download_csv, empty_state, table, table_height

viewer = require_page("shifts")
scope = viewer.location_ids
st.title("Rota")
locations = load(locations_in_scope, location_ids=scope)
if locations.empty:
    empty_state("No locations yet.")
    st.stop()
left, right = st.columns(2)
location = one_location(locations["location"].tolist(), key="rota_location", where=left)
picked = right.date_input("Week of", value=week_start(clock.today()), key="rota_week",
                          format="YYYY-MM-DD", help="Any day of the week; it starts on Monday.")
monday = week_start(picked)
location_id = int(locations.loc[locations["location"] == location, "location_id"].iloc[0])
st.caption(f"Week of {day_label(monday)} to {day_label(monday + timedelta(days=6))} "
           f"{monday + timedelta(days=6):%Y} at {location}.")

if notice := st.session_state.pop("rota_notice", None):
    st.success(notice, icon=":material/task_alt:")
for warning in st.session_state.pop("rota_copy_warnings", []):
    st.warning(warning, icon=":material/warning:")

if st.button("Copy last week", key="rota_copy", icon=":material/content_copy:",
             help="Copies last week's shifts here into the days that are still empty."):
    with session_scope(write=True) as session:
        copied = copy_last_week(session, location_id, monday, username=viewer.username,
                                allowed_location_ids=scope)
    st.session_state["rota_notice"], st.session_state["rota_copy_warnings"] = copy_messages(
        copied, monday)
    reset_grid()
    st.rerun()

grid = fresh(lambda s: load_week(s, location_id, monday, allowed_location_ids=scope))
if grid.empty:
    empty_state(f"No therapists at {location} yet: upload the roster (therapists file) on "
                "the **Import** page, then plan the week here.", import_hint=False)
else:
    for note in fresh(lambda s: license_warnings(s, location_id, monday)):
        st.warning(note, icon=":material/badge:")
    st.caption("Type a shift such as 09:00-17:00, 9-17 or 9am-5pm; clear a cell for a day off.")
    edited = st.data_editor(grid, key=grid_key(location_id, monday), hide_index=True,
                            num_rows="fixed", width="stretch", height=table_height(grid),
                            column_config=grid_columns(monday))
    edits = cell_edits(grid, edited, monday)
    if edits:
        st.subheader(f"Unsaved changes ({len(edits)})")
        review = fresh(lambda s: review_edits(s, location_id, edits, allowed_location_ids=scope))
        show_review(review)
        planned = grid[["Therapist"]].assign(Hours=week_hours(edited))
        changed = planned["Hours"] != grid["Hours"]
        if changed.any():
            st.caption("Hours this week after the changes: " + ", ".join(
                f"{r.Therapist} {r.Hours:g} h" for r in planned[changed].itertuples()))
        if st.button("Save changes", key="rota_save", type="primary", icon=":material/save:"):
            try:
                with session_scope(write=True) as session:
                    saved = apply_edits(session, location_id, edits, username=viewer.username,
                                        allowed_location_ids=scope)
            except RotaRefused as exc:
                st.error(f"Nothing saved: fix the problems listed above ({len(exc.problems)}).")
            else:
                st.session_state["rota_notice"] = (
                    f"Saved {len(saved)} change{'' if len(saved) == 1 else 's'} to the rota.")
                reset_grid()
                st.rerun()

    opens, closes = fresh(lambda s: opening_hours(s, location_id))
    closing_hour = closes.hour + (closes.minute > 0)
    chart(cover_figure, cover_by_hour(grid), opens.hour, closing_hour, key="rota_cover")

st.subheader("Recent changes")
audit = fresh(lambda s: recent_changes(s, location_id, allowed_location_ids=scope))
if audit.empty:
    st.caption("No one has changed this location's rota here yet.")
else:
    table(audit)
    download_csv(audit, f"rota_changes_{location}.csv", key="dl_rota_changes")
