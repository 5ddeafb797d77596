"""Figures of the Therapists page."""

import pandas as pd
import plotly.graph_objects as go

from spaops.figures.palette import LAYOUT, NEUTRAL, WARNING
from spaops.figures.periods import date_axis

POINTS_UP_TO = 600  # therapist-days drawn one by one; above it, the boxes alone


def hands_on_figure(daily: pd.DataFrame, cap: int) -> go.Figure:
    """Hands-on minutes per day as a spread over the therapists who worked it (one box a
    day, however large the roster), the therapist-days over the daily cap named in red."""
    figure = go.Figure(go.Box(
        x=daily["day"], y=daily["minutes"], name="Therapists that day",
        boxpoints="all" if len(daily) <= POINTS_UP_TO else False, jitter=0.4, pointpos=0,
        marker={"size": 5, "color": NEUTRAL}, line={"color": NEUTRAL},
        hovertemplate="%{x|%a %b %d}: %{y} min<extra></extra>"))
    over = daily[daily["minutes"] > cap]
    figure.add_trace(go.Scatter(
        x=over["day"], y=over["minutes"], mode="markers", name="Over the cap",
        marker={"size": 9, "color": WARNING, "symbol": "diamond"}, text=over["therapist"],
        hovertemplate="%{text}, %{x|%a %b %d}: %{y} min<extra></extra>"))
    figure.add_hline(y=cap, line_dash="dash", line_color=WARNING,
                     annotation_text=f"daily cap {cap} min", annotation_position="top left")
    figure.update_layout(**LAYOUT, title="Hands-on minutes per day", xaxis_title="Day",
                         yaxis_title="Hands-on minutes", showlegend=True)
    date_axis(figure, daily["day"], weekly=False)
    return figure
