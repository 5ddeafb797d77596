"""Figures of the Overview page."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from spaops.figures.palette import CATEGORY_COLORS, CATEGORY_ORDER, LAYOUT
from spaops.figures.periods import (
    PARTIAL_OPACITY,
    PARTIAL_PATTERN,
    add_note,
    date_axis,
    days_covered,
    no_data,
    partial_note,
    partial_weeks,
)


def weekly_revenue_figure(weekly: pd.DataFrame, start: date | None = None,
                          end: date | None = None) -> go.Figure:
    """Stacked weekly revenue bars by category; weeks start..end covers only in part are
    drawn lighter and hatched, and named under the chart."""
    figure = go.Figure()
    for category in CATEGORY_ORDER:
        part = weekly[weekly["category"] == category]
        partial = partial_weeks(part["week"], start, end)
        days = [days_covered(w, start, end) if start and end else 7 for w in part["week"]]
        figure.add_trace(
            go.Bar(
                x=part["week"],
                y=part["revenue"],
                name=category.capitalize(),
                marker={"color": CATEGORY_COLORS[category],
                        "opacity": [PARTIAL_OPACITY if p else 1.0 for p in partial],
                        "pattern": {"shape": [PARTIAL_PATTERN if p else "" for p in partial]}},
                customdata=[f" (partial: {d} of 7 days)" if p else ""
                            for p, d in zip(partial, days, strict=True)],
                hovertemplate="Week of %{x|%b %d}%{customdata}: $%{y:,.0f}<extra>"
                              + category + "</extra>",
            )
        )
    figure.update_layout(
        **LAYOUT,
        barmode="stack",
        showlegend=True,  # named even when one category has all the revenue
        title="Weekly revenue by category",
        xaxis_title="Week starting (Monday)",
        yaxis_title="Revenue (USD)",
        yaxis_tickprefix="$",
    )
    if weekly.empty:
        return no_data(figure, "No completed bookings in this period.")
    date_axis(figure, weekly["week"])
    add_note(figure, partial_note(weekly["week"], start, end, marked="Lighter, hatched bars"))
    return figure


def arrivals_figure(arrivals: pd.DataFrame) -> go.Figure:
    """Bookings per week, imported versus the rest, so staff see their uploads land."""
    figure = go.Figure()
    for source, color in (("imported", "#0072B2"), ("entered or seeded", "#999999")):
        part = arrivals[arrivals["source"] == source]
        figure.add_trace(go.Bar(x=part["week"], y=part["bookings"], name=source.capitalize(),
                                marker_color=color))
    # The legend names the grey even before the first import (plotly draws no legend when
    # only one trace has bars).
    figure.update_layout(**LAYOUT, barmode="stack", title="Bookings per week by source",
                         xaxis_title="Week starting (Monday)", yaxis_title="Bookings",
                         showlegend=True)
    if arrivals.empty:
        return no_data(figure, "No bookings in the last twelve weeks.")
    date_axis(figure, arrivals["week"])
    return figure
