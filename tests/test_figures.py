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


def test_arrivals_figure_splits_imported_from_the_rest():
    from spaops.figures.overview import arrivals_figure

    arrivals = pd.DataFrame({"week": pd.to_datetime(["2026-11-02", "2026-11-02"]),
                             "source": ["imported", "entered or seeded"],
                             "bookings": [12, 30]})
    figure = arrivals_figure(arrivals)
    assert [t.name for t in figure.data] == ["Imported", "Entered or seeded"]
    assert [list(t.y) for t in figure.data] == [[12], [30]]
    assert figure.layout.yaxis.title.text == "Bookings"


def test_utilisation_bars_shade_the_target_band_and_mark_burnout():
    from spaops.figures.palette import WARNING
    from spaops.figures.utilisation import utilisation_bars

    frame = pd.DataFrame({"location": ["A", "B"], "utilisation": [0.5, 0.9]})
    figure = utilisation_bars(frame, "location", 0.6, 0.8, 0.85, "t")
    assert list(figure.data[0].marker.color)[1] == WARNING
    band = figure.layout.shapes[0]
    assert (band.x0, band.x1) == (0.6, 0.8)
    assert figure.layout.shapes[1].x0 == 0.85
    assert figure.layout.xaxis.title.text == "Utilisation (booked / scheduled)"


def test_price_band_figure_marks_prices_below_band():
    from spaops.figures.palette import WARNING
    from spaops.figures.pricing import price_band_figure

    bands = pd.DataFrame({"service": ["Swedish", "Deep"], "location": ["A", "A"],
                          "category": ["relaxation", "therapeutic"], "low": [110.0, 120.0],
                          "high": [150.0, 165.0], "price_60": [100.0, 130.0]})
    figure = price_band_figure(bands)
    band, prices = figure.data
    assert list(band.base) == [110.0, 120.0] and list(band.x) == [40.0, 45.0]
    assert list(prices.marker.color)[0] == WARNING
    assert figure.layout.xaxis.title.text == "USD per 60 minutes"


def test_mix_figures_use_the_category_colours():
    from spaops.figures.mix import revenue_by_modality_figure, share_over_time

    modality = pd.DataFrame({"modality": ["swedish", "deep_tissue"],
                             "category": ["relaxation", "therapeutic"],
                             "revenue": [100.0, 200.0]})
    figure = revenue_by_modality_figure(modality)
    assert [t.marker.color for t in figure.data] == [
        CATEGORY_COLORS["therapeutic"], CATEGORY_COLORS["relaxation"], CATEGORY_COLORS["other"]]
    weekly = pd.DataFrame({"location": ["A", "A"], "week": pd.to_datetime(["2026-11-02",
                                                                            "2026-11-09"]),
                           "share_by_count": [0.4, 0.5]})
    share = share_over_time(weekly)
    assert share.layout.yaxis.tickformat == ".0%" and list(share.data[0].y) == [0.4, 0.5]


def test_heatmap_and_hands_on_figures():
    from spaops.figures.therapists import hands_on_figure
    from spaops.figures.utilisation import weekday_hour_heatmap

    grid = pd.DataFrame({"weekday": [0, 0], "hour": [9, 10], "day": ["Mon", "Mon"],
                         "booked_minutes": [30, 60], "scheduled_minutes": [60, 60],
                         "utilisation": [0.5, 1.0]})
    heat = weekday_hour_heatmap(grid)
    assert list(heat.data[0].x) == ["09:00", "10:00"]
    assert heat.data[0].z[0].tolist() == [0.5, 1.0]
    daily = pd.DataFrame({"therapist": ["Ann"], "day": pd.to_datetime(["2026-11-02"]),
                          "minutes": [400]})
    hands = hands_on_figure(daily, 360)
    assert hands.layout.shapes[0].y0 == 360
    assert hands.layout.yaxis.title.text == "Hands-on minutes"
