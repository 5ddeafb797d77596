"""Figures of the Pricing page."""

import pandas as pd
import plotly.graph_objects as go

from spaops.figures.palette import BAND_FILL, BAND_LINE, CATEGORY_COLORS, LAYOUT, WARNING


def price_band_figure(bands: pd.DataFrame) -> go.Figure:
    """Each service x location: price per 60 min as a dot over its shaded market band."""
    labels = bands["service"] + " · " + bands["location"]
    figure = go.Figure()
    figure.add_trace(go.Bar(
        y=labels, x=bands["high"] - bands["low"], base=bands["low"], orientation="h",
        marker={"color": BAND_FILL, "line": {"color": BAND_LINE, "width": 1}},
        name="Market band", hovertemplate="band $%{base:,.0f} - $%{x:,.0f} wide<extra></extra>"))
    below = bands["price_60"] < bands["low"]
    figure.add_trace(go.Scatter(
        y=labels, x=bands["price_60"], mode="markers", name="Price per 60 min",
        marker={"size": 11, "symbol": "diamond",
                "color": [WARNING if b else CATEGORY_COLORS[c]
                          for b, c in zip(below, bands["category"], strict=True)]},
        hovertemplate="%{y}: $%{x:,.2f} per hour<extra></extra>"))
    figure.update_layout(**LAYOUT, title="Price per 60 minutes against the market band",
                         xaxis_title="USD per 60 minutes", yaxis_title="Service · location",
                         xaxis_tickprefix="$", height=max(320, 26 * len(bands) + 140))
    return figure
