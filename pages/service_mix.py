"""Service mix: therapeutic versus relaxation, by location, over time, by modality."""

import pandas as pd
import streamlit as st

from spaops.analytics.kpis import FORMULAS
from spaops.analytics.mix import (
    attendance,
    mix_by_location,
    mix_by_week,
    rebooking,
    revenue_by_modality,
    services_to_review,
    set_service_category,
)
from spaops.figures.mix import revenue_by_modality_figure, share_over_time
from spaops.settings import load_settings
from ui.auth import require_page
from ui.data import load, session_scope
from ui.filters import sidebar_filters
from ui.widgets import download_csv, empty_state

viewer = require_page("service_mix")
filters = sidebar_filters(viewer)
period, scope = filters.period, filters.location_ids

st.title("Service mix")
st.caption(FORMULAS["therapeutic_share"] + " Categories are the owner's call: review new "
           "services below.")
by_location = load(mix_by_location, period, location_ids=scope)
if by_location.empty:
    empty_state("No completed massages in this period for these locations.")
else:
    cards = st.columns(len(by_location))
    for card, row in zip(cards, by_location.itertuples(), strict=True):
        card.metric(row.location, "—" if pd.isna(row.share_by_count)
                    else f"{row.share_by_count:.0%} therapeutic",
                    help="By count. " + FORMULAS["therapeutic_share"])
    st.dataframe(by_location, hide_index=True, width="stretch", column_config={
        "share_by_count": st.column_config.NumberColumn(format="percent"),
        "share_by_revenue": st.column_config.NumberColumn(format="percent")})
    download_csv(by_location, "mix_by_location.csv", key="dl_mix_location")
    st.plotly_chart(share_over_time(load(mix_by_week, period, location_ids=scope)),
                    width="stretch", key="mix_weekly")
    modality = load(revenue_by_modality, period, location_ids=scope)
    st.plotly_chart(revenue_by_modality_figure(modality), width="stretch", key="mix_modality")
    download_csv(modality, "revenue_by_modality.csv", key="dl_mix_modality")

st.subheader("Coming back")
settings = load(load_settings)
returning = load(rebooking, period, location_ids=scope,
                 therapeutic_days=int(settings["cadence_therapeutic_days"]),
                 relaxation_days=int(settings["cadence_relaxation_days"]))
st.caption("A visit is rebooked on time when the client's next booking starts within "
           f"{settings['cadence_therapeutic_days']} days (therapeutic: weekly or bi-weekly) "
           f"or {settings['cadence_relaxation_days']} days (relaxation: about monthly).")
st.dataframe(returning, hide_index=True, width="stretch",
             column_config={"rebooking_rate": st.column_config.NumberColumn(format="percent")})
visits = load(attendance, period, location_ids=scope)
st.dataframe(visits, hide_index=True, width="stretch", column_config={
    "cancellation_rate": st.column_config.NumberColumn(format="percent"),
    "no_show_rate": st.column_config.NumberColumn(format="percent")})
download_csv(visits, "attendance.csv", key="dl_mix_attendance")

st.subheader("Services to review")
review = load(services_to_review)
if review.empty:
    st.success("Every service has a reviewed category.", icon=":material/done_all:")
elif not viewer.is_owner:
    st.dataframe(review.drop(columns=["id"]), hide_index=True, width="stretch")
    st.caption("Only an owner can change a category.")
else:
    edited = st.data_editor(
        review, hide_index=True, width="stretch", key="mix_review_editor",
        disabled=["id", "name", "modality", "needs_review"],
        column_config={"category": st.column_config.SelectboxColumn(
            options=["therapeutic", "relaxation", "other"], required=True)})
    changed = edited[edited["category"] != review["category"]]
    if st.button(f"Save {len(changed)} categories", key="mix_review_save",
                 disabled=changed.empty):
        with session_scope(write=True) as session:
            for row in changed.itertuples():
                set_service_category(session, int(row.id), row.category, viewer=viewer)
        st.success("Saved: the mix figures now use the new categories.")
        st.rerun()
