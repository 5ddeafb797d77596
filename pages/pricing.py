"""Pricing: price per 60 minutes of each service at each location against its market band."""

import streamlit as st

from spaops.analytics.kpis import chain_figures, kpi_sums
from spaops.analytics.pricing import market_bands, price_bands, save_market_band
from spaops.display import field, shown_frame
from spaops.figures.pricing import price_band_figure
from ui.auth import require_page
from ui.data import load, session_scope
from ui.filters import sidebar_filters
from ui.widgets import (
    chart,
    column_config,
    download_csv,
    money,
    no_completed_massages,
    saved_then_rerun,
    show_saved,
    table,
    table_height,
)

viewer = require_page("pricing")
filters = sidebar_filters(viewer)
period, scope = filters.period, filters.location_ids

st.title("Pricing")
show_saved()
st.caption("Price per 60 minutes = price x 60 / minutes, compared with the band of the "
           "location's market tier and the service's family. Below the band is money left "
           "on the table; above it risks volume.")
chain = chain_figures(load(kpi_sums, period, location_ids=scope))
cards = st.columns(4)
for card, name in zip(cards, ("below_band", "within_band", "above_band"), strict=False):
    card.metric(field(name).label, f"{chain[name]:,}", help=field(name).help)
cards[3].metric(field("below_band_gap").label, money(chain["below_band_gap"]),
                help=field("below_band_gap").help)

bands = load(price_bands, period, location_ids=scope)
if bands.empty:
    no_completed_massages(period)
else:
    chart(price_band_figure, bands, key="pricing_bands")
    table(bands)
    download_csv(bands, "price_bands.csv", key="dl_pricing_bands")

st.subheader("Market bands")
bands_table = load(market_bands)
if viewer.is_owner:
    shown_bands = shown_frame(bands_table)  # "Urban / high-end", "Relaxation"
    edited = st.data_editor(shown_bands, hide_index=True, width="stretch", key="bands_editor",
                            height=table_height(shown_bands),
                            disabled=["tier", "category"],
                            column_config=column_config(bands_table) | {
                                name: st.column_config.NumberColumn(
                                    field(name).label, help=field(name).help, format="dollar",
                                    min_value=1)
                                for name in ("low", "high")})
    if st.button("Save bands", key="bands_save"):
        try:
            with session_scope(write=True) as session:
                for band, row in zip(bands_table.itertuples(), edited.itertuples(),
                                     strict=True):  # the same rows: none added or removed
                    save_market_band(session, band.tier, band.category, float(row.low),
                                     float(row.high), str(row.source), viewer=viewer)
        except ValueError as exc:
            st.error(f"Not saved: {exc}")
        else:
            saved_then_rerun("Bands saved.")
else:
    table(bands_table)
download_csv(bands_table, "market_bands.csv", key="dl_market_bands")
