"""Sections of the Service mix page: clients coming back, and the services to review."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from spaops.analytics.mix import attendance, rebooking, set_service_category
from spaops.analytics.report import Period
from spaops.auth import Viewer
from ui.data import load, session_scope
from ui.widgets import column_config, download_csv, saved_then_rerun, table, table_height


def coming_back(period: Period, scope: tuple[int, ...], cadences: dict[str, int]) -> None:
    """Rebooked on time per category (within each one's cadence, in days), and attendance
    (completed, cancelled, no-show)."""
    st.caption("A visit is rebooked on time when the client's next booking starts within "
               f"{cadences['therapeutic_days']} days (therapeutic: weekly or bi-weekly) or "
               f"{cadences['relaxation_days']} days (relaxation: about monthly).")
    table(load(rebooking, period, location_ids=scope, **cadences))
    visits = load(attendance, period, location_ids=scope)
    table(visits)
    download_csv(visits, "attendance.csv", key="dl_mix_attendance")


def review_categories(viewer: Viewer, review: pd.DataFrame) -> None:
    """New services with a guessed category: the owner confirms or changes each."""
    if review.empty:
        st.success("Every service has a reviewed category.", icon=":material/done_all:")
        return
    if not viewer.is_owner:
        table(review, labels={"name": "Service"})
        st.caption("Only an owner can change a category.")
        return
    edited = st.data_editor(
        review.assign(modality=review["modality"].str.replace("_", " ")), hide_index=True,
        width="stretch", height=table_height(review), key="mix_review_editor",
        disabled=["id", "name", "modality", "needs_review"],
        column_config=column_config(review, {"name": "Service"}) | {
            "category": st.column_config.SelectboxColumn(
                "Category", options=["therapeutic", "relaxation", "other"], required=True)})
    changed = edited[edited["category"] != review["category"]]
    if st.button(f"Save {len(changed)} categor{'y' if len(changed) == 1 else 'ies'}",
                 key="mix_review_save", disabled=changed.empty):
        with session_scope(write=True) as session:
            for row in changed.itertuples():
                set_service_category(session, int(row.id), row.category, viewer=viewer)
        saved_then_rerun("Saved: the mix figures now use the new categories.")
