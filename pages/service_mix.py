"""Service mix: therapeutic versus relaxation, by location, over time, by modality."""

from functools import partial

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
)
from spaops.figures.mix import revenue_by_modality_figure, share_over_time
from spaops.settings import load_settings
from ui.auth import require_page
from ui.data import load, prefetch
from ui.filters import sidebar_filters
from ui.service_mix import coming_back, review_categories
from ui.widgets import (
    chart,
    download_csv,
    no_completed_massages,
    open_section,
    show_saved,
    table,
)

viewer = require_page("service_mix")
filters = sidebar_filters(viewer)
period, scope = filters.period, filters.location_ids

st.title("Service mix")
show_saved()
st.caption(FORMULAS["therapeutic_share"] + " Categories are the owner's call: new services "
           "wait under **Services to review**.")
by_location = load(mix_by_location, period, location_ids=scope)
review = load(services_to_review)
if by_location.empty:
    no_completed_massages(period)
else:
    st.markdown("**Therapeutic share of completed massages, by count**")
    cards = st.columns(max(len(by_location), 4))
    for card, row in zip(cards, by_location.itertuples(), strict=False):
        card.metric(row.location, "—" if pd.isna(row.share_by_count)
                    else f"{row.share_by_count:.0%}",
                    help="Therapeutic share by count. " + FORMULAS["therapeutic_share"])
    table(by_location)
    download_csv(by_location, "mix_by_location.csv", key="dl_mix_location")
if len(review):
    st.info(f"{len(review)} service{'s' if len(review) != 1 else ''} to review: "
            "**Services to review** below.", icon=":material/rule:")

settings = load(load_settings)
cadences = {"therapeutic_days": int(settings["cadence_therapeutic_days"]),
            "relaxation_days": int(settings["cadence_relaxation_days"])}
# One section drawn at a time: the others' figures wait for a click.
section, panel = open_section(("Week by week", "By modality", "Coming back",
                               "Services to review"), key="mix_section")
with panel:
    if section == "Week by week":
        chart(share_over_time, load(mix_by_week, period, location_ids=scope), period.start,
              period.end, key="mix_weekly")
    elif section == "By modality":
        modality = load(revenue_by_modality, period, location_ids=scope)
        chart(revenue_by_modality_figure, modality, key="mix_modality")
        download_csv(modality, "revenue_by_modality.csv", key="dl_mix_modality")
    elif section == "Coming back":
        coming_back(period, scope, cadences)
    else:
        review_categories(viewer, review)

# Every section's figures, worked out once this page has been sent: a click finds them.
prefetch("service_mix", [partial(load, mix_by_week, period, location_ids=scope),
                         partial(load, revenue_by_modality, period, location_ids=scope),
                         partial(load, rebooking, period, location_ids=scope, **cadences),
                         partial(load, attendance, period, location_ids=scope)],
         key=(period.start, period.end, scope))
