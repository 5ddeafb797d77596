"""Pricing: price per 60 minutes of each service at each location against its market band."""

import streamlit as st

from spaops.analytics.kpis import FORMULAS, chain_figures, kpi_sums
from spaops.analytics.pricing import market_bands, price_bands, save_market_band
from spaops.figures.pricing import price_band_figure
from ui.auth import require_page
from ui.data import load, session_scope
from ui.filters import sidebar_filters
from ui.widgets import download_csv, empty_state, money

viewer = require_page("pricing")
filters = sidebar_filters(viewer)
period, scope = filters.period, filters.location_ids

st.title("Pricing")
st.caption("Price per 60 minutes = price x 60 / minutes, compared with the band of the "
           "location's market tier and the service's family. Below the band is money left "
           "on the table; above it risks volume.")
chain = chain_figures(load(kpi_sums, period, location_ids=scope))
cards = st.columns(4)
cards[0].metric("Below band", f"{chain['below_band']:,}", help="Completed massages priced "
                "under the band's floor.")
cards[1].metric("Within band", f"{chain['within_band']:,}")
cards[2].metric("Above band", f"{chain['above_band']:,}")
cards[3].metric("Below-band gap", money(chain["below_band_gap"]),
                help=FORMULAS["below_band_gap"])

bands = load(price_bands, period, location_ids=scope)
if bands.empty:
    empty_state("No completed massages in this period for these locations.")
else:
    st.plotly_chart(price_band_figure(bands), width="stretch", key="pricing_bands")
    st.dataframe(bands, hide_index=True, width="stretch", column_config={
        "price_60": st.column_config.NumberColumn("Price / 60 min", format="dollar"),
        "below_band_gap": st.column_config.NumberColumn("Gap", format="dollar")})
    download_csv(bands, "price_bands.csv", key="dl_pricing_bands")

st.subheader("Market bands")
table = load(market_bands)
if viewer.is_owner:
    edited = st.data_editor(table, hide_index=True, width="stretch", key="bands_editor",
                            disabled=["tier", "category"],
                            column_config={"low": st.column_config.NumberColumn(
                                format="dollar", min_value=1),
                                "high": st.column_config.NumberColumn(
                                format="dollar", min_value=1)})
    if st.button("Save bands", key="bands_save"):
        try:
            with session_scope(write=True) as session:
                for row in edited.itertuples():
                    save_market_band(session, row.tier, row.category, float(row.low),
                                     float(row.high), str(row.source), viewer=viewer)
        except ValueError as exc:
            st.error(f"Not saved: {exc}")
        else:
            st.success("Bands saved.")
            st.rerun()
else:
    st.dataframe(table, hide_index=True, width="stretch")
download_csv(table, "market_bands.csv", key="dl_market_bands")
