"""Figures of the Utilisation page."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from spaops.figures.palette import BAND_FILL, BAND_LINE, LAYOUT, NEUTRAL, WARNING
from spaops.figures.periods import say_in_plot, weekly_lines

BIN, BINS_END = 0.05, 1.5  # the spread's bars: 5 points of utilisation, up to 150 %
ABOVE_PLOT_MARGIN = 80  # room for the title and, under it, the names of the band and line


def utilisation_bars(frame: pd.DataFrame, label: str, low: float, high: float,
                     burnout: float, title: str) -> go.Figure:
    """Horizontal utilisation bars against the shaded target band; burnout in vermillion."""
    colors = [WARNING if (u or 0) > burnout else NEUTRAL for u in frame["utilisation"]]
    figure = go.Figure(go.Bar(
        x=frame["utilisation"], y=frame[label], orientation="h", marker_color=colors,
        name="Utilisation", hovertemplate="%{y}: %{x:.0%}<extra></extra>"))
    _band_and_burnout(figure, low, high, burnout)
    figure.update_layout(**LAYOUT, title=title, xaxis_title="Utilisation (booked / scheduled)",
                         yaxis_title=label.replace("_", " ").capitalize(),
                         xaxis_tickformat=".0%", height=max(300, 28 * len(frame) + 160))
    figure.update_layout(margin={**LAYOUT["margin"], "t": ABOVE_PLOT_MARGIN})
    figure.update_yaxes(autorange="reversed")  # the frame's first row on top, as in a table
    if not frame["utilisation"].notna().any():  # the band still shows what the targets are
        figure.update_xaxes(range=[0, max(1.0, burnout + 0.1)])
        figure.update_yaxes(visible=False)
        say_in_plot(figure, "No scheduled hours in this period yet.")
    return figure


def _band_and_burnout(figure: go.Figure, low: float, high: float, burnout: float) -> None:
    """The shaded target band and the burnout line, named just above the plot, where no
    bar can cover the names."""
    figure.add_vrect(x0=low, x1=high, fillcolor=BAND_FILL, line_width=0)
    figure.add_vline(x=burnout, line_dash="dash", line_color=WARNING)
    for x, text in ((low, "target band"), (burnout, "burnout risk")):
        figure.add_annotation(x=x, xref="x", y=1, yref="paper", yanchor="bottom",
                              xanchor="left", text=text, showarrow=False)


def utilisation_histogram(frame: pd.DataFrame, low: float, high: float, burnout: float,
                          title: str) -> go.Figure:
    """How many therapists sit at each utilisation (5-point bins) against the shaded target
    band and the burnout line: a roster of any size in one chart."""
    figure = go.Figure(go.Histogram(
        x=frame["utilisation"], xbins={"start": 0, "end": BINS_END, "size": BIN},
        marker_color=NEUTRAL, name="Therapists",
        hovertemplate="%{x}: %{y} therapists<extra></extra>"))
    _band_and_burnout(figure, low, high, burnout)
    figure.update_layout(**LAYOUT, title=title, xaxis_title="Utilisation (booked / scheduled)",
                         yaxis_title="Therapists", xaxis_tickformat=".0%", bargap=0.05)
    figure.update_layout(margin={**LAYOUT["margin"], "t": ABOVE_PLOT_MARGIN})
    edges = [round(i * BIN, 9) for i in range(round(BINS_END / BIN) + 1)]  # the bars' bins
    tallest = pd.cut(frame["utilisation"], edges, right=False).value_counts().max() \
        if len(frame) else 0
    if tallest <= 10:  # whole therapists on the axis, not 0.5 of one
        figure.update_yaxes(tick0=0, dtick=1)
    return figure


def weekday_hour_heatmap(grid: pd.DataFrame) -> go.Figure:
    """Booked over scheduled minutes by weekday and hour (blank where nobody is on shift)."""
    shown = grid[grid["scheduled_minutes"] > 0]
    hours = sorted(shown["hour"].unique()) if len(shown) else list(range(9, 21))
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    matrix = grid.pivot_table(index="day", columns="hour", values="utilisation",
                              aggfunc="first").reindex(index=days, columns=hours)
    figure = go.Figure(go.Heatmap(
        z=matrix.values, x=[f"{h:02d}:00" for h in hours], y=days, colorscale="Cividis",
        zmin=0, zmax=1, colorbar={"title": {"text": "Utilisation", "side": "right"},
                                  "tickformat": ".0%"},
        hovertemplate="%{y} %{x}: %{z:.0%}<extra></extra>"))
    figure.update_layout(**LAYOUT, title="When the hands are busy: booked / scheduled",
                         xaxis_title="Hour of day", yaxis_title="Weekday")
    figure.update_yaxes(autorange="reversed")
    return figure


def weekly_utilisation_figure(weekly: pd.DataFrame, low: float, high: float,
                              start: date | None = None, end: date | None = None) -> go.Figure:
    """Utilisation per week, one line per location, over the target band; weeks the period
    covers only in part are hollow markers, named under the chart."""
    figure = weekly_lines(weekly, "utilisation", start, end, title="Weekly utilisation",
                          empty="No shifts in this period.",
                          xaxis_title="Week starting (Monday)", yaxis_title="Utilisation",
                          yaxis_tickformat=".0%")
    if not weekly.empty:
        figure.add_hrect(y0=low, y1=high, fillcolor=BAND_FILL, line_width=0,
                         line_color=BAND_LINE)
    return figure


def room_figure(rooms: pd.DataFrame) -> go.Figure:
    """Room utilisation per location, with RevPATH in the hover and as text; the typical
    band is named in the legend, where no bar or label can cover it."""
    figure = go.Figure(go.Bar(
        x=rooms["location"], y=rooms["room_utilisation"], marker_color=NEUTRAL,
        name="Room utilisation", showlegend=False, cliponaxis=False,
        text=[f"RevPATH ${v:,.0f}" if pd.notna(v) else "" for v in rooms["revpath"]],
        textposition="outside",
        hovertemplate="%{x}: %{y:.0%}<extra></extra>"))
    figure.add_hrect(y0=0.4, y1=0.6, fillcolor=BAND_FILL, line_width=0, layer="below")
    figure.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name="Typical spas: 40-60%",
                                marker={"symbol": "square", "size": 14, "color": BAND_FILL,
                                        "line": {"color": BAND_LINE, "width": 1}},
                                hoverinfo="skip"))
    top = rooms["room_utilisation"].max()  # NaN when there are no rooms
    top = float(top) if pd.notna(top) else 0.0
    figure.update_layout(**LAYOUT, title="Treatment-room utilisation and RevPATH",
                         xaxis_title="Location", yaxis_title="Room utilisation",
                         showlegend=True, yaxis_range=[0, max(0.7, top * 1.2)],
                         yaxis_tickformat=".0%")
    return figure
