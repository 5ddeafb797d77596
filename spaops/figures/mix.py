"""Figures of the Service mix page."""

import pandas as pd
import plotly.graph_objects as go

from spaops.figures.palette import CATEGORY_COLORS, CATEGORY_ORDER, LAYOUT


def share_over_time(weekly: pd.DataFrame) -> go.Figure:
    """Therapeutic share of completed massages per week, one line per location."""
    figure = go.Figure()
    for location, part in weekly.groupby("location"):
        figure.add_trace(go.Scatter(x=part["week"], y=part["share_by_count"],
                                    mode="lines+markers", name=str(location)))
    figure.update_layout(**LAYOUT, title="Therapeutic share over time",
                         xaxis_title="Week starting", yaxis_title="Therapeutic share",
                         yaxis_tickformat=".0%", yaxis_range=[0, 1])
    return figure


def revenue_by_modality_figure(frame: pd.DataFrame) -> go.Figure:
    """Revenue per modality, coloured by category in the fixed colours."""
    figure = go.Figure()
    for category in CATEGORY_ORDER:
        part = frame[frame["category"] == category]
        figure.add_trace(go.Bar(x=part["modality"].str.replace("_", " "), y=part["revenue"],
                                name=category.capitalize(),
                                marker_color=CATEGORY_COLORS[category],
                                hovertemplate="%{x}: $%{y:,.0f}<extra></extra>"))
    figure.update_layout(**LAYOUT, title="Revenue by modality and category",
                         xaxis_title="Modality", yaxis_title="Revenue (USD)",
                         yaxis_tickprefix="$")
    return figure
