"""Figures of the Overview page."""

import pandas as pd
import plotly.graph_objects as go

from spaops.figures.palette import CATEGORY_COLORS, CATEGORY_ORDER, LAYOUT


def weekly_revenue_figure(weekly: pd.DataFrame) -> go.Figure:
    """Stacked weekly revenue bars, one trace per service category, in a fixed order."""
    figure = go.Figure()
    for category in CATEGORY_ORDER:
        part = weekly[weekly["category"] == category]
        figure.add_trace(
            go.Bar(
                x=part["week"],
                y=part["revenue"],
                name=category.capitalize(),
                marker_color=CATEGORY_COLORS[category],
                hovertemplate="Week of %{x|%b %d}: $%{y:,.0f}<extra>" + category + "</extra>",
            )
        )
    figure.update_layout(
        **LAYOUT,
        barmode="stack",
        title="Weekly revenue by category",
        xaxis_title="Week starting",
        yaxis_title="Revenue (USD)",
        yaxis_tickprefix="$",
    )
    return figure


def arrivals_figure(arrivals: pd.DataFrame) -> go.Figure:
    """Bookings per week, imported versus the rest, so staff see their uploads land."""
    figure = go.Figure()
    for source, color in (("imported", "#0072B2"), ("entered or seeded", "#999999")):
        part = arrivals[arrivals["source"] == source]
        figure.add_trace(go.Bar(x=part["week"], y=part["bookings"], name=source.capitalize(),
                                marker_color=color))
    figure.update_layout(**LAYOUT, barmode="stack", title="Bookings per week by source",
                         xaxis_title="Week starting", yaxis_title="Bookings")
    return figure
