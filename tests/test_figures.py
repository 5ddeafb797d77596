"""The Overview figure: one stacked trace per category, fixed order and colours."""

import pandas as pd

from spaops.figures.overview import weekly_revenue_figure
from spaops.figures.palette import CATEGORY_COLORS


def test_weekly_revenue_figure_stacks_categories_in_fixed_order():
    weekly = pd.DataFrame({
        "week": pd.to_datetime(["2026-03-02", "2026-03-02", "2026-03-09"]),
        "category": ["relaxation", "therapeutic", "relaxation"],
        "revenue": [450.0, 270.0, 120.0],
    })
    figure = weekly_revenue_figure(weekly)
    assert [t.name for t in figure.data] == ["Therapeutic", "Relaxation", "Other"]
    assert [t.marker.color for t in figure.data] == [
        CATEGORY_COLORS["therapeutic"], CATEGORY_COLORS["relaxation"], CATEGORY_COLORS["other"]]
    assert list(figure.data[1].y) == [450.0, 120.0]
    assert list(figure.data[2].y) == []
    assert figure.layout.barmode == "stack"
    assert figure.layout.xaxis.title.text == "Week starting"
    assert figure.layout.yaxis.title.text == "Revenue (USD)"


def test_timeline_figure_draws_shifts_under_bookings_per_therapist():
    from datetime import datetime

    from spaops.figures.timeline import timeline_figure

    timeline = pd.DataFrame({
        "therapist": ["Ann", "Ann", "Ben"],
        "kind": ["shift", "booking", "shift"],
        "start": [datetime(2026, 12, 1, 9), datetime(2026, 12, 1, 10), datetime(2026, 12, 1, 12)],
        "end": [datetime(2026, 12, 1, 17), datetime(2026, 12, 1, 11), datetime(2026, 12, 1, 20)],
        "label": ["on shift", "Swedish 60 (C1)", "on shift"],
        "booking_ref": [None, "B-1", None],
    })
    figure = timeline_figure(timeline)
    shifts, bookings = figure.data
    assert (shifts.name, bookings.name) == ("Shift", "Booking")
    assert list(shifts.y) == ["Ann", "Ben"] and list(bookings.y) == ["Ann"]
    assert list(bookings.x) == [3_600_000.0]  # one hour, in milliseconds
    assert figure.layout.xaxis.title.text == "Time"
    assert figure.layout.yaxis.title.text == "Therapist"
