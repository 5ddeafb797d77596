"""The Assign page's day: a bar per shift and per booking, one row per therapist."""

import pandas as pd
import plotly.graph_objects as go

from spaops.figures.palette import BAND_FILL, BAND_LINE, LAYOUT, NEUTRAL

LABELS_UP_TO = 120  # bookings written inside their bars; a busier day keeps them in the hover


def timeline_figure(timeline: pd.DataFrame) -> go.Figure:
    """Shifts as pale bands, bookings as solid bars on top, therapists down the side; a
    booking's bar names its service where that fits in a readable size, its hover says all."""
    figure = go.Figure()
    labelled = (timeline["kind"] == "booking").sum() <= LABELS_UP_TO
    for kind, color, line, width in (("shift", BAND_FILL, BAND_LINE, 0.8),
                                     ("booking", NEUTRAL, "#0072B2", 0.5)):
        part = timeline[timeline["kind"] == kind]
        milliseconds = (pd.to_datetime(part["end"]) - pd.to_datetime(part["start"])) \
            .dt.total_seconds() * 1000
        figure.add_trace(go.Bar(
            name="Shift" if kind == "shift" else "Booking", orientation="h",
            y=part["therapist"], x=milliseconds, base=pd.to_datetime(part["start"]),
            width=width, marker={"color": color, "line": {"color": line, "width": 1}},
            text=part.get("service", part["label"]) if kind == "booking" else None,
            customdata=part["label"], insidetextanchor="start",
            textposition="inside" if labelled else "none",
            hovertemplate="%{y}: %{base|%H:%M}<br>%{customdata}<extra></extra>"))
    therapists = sorted(timeline["therapist"].unique())
    figure.update_layout(
        **LAYOUT, barmode="overlay", title="The day by therapist",
        xaxis={"type": "date", "title": "Time", "tickformat": "%H:%M"},
        yaxis={"title": "Therapist", "categoryorder": "array",
               "categoryarray": therapists[::-1]},
        height=max(300, 40 * len(therapists) + 120),
        uniformtext={"minsize": 11, "mode": "hide"})  # too small to read: hidden, not shrunk
    return figure
