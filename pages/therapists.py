"""Therapists: the roster with licenses and credentials, their load, and the edit form."""

from functools import partial

import streamlit as st

from spaops import clock
from spaops.analytics.kpis import locations_in_scope
from spaops.analytics.utilisation import hands_on_per_day, therapist_utilisation
from spaops.figures.therapists import hands_on_figure
from spaops.roster import roster
from spaops.settings import load_settings
from ui.auth import require_page
from ui.data import load, prefetch
from ui.filters import sidebar_filters
from ui.therapist_form import therapist_form
from ui.widgets import chart, download_csv, empty_state, open_section, show_saved, table

viewer = require_page("therapists")
filters = sidebar_filters(viewer)
period, scope = filters.period, filters.location_ids
settings = load(load_settings)

st.title("Therapists")
show_saved()
people = load(roster, clock.today(), warning_days=int(settings["expiry_warning_days"]),
              location_ids=scope)
if people.empty:
    empty_state("No therapists yet: add one under **Add or edit a therapist**, or import a "
                "roster.", import_hint=False)
else:
    counts = people["license_status"].value_counts()
    cards = st.columns(3)
    cards[0].metric("Therapists", f"{len(people)}")
    cards[1].metric("Licenses expiring", f"{counts.get('expiring', 0)}",
                    help=f"LMT licenses expiring within {settings['expiry_warning_days']} days.")
    unlicensed = counts.get("expired", 0) + counts.get("no license on file", 0)
    cards[2].metric("Not licensed", f"{unlicensed}",
                    help="Expired or missing LMT license: not eligible for any massage.")

# One section drawn at a time: the others' figures wait for a click.
section, panel = open_section(("Roster", "Load and revenue", "Hands-on time",
                               "Add or edit a therapist"), key="therapists_section")
with panel:
    if section == "Roster":
        if not people.empty:
            table(people)
            download_csv(people, "roster.csv", key="dl_roster")
    elif section == "Load and revenue":
        load_table = load(therapist_utilisation, period, location_ids=scope)
        table(load_table)
        download_csv(load_table, "therapist_load.csv", key="dl_therapist_load")
    elif section == "Hands-on time":
        daily = load(hands_on_per_day, period, location_ids=scope)
        cap = int(settings["daily_cap_min"])
        if daily.empty:
            empty_state("No hands-on time booked in this period.")
        else:
            chart(hands_on_figure, daily, cap, key="therapists_hands_on")
            over = daily[daily["minutes"] > cap]
            if len(over):
                st.warning(f"{len(over)} therapist-days went over the daily cap of {cap} "
                           "minutes.")
            else:
                st.caption(f"No therapist-day went over the daily cap of {cap} minutes.")
    else:
        therapist_form(viewer, people, load(locations_in_scope, location_ids=viewer.location_ids))

# Every section's figures, worked out once this page has been sent: a click finds them.
prefetch("therapists", [partial(load, fn, period, location_ids=scope)
                        for fn in (therapist_utilisation, hands_on_per_day)],
         key=(period.start, period.end, scope))
