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
from ui.widgets import (
    chart,
    column_config,
    download_csv,
    empty_state,
    saved_then_rerun,
    show_saved,
    table,
)

viewer = require_page("service_mix")
filters = sidebar_filters(viewer)
period, scope = filters.period, filters.location_ids

st.title("Service mix")
show_saved()
st.caption(FORMULAS["therapeutic_share"] + " Categories are the owner's call: review new "
           "services below.")
by_location = load(mix_by_location, period, location_ids=scope)
if by_location.empty:
    empty_state("No completed massages in this period for these locations.")
else:
    st.markdown("**Therapeutic share of completed massages, by count**")
    cards = st.columns(max(len(by_location), 4))
    for card, row in zip(cards, by_location.itertuples(), strict=False):
        card.metric(row.location, "—" if pd.isna(row.share_by_count)
                    else f"{row.share_by_count:.0%}",
                    help="Therapeutic share by count. " + FORMULAS["therapeutic_share"])
    table(by_location)
    download_csv(by_location, "mix_by_location.csv", key="dl_mix_location")
    chart(share_over_time, load(mix_by_week, period, location_ids=scope), period.start,
          period.end, key="mix_weekly")
    modality = load(revenue_by_modality, period, location_ids=scope)
    chart(revenue_by_modality_figure, modality, key="mix_modality")
    download_csv(modality, "revenue_by_modality.csv", key="dl_mix_modality")

st.subheader("Coming back")
settings = load(load_settings)
returning = load(rebooking, period, location_ids=scope,
                 therapeutic_days=int(settings["cadence_therapeutic_days"]),
                 relaxation_days=int(settings["cadence_relaxation_days"]))
st.caption("A visit is rebooked on time when the client's next booking starts within "
           f"{settings['cadence_therapeutic_days']} days (therapeutic: weekly or bi-weekly) "
           f"or {settings['cadence_relaxation_days']} days (relaxation: about monthly).")
table(returning)
visits = load(attendance, period, location_ids=scope)
table(visits)
download_csv(visits, "attendance.csv", key="dl_mix_attendance")

st.subheader("Services to review")
review = load(services_to_review)
if review.empty:
    st.success("Every service has a reviewed category.", icon=":material/done_all:")
elif not viewer.is_owner:
    table(review, labels={"name": "Service"})
    st.caption("Only an owner can change a category.")
else:
    edited = st.data_editor(
        review.assign(modality=review["modality"].str.replace("_", " ")), hide_index=True,
        width="stretch", key="mix_review_editor",
        disabled=["id", "name", "modality", "needs_review"],
        column_config=column_config(review, {"name": "Service"}) | {
            "category": st.column_config.SelectboxColumn(
                "Category", options=["therapeutic", "relaxation", "other"], required=True)})
    changed = edited[edited["category"] != review["category"]]
    if st.button(f"Save {len(changed)} categories", key="mix_review_save",
                 disabled=changed.empty):
        with session_scope(write=True) as session:
            for row in changed.itertuples():
                set_service_category(session, int(row.id), row.category, viewer=viewer)
        saved_then_rerun("Saved: the mix figures now use the new categories.")
