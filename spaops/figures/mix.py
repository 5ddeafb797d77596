"""Figures of the Service mix page."""

from __future__ import annotations

from datetime import date
from functools import partial

import pandas as pd
import plotly.graph_objects as go

from spaops.display import in_words
from spaops.figures.palette import CATEGORY_COLORS, CATEGORY_ORDER, LAYOUT
from spaops.figures.periods import no_data, weekly_lines


def share_over_time(weekly: pd.DataFrame, start: date | None = None,
                    end: date | None = None) -> go.Figure:
    """Therapeutic share of completed massages per week, one line per location; weeks the
    period covers only in part are hollow markers, named under the chart."""
    return weekly_lines(weekly, "share_by_count", start, end,
                        title="Therapeutic share over time",
                        empty="No completed massages in this period.",
                        xaxis_title="Week starting (Monday)", yaxis_title="Therapeutic share",
                        yaxis_tickformat=".0%", yaxis_range=[0, 1])


def revenue_by_modality_figure(frame: pd.DataFrame) -> go.Figure:
    """Revenue per modality, coloured by category in the fixed colours."""
    figure = go.Figure()
    for category in CATEGORY_ORDER:
        part = frame[frame["category"] == category]
        figure.add_trace(go.Bar(x=part["modality"].map(partial(in_words, "modality")),
                                y=part["revenue"],
                                name=category.capitalize(),
                                marker_color=CATEGORY_COLORS[category],
                                hovertemplate="%{x}: $%{y:,.0f}<extra></extra>"))
    figure.update_layout(**LAYOUT, title="Revenue by modality and category",
                         xaxis_title="Modality", yaxis_title="Revenue (USD)",
                         yaxis_tickprefix="$")
    if frame.empty:
        return no_data(figure, "No completed massages in this period.")
    return figure
