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
    # One trace per colour, so the legend says what each colour means; below the band in a
    # shape of its own too (vermillion and the relaxation orange are near each other).
    groups = [("Below the band", below, WARNING, "triangle-left"),
              *((f"{category.capitalize()} price / 60 min",
                 ~below & (bands["category"] == category), color, "diamond")
                for category, color in CATEGORY_COLORS.items())]
    for name, members, color, symbol in groups:
        if members.any():
            figure.add_trace(go.Scatter(
                y=labels[members], x=bands.loc[members, "price_60"], mode="markers", name=name,
                marker={"size": 11, "symbol": symbol, "color": color},
                hovertemplate="%{y}: $%{x:,.2f} per hour<extra></extra>"))
    figure.update_layout(**LAYOUT, title="Price per 60 minutes against the market band",
                         xaxis_title="USD per 60 minutes", yaxis_title="Service · location",
                         xaxis_tickprefix="$", height=max(320, 26 * len(bands) + 140),
                         # each row exactly: autorange pads for the markers, 3 empty rows
                         # at either end on a long list
                         yaxis_range=[-0.5, labels.nunique() - 0.5])
    return figure
