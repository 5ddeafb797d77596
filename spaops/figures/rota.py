"""Figures of the Rota page."""

import pandas as pd
import plotly.graph_objects as go

from spaops.figures.palette import LAYOUT
from spaops.figures.periods import say_in_plot

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def cover_figure(cover: pd.DataFrame, opens_hour: int, closes_hour: int) -> go.Figure:
    """Therapists on shift by weekday and hour, over the location's opening hours."""
    staffed = cover.loc[cover["therapists"] > 0, "hour"]
    first = min([opens_hour, *staffed])
    last = max([closes_hour - 1, *staffed])
    hours = list(range(first, last + 1))
    matrix = cover.pivot_table(index="day", columns="hour", values="therapists",
                               aggfunc="sum").reindex(index=DAYS, columns=hours).fillna(0)
    most = int(matrix.to_numpy().max())
    # Whole therapists on the scale, and white for nobody: left to plotly, an empty week
    # came out mid-blue on a scale of -0.4 to 0.4.
    figure = go.Figure(go.Heatmap(
        z=matrix.values, x=[f"{h:02d}:00" for h in hours], y=DAYS, colorscale="Blues",
        zmin=0, zmax=max(most, 1), colorbar={"title": {"text": "Therapists", "side": "right"},
                                             "dtick": 1 if most <= 10 else None},
        hovertemplate="%{y} %{x}: %{z} on shift<extra></extra>"))
    if most == 0:
        say_in_plot(figure, "No one is on shift this week yet.")
    figure.add_vrect(x0=opens_hour - first - 0.5, x1=closes_hour - first - 0.5,
                     line_width=1, line_dash="dot", line_color="#555555",
                     annotation_text="opening hours", annotation_position="top left")
    figure.update_layout(**LAYOUT, title="Cover: therapists on shift by hour",
                         xaxis_title="Hour of day", yaxis_title="Weekday", height=340)
    figure.update_yaxes(autorange="reversed")
    return figure
