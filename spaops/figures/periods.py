"""Time axes that cannot mislead: partial weeks marked, single dates readable, empty said."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import pandas as pd
import plotly.graph_objects as go

from spaops.figures.palette import LAYOUT

WEEK_MS = 7 * 24 * 3600 * 1000
DAY_MS = 24 * 3600 * 1000
BAR_SHARE = 0.7  # of its week (or day) that a bar covers
PARTIAL_OPACITY = 0.45
PARTIAL_PATTERN = "/"


def _day(value: date | datetime | pd.Timestamp) -> date:
    return pd.Timestamp(value).date()


def days_covered(week: date | datetime | pd.Timestamp, start: date, end: date) -> int:
    """How many of the seven days of the week starting `week` fall inside start..end."""
    first = _day(week)
    last = first + timedelta(days=6)
    return max(0, (min(last, end) - max(first, start)).days + 1)


def partial_weeks(weeks: Iterable, start: date | None, end: date | None) -> list[bool]:
    """For each week (its Monday), whether the period start..end covers only part of it."""
    if start is None or end is None:
        return [False for _ in weeks]
    return [days_covered(week, start, end) < 7 for week in weeks]


def partial_note(weeks: Iterable, start: date | None, end: date | None, *, marked: str) -> str:
    """The sentence under a weekly chart naming its partial weeks ("" when there are none)."""
    if start is None or end is None:
        return ""
    unique = sorted({_day(w) for w in weeks})
    parts = [f"{w:%b} {w.day} ({days_covered(w, start, end)} of 7 days)"
             for w in unique if days_covered(w, start, end) < 7]
    if not parts:
        return ""
    return f"{marked}: week{'s' if len(parts) > 1 else ''} only partly in the period, " \
           + ", ".join(parts) + "."


def add_note(figure: go.Figure, text: str) -> None:
    """Write a note under the plot area (and make room for it)."""
    if not text:
        return
    figure.add_annotation(text=text, xref="paper", yref="paper", x=0, y=-0.16,
                          xanchor="left", yanchor="top", showarrow=False,
                          font={"size": 12, "color": "#555555"})
    figure.update_layout(margin={"b": 80})


def date_axis(figure: go.Figure, dates: Iterable, *, weekly: bool = True) -> None:
    """Dates read as "Nov 02"; a single date gets a padded range and one tick, not clock times;
    bars are as wide as most of their week (or day), however few dates there are."""
    unique = sorted({pd.Timestamp(d) for d in dates if pd.notna(d)})
    figure.update_xaxes(type="date", tickformat="%b %d")
    # Plotly sizes a bar by the gap to the next date: with one date, one millisecond wide.
    figure.update_traces(width=BAR_SHARE * (WEEK_MS if weekly else DAY_MS),
                         selector={"type": "bar"})
    if len(unique) == 1:
        only = unique[0]
        pad = pd.Timedelta(days=4 if weekly else 1)
        figure.update_xaxes(range=[only - pad, only + pad], tickmode="array",
                            tickvals=[only], ticktext=[f"{only:%b} {only.day}"])
    elif weekly and 1 < len(unique) <= 14:
        figure.update_xaxes(tick0=unique[0], dtick=WEEK_MS)
    elif not weekly and 1 < len(unique) <= 14:
        figure.update_xaxes(tick0=unique[0], dtick=DAY_MS)


def say_in_plot(figure: go.Figure, message: str) -> None:
    """Words in the middle of the plot area (what an empty chart has instead of marks)."""
    figure.add_annotation(text=message, xref="paper", yref="paper", x=0.5, y=0.5,
                          showarrow=False, font={"size": 15, "color": "#555555"})


def no_data(figure: go.Figure, message: str) -> go.Figure:
    """An empty chart that says so in words instead of drawing bare axes."""
    say_in_plot(figure, message)
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return figure


def weekly_lines(weekly: pd.DataFrame, column: str, start: date | None, end: date | None, *,
                 title: str, empty: str, **layout: object) -> go.Figure:
    """One line per location over weeks: hollow markers on partial weeks, a readable axis
    for a single week, the location in the title when there is only one, words when empty."""
    figure = go.Figure()
    figure.update_layout(**LAYOUT, **layout)
    names = list(dict.fromkeys(weekly["location"]))
    figure.update_layout(title=f"{title} · {names[0]}" if len(names) == 1 else title,
                         showlegend=len(names) > 1)
    if weekly.empty:
        return no_data(figure, empty)
    for location, part in weekly.groupby("location", sort=True):
        partial = partial_weeks(part["week"], start, end)
        figure.add_trace(go.Scatter(
            x=part["week"], y=part[column], mode="lines+markers", name=str(location),
            marker={"size": 9, "symbol": ["circle-open" if p else "circle" for p in partial]},
            customdata=[" (partial week)" if p else "" for p in partial],
            hovertemplate="%{fullData.name}, week of %{x|%b %d}%{customdata}: "
                          "%{y:.0%}<extra></extra>"))
    date_axis(figure, weekly["week"])
    add_note(figure, partial_note(weekly["week"], start, end, marked="Hollow markers"))
    return figure
