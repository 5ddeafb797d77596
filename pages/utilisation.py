"""Utilisation: therapists and locations against the target band, busy hours, rooms."""

from functools import partial

import streamlit as st

from spaops.analytics.kpis import FORMULAS, kpi_table
from spaops.analytics.utilisation import (
    band_status,
    room_utilisation,
    therapist_utilisation,
    weekday_hour_grid,
    weekly_utilisation,
)
from spaops.figures.utilisation import (
    room_figure,
    utilisation_bars,
    utilisation_histogram,
    weekday_hour_heatmap,
    weekly_utilisation_figure,
)
from spaops.settings import load_settings
from ui.auth import require_page
from ui.data import load, prefetch
from ui.filters import sidebar_filters
from ui.widgets import chart, download_csv, empty_state, kept, open_section, percent, table

BARS_UP_TO = 40  # therapists drawn one bar each; a larger roster is drawn as a spread

viewer = require_page("utilisation")
filters = sidebar_filters(viewer)
period, scope = filters.period, filters.location_ids
settings = load(load_settings)
low, high = settings["utilisation_target_low"], settings["utilisation_target_high"]
burnout = settings["utilisation_burnout"]

st.title("Utilisation")
st.caption(f"Target band {low:.0%}-{high:.0%}; above {burnout:.0%} is a burnout and quality "
           "risk, below the band is paid idle time. " + FORMULAS["utilisation"])

locations = load(kpi_table, period, location_ids=scope)
if locations["scheduled_minutes"].sum() == 0:
    empty_state("No shifts in this period for these locations: import shifts first.")
    st.stop()
cards = st.columns(len(locations) or 1)
for card, row in zip(cards, locations.itertuples(), strict=False):
    card.metric(row.location, percent(row.utilisation),
                band_status(row.utilisation, low, high, burnout), delta_color="off",
                delta_arrow="off", help=FORMULAS["utilisation"])
chart(utilisation_bars, locations, "location", low, high, burnout,
      "Locations against the target band", key="util_locations")

# One section drawn at a time: the others' figures wait for a click.
section, panel = open_section(("Therapists", "Busy hours", "Treatment rooms"),
                              key="util_section")
with panel:
    if section == "Therapists":
        therapists = load(therapist_utilisation, period, location_ids=scope)
        therapists = therapists[therapists["scheduled_minutes"] > 0]
        therapists.insert(therapists.columns.get_loc("utilisation") + 1, "status",
                          [band_status(u, low, high, burnout) for u in therapists["utilisation"]])
        if len(therapists) > BARS_UP_TO and not st.toggle(
                f"Show a bar for each of the {len(therapists)} therapists",
                key=kept("util_every_bar")):
            chart(utilisation_histogram, therapists, low, high, burnout,
                  "How many therapists sit where", key="util_therapists_spread")
        else:
            chart(utilisation_bars, therapists, "therapist", low, high, burnout,
                  "Therapists against the target band", key="util_therapists")
        table(therapists, labels={"status": "Against the band"})
        download_csv(therapists, "therapist_utilisation.csv", key="dl_util_therapists")
    elif section == "Busy hours":
        chart(weekday_hour_heatmap, load(weekday_hour_grid, period, location_ids=scope),
              key="util_heatmap")
        weekly = load(weekly_utilisation, period, location_ids=scope)
        chart(weekly_utilisation_figure, weekly, low, high, period.start, period.end,
              key="util_weekly")
    else:
        st.caption("Room utilisation = booked treatment minutes / (rooms x opening minutes x "
                   "days). RevPATH = completed revenue / (rooms x opening hours x days) = room "
                   "utilisation x average rate per treatment hour. Typical spas see 40-60%.")
        rooms = load(room_utilisation, period, location_ids=scope)
        chart(room_figure, rooms, key="util_rooms")
        table(rooms)
        download_csv(rooms, "room_utilisation.csv", key="dl_util_rooms")

# Every section's figures, worked out once this page has been sent: a click finds them.
prefetch("utilisation", [partial(load, fn, period, location_ids=scope) for fn in (
    therapist_utilisation, weekday_hour_grid, weekly_utilisation, room_utilisation)],
         key=(period.start, period.end, scope))
