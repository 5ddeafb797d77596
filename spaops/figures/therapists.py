"""Figures of the Therapists page."""

import pandas as pd
import plotly.graph_objects as go

from spaops.figures.palette import LAYOUT, WARNING
from spaops.figures.periods import date_axis


def hands_on_figure(daily: pd.DataFrame, cap: int) -> go.Figure:
    """Hands-on minutes per therapist per day, against the daily cap."""
    figure = go.Figure()
    for therapist, part in daily.groupby("therapist"):
        figure.add_trace(go.Scatter(x=part["day"], y=part["minutes"], mode="markers",
                                    name=str(therapist), marker={"size": 7}))
    figure.add_hline(y=cap, line_dash="dash", line_color=WARNING,
                     annotation_text=f"daily cap {cap} min", annotation_position="top left")
    figure.update_layout(**LAYOUT, title="Hands-on minutes per day", xaxis_title="Day",
                         yaxis_title="Hands-on minutes", showlegend=len(daily) < 400)
    date_axis(figure, daily["day"], weekly=False)
    return figure
