"""Overview: the chain's headline figures, each location, and the weekly revenue trend."""

import streamlit as st

from spaops import clock
from spaops.analytics.kpis import FORMULAS, as_read, chain_figures, location_figures
from spaops.figures.overview import weekly_revenue_figure
from ui.actions import prefetch_actions
from ui.auth import require_page
from ui.filters import sidebar_filters
from ui.navigation import pages_for
from ui.overview import load_alerts, load_progress, load_sums, load_weekly
from ui.setup import setup_guide
from ui.widgets import chart, delta_text, download_csv, empty_state, money, percent, table

viewer = require_page("overview")
progress = load_progress(viewer.location_ids)
if progress.needs_guide:  # an empty chain: the setup steps instead of empty charts
    st.title("Overview")
    setup_guide(progress, viewer)
    st.stop()

filters = sidebar_filters(viewer)
period, scope = filters.period, filters.location_ids

st.title("Overview")
st.caption(f"{period.start:%b %d, %Y} – {period.end:%b %d, %Y} · "
           f"{', '.join(filters.location_names) or 'no locations'}")

sums, sums_before = load_sums(period, scope)
now, before = chain_figures(sums), chain_figures(sums_before)
if now["bookings"] == 0:
    empty_state("No bookings in this period for these locations.")

# A period still to come has nothing completed yet: no "-100%" against the one before.
upcoming = period.still_to_come(clock.today())
if upcoming:
    st.caption("A period still to come: revenue and completed bookings count once the "
               "bookings are done; utilisation is what is booked so far.")
cards = st.columns(4)
cards[0].metric("Revenue", money(now["revenue"]),
                None if upcoming else delta_text(now["revenue"], before["revenue"]),
                help=FORMULAS["revenue"])
cards[1].metric("Completed bookings", f"{now['completed']:,}",
                None if upcoming else delta_text(now["completed"], before["completed"]),
                help=FORMULAS["completed"])
cards[2].metric("Utilisation", percent(now["utilisation"]),
                None if upcoming else delta_text(now["utilisation"], before["utilisation"],
                                                 as_points=True),
                help=FORMULAS["utilisation"])
cards[3].metric("Therapeutic share", percent(now["therapeutic_share"]),
                delta_text(now["therapeutic_share"], before["therapeutic_share"], as_points=True),
                help=FORMULAS["therapeutic_share"])

alerts = load_alerts(period, scope)
with st.expander(f"Alerts ({len(alerts)})", expanded=bool(alerts), icon=":material/notifications:"):
    if not alerts:
        st.success("Nothing needs attention: licenses valid, utilisation in band, prices "
                   "within their market bands.")
    for alert in alerts:
        (st.error if alert.severity == "error" else st.warning)(alert.message)

st.subheader("Locations")
locations = as_read(location_figures(sums))  # the cards' sums: one query, not two
table(locations)
download_csv(locations, f"locations_{period.start}_{period.end}.csv",
             key="dl_overview_locations")

weekly = load_weekly(period, scope)
if weekly.empty:
    empty_state("Revenue is charted week by week once bookings are completed."
                if upcoming else "No completed bookings to chart yet.", import_hint=not upcoming)
else:
    chart(weekly_revenue_figure, weekly, period.start, period.end, key="overview_weekly")

# The slowest page to open, worked out while this one is drawn. Started once this page has
# been sent: started before its widgets, it slowed the sign-in to Overview (median of five
# probes 1.44 s against 1.10 s) more than it sped the Actions page.
if "actions" in pages_for(viewer.role):
    prefetch_actions(period, scope)
