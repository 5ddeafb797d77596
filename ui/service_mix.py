"""Sections of the Service mix page: clients coming back, and the services to review."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from spaops.analytics.mix import attendance, rebooking, set_service_category
from spaops.analytics.report import Period
from spaops.auth import Viewer
from spaops.display import in_words
from ui.data import load, session_scope
from ui.widgets import MISSING, column_config, download_csv, saved_then_rerun, table, table_height


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


def _in_words(review: pd.DataFrame) -> pd.DataFrame:
    """The review list for the editor, as `table` would show it: "Deep tissue", a dash for
    no modality (the editor takes the frame as it is)."""
    return review.assign(modality=review["modality"].map(partial(in_words, "modality"))
                         .fillna(MISSING))


def review_categories(viewer: Viewer, review: pd.DataFrame) -> None:
    """New services with a guessed category: the owner confirms or changes each."""
    if review.empty:
        st.success("Every service has a reviewed category.", icon=":material/done_all:")
        return
    if not viewer.is_owner:
        table(review, labels={"name": "Service"})
        st.caption("Only an owner can change a category.")
        return
    st.caption("Each category was guessed from the service's name. Change the ones that "
               "are wrong, then confirm the list: a confirmed service leaves it.")
    edited = st.data_editor(
        _in_words(review), hide_index=True,
        width="stretch", height=table_height(review), key="mix_review_editor",
        disabled=["id", "name", "modality", "needs_review"],
        column_config=column_config(review, {"name": "Service"}) | {
            "category": st.column_config.SelectboxColumn(
                "Category", options=["therapeutic", "relaxation", "other"], required=True,
                format_func=partial(in_words, "category"))})
    n = len(edited)
    if st.button(f"Confirm {'this category' if n == 1 else f'these {n} categories'}",
                 key="mix_review_save", type="primary"):
        with session_scope(write=True) as session:
            for row in edited.itertuples():
                set_service_category(session, int(row.id), row.category, viewer=viewer)
        changed = int((edited["category"] != review["category"]).sum())
        saved_then_rerun(f"Confirmed {n} categor{'y' if n == 1 else 'ies'} ({changed} "
                         "changed): the mix figures use them.")
