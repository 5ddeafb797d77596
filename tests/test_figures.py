"""Figure builders: fixed orders and colours, partial weeks marked, single periods readable."""

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
    assert figure.layout.xaxis.title.text == "Week starting (Monday)"
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
    assert bookings.textposition == "inside"  # a quiet day: each bar says what it is
    assert list(bookings.customdata) == ["Swedish 60 (C1)"]  # all of it in the hover
    assert figure.layout.uniformtext.mode == "hide"  # never shrunk below a readable size
    with_service = timeline.assign(service=[None, "Swedish 60", None])
    assert list(timeline_figure(with_service).data[1].text) == ["Swedish 60"]
    busy = pd.concat([timeline.iloc[[1]]] * 121, ignore_index=True)  # 121 bookings
    assert timeline_figure(busy).data[1].textposition == "none"  # the hover still does


def test_arrivals_figure_splits_imported_from_the_rest():
    from spaops.figures.overview import arrivals_figure

    arrivals = pd.DataFrame({"week": pd.to_datetime(["2026-11-02", "2026-11-02"]),
                             "source": ["imported", "entered or seeded"],
                             "bookings": [12, 30]})
    figure = arrivals_figure(arrivals)
    assert [t.name for t in figure.data] == ["Imported", "Entered or seeded"]
    assert [list(t.y) for t in figure.data] == [[12], [30]]
    assert figure.layout.yaxis.title.text == "Bookings"
    assert arrivals_figure(arrivals.iloc[1:]).layout.showlegend  # grey is named before


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
    assert figure.layout.yaxis.autorange == "reversed"  # A on top, as the table lists it
    # Named above the plot (its top edge, in paper units), where the top bar cannot hide them.
    assert [(a.text, a.x, a.yref, a.y, a.yanchor) for a in figure.layout.annotations] == [
        ("target band", 0.6, "paper", 1, "bottom"), ("burnout risk", 0.85, "paper", 1, "bottom")]
    # A chain with no shifts yet (Settings after the demo is removed): the band, and words.
    empty = utilisation_bars(frame.assign(utilisation=[None, None]), "location", 0.6, 0.8,
                             0.85, "t")
    assert empty.layout.annotations[-1].text == "No scheduled hours in this period yet."
    assert list(empty.layout.xaxis.range) == [0, 1.0] and empty.layout.yaxis.visible is False
    assert not utilisation_bars(frame, "location", 0.6, 0.8, 0.85, "t").layout.xaxis.range


def test_price_band_figure_marks_prices_below_band():
    from spaops.figures.palette import WARNING
    from spaops.figures.pricing import price_band_figure

    bands = pd.DataFrame({"service": ["Swedish", "Deep"], "location": ["A", "A"],
                          "category": ["relaxation", "therapeutic"], "low": [110.0, 120.0],
                          "high": [150.0, 165.0], "price_60": [100.0, 130.0]})
    figure = price_band_figure(bands)
    band, below, therapeutic = figure.data
    assert list(band.base) == [110.0, 120.0] and list(band.x) == [40.0, 45.0]
    # One trace per colour, so the legend names each: no relaxation price within its band.
    assert (below.name, list(below.y), list(below.x), below.marker.color) == (
        "Below the band", ["Swedish · A"], [100.0], WARNING)
    assert (therapeutic.name, list(therapeutic.y), therapeutic.marker.color) == (
        "Therapeutic price / 60 min", ["Deep · A"], CATEGORY_COLORS["therapeutic"])
    assert (below.marker.symbol, therapeutic.marker.symbol) == ("triangle-left", "diamond")
    assert figure.layout.xaxis.title.text == "USD per 60 minutes"
    assert list(figure.layout.yaxis.range) == [-0.5, 1.5]  # the two rows, no empty ones


def test_mix_figures_use_the_category_colours():
    from spaops.figures.mix import revenue_by_modality_figure, share_over_time

    modality = pd.DataFrame({"modality": ["swedish", "deep_tissue"],
                             "category": ["relaxation", "therapeutic"],
                             "revenue": [100.0, 200.0]})
    figure = revenue_by_modality_figure(modality)
    assert [t.marker.color for t in figure.data] == [
        CATEGORY_COLORS["therapeutic"], CATEGORY_COLORS["relaxation"], CATEGORY_COLORS["other"]]
    assert [list(t.x) for t in figure.data[:2]] == [["Deep tissue"], ["Swedish"]]  # in words
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


def test_a_large_roster_is_drawn_as_a_spread_not_a_trace_per_therapist():
    from spaops.figures.palette import WARNING
    from spaops.figures.therapists import hands_on_figure
    from spaops.figures.utilisation import utilisation_histogram

    # 700 therapists over 3 days; two of them over the 360-minute cap.
    days = pd.to_datetime(["2026-11-02", "2026-11-03", "2026-11-04"])
    daily = pd.DataFrame([(f"T{i}", day, 200 + i % 100) for i in range(700) for day in days],
                         columns=["therapist", "day", "minutes"])
    daily.loc[[5, 11], "minutes"] = [400, 380]
    hands = hands_on_figure(daily, 360)
    assert [t.type for t in hands.data] == ["box", "scatter"]  # two traces, not 700
    assert hands.data[0].boxpoints is False  # 2,100 therapist-days: the boxes alone
    over = hands.data[1]
    assert list(over.y) == [400, 380] and list(over.text) == [daily.at[5, "therapist"],
                                                               daily.at[11, "therapist"]]
    assert over.marker.color == WARNING
    small = hands_on_figure(daily.head(30), 360)
    assert small.data[0].boxpoints == "all"  # few enough to show each one

    people = pd.DataFrame({"therapist": [f"T{i}" for i in range(700)],
                           "utilisation": [0.3 + (i % 60) / 100 for i in range(700)]})
    spread = utilisation_histogram(people, 0.6, 0.8, 0.85, "t")
    assert len(spread.data) == 1 and len(spread.data[0].x) == 700
    assert spread.data[0].xbins.size == 0.05
    assert (spread.layout.shapes[0].x0, spread.layout.shapes[0].x1) == (0.6, 0.8)
    assert spread.layout.shapes[1].x0 == 0.85
    assert spread.layout.yaxis.title.text == "Therapists"
    assert spread.layout.yaxis.dtick is None  # 700 therapists: plotly's own ticks
    assert [a.text for a in spread.layout.annotations] == ["target band", "burnout risk"]
    few = utilisation_histogram(people.head(9), 0.6, 0.8, 0.85, "t")  # 5 in a bin at most
    assert (few.layout.yaxis.tick0, few.layout.yaxis.dtick) == (0, 1)  # whole therapists


# Weeks start on Monday. "Last 30 days" ending Tuesday 2026-11-24 runs from Monday Oct 26:
# the weeks of Oct 26 .. Nov 16 lie whole inside it, the week of Nov 23 holds 2 days.
def test_partial_weeks_are_counted_from_the_period():
    from datetime import date

    from spaops.figures.periods import days_covered, partial_weeks

    start, end = date(2026, 10, 26), date(2026, 11, 24)  # a Monday .. a Tuesday: 30 days
    mondays = pd.to_datetime(["2026-10-26", "2026-11-02", "2026-11-16", "2026-11-23"])
    assert [days_covered(m, start, end) for m in mondays] == [7, 7, 7, 2]  # Nov 23, 24
    assert partial_weeks(mondays, start, end) == [False, False, False, True]
    # A period starting on a Wednesday leaves its first week with 5 days (Wed..Sun).
    assert days_covered(pd.Timestamp("2026-11-02"), date(2026, 11, 4), end) == 5
    assert partial_weeks(mondays, None, None) == [False] * 4


def test_weekly_revenue_marks_partial_weeks_lighter_hatched_and_in_a_note():
    from datetime import date

    from spaops.figures.periods import PARTIAL_OPACITY, PARTIAL_PATTERN

    weekly = pd.DataFrame({
        "week": pd.to_datetime(["2026-10-19", "2026-10-26", "2026-11-23"]),
        "category": ["therapeutic"] * 3,
        "revenue": [150.0, 4200.0, 600.0],
    })
    # Sat Oct 24 .. Tue Nov 24: the week of Oct 19 holds 2 days, that of Nov 23 holds 2.
    figure = weekly_revenue_figure(weekly, date(2026, 10, 24), date(2026, 11, 24))
    bars = figure.data[0]
    assert list(bars.marker.opacity) == [PARTIAL_OPACITY, 1.0, PARTIAL_OPACITY]
    assert list(bars.marker.pattern.shape) == [PARTIAL_PATTERN, "", PARTIAL_PATTERN]
    assert "partial: 2 of 7 days" in bars.customdata[0] and bars.customdata[1] == ""
    note = figure.layout.annotations[-1].text
    assert note.startswith("Lighter, hatched bars: weeks only partly in the period")
    assert "Oct 19 (2 of 7 days)" in note and "Nov 23 (2 of 7 days)" in note
    assert "Oct 26" not in note
    # Whole weeks only: nothing marked, no note.
    whole = weekly_revenue_figure(weekly.iloc[[1]], date(2026, 10, 26), date(2026, 11, 1))
    assert list(whole.data[0].marker.opacity) == [1.0] and not whole.layout.annotations


def test_a_single_week_has_a_readable_date_axis_not_clock_times():
    from datetime import date

    from spaops.figures.mix import share_over_time
    from spaops.figures.utilisation import weekly_utilisation_figure

    # "Last 7 days" ending Tue Nov 24 that happen to fall in one week per location.
    weekly = pd.DataFrame({"location": ["A", "B"], "week": pd.to_datetime(["2026-11-23"] * 2),
                           "share_by_count": [0.3, 0.6], "utilisation": [0.5, 0.7]})
    for figure in (share_over_time(weekly, date(2026, 11, 23), date(2026, 11, 24)),
                   weekly_utilisation_figure(weekly, 0.7, 0.85, date(2026, 11, 23),
                                             date(2026, 11, 24))):
        axis = figure.layout.xaxis
        assert axis.type == "date" and axis.tickformat == "%b %d"
        assert list(axis.ticktext) == ["Nov 23"]
        low, high = (pd.Timestamp(v) for v in axis.range)
        assert (low, high) == (pd.Timestamp("2026-11-19"), pd.Timestamp("2026-11-27"))
        assert [list(t.marker.symbol) for t in figure.data] == [["circle-open"]] * 2
        assert "Nov 23 (2 of 7 days)" in figure.layout.annotations[-1].text


def test_a_single_weeks_bars_are_drawn_as_wide_as_any_weeks():
    from spaops.figures.overview import arrivals_figure
    from spaops.figures.periods import WEEK_MS

    # A chain's first week: plotly would size the only bar by the gap to the next date,
    # which there is none of, and draw it one millisecond wide.
    one = pd.DataFrame({"week": pd.to_datetime(["2026-11-02"]), "category": ["relaxation"],
                        "revenue": [585.0]})
    arrivals = pd.DataFrame({"week": pd.to_datetime(["2026-11-02", "2026-11-16"]),
                             "source": ["imported", "entered or seeded"], "bookings": [5, 7]})
    for figure in (weekly_revenue_figure(one), arrivals_figure(arrivals)):
        assert {t.width for t in figure.data} == {0.7 * WEEK_MS}


def test_several_weeks_get_a_tick_per_week():
    from spaops.figures.periods import WEEK_MS

    weekly = pd.DataFrame({"week": pd.to_datetime(["2026-11-02", "2026-11-09", "2026-11-16"]),
                           "category": ["relaxation"] * 3, "revenue": [1.0, 2.0, 3.0]})
    axis = weekly_revenue_figure(weekly).layout.xaxis
    assert axis.dtick == WEEK_MS and pd.Timestamp(axis.tick0) == pd.Timestamp("2026-11-02")
    assert axis.range is None


def test_one_location_is_named_in_the_title_and_empty_charts_say_so():
    from spaops.figures.mix import revenue_by_modality_figure, share_over_time
    from spaops.figures.overview import arrivals_figure

    one = pd.DataFrame({"location": ["Harbor Day Spa"] * 2,
                        "week": pd.to_datetime(["2026-11-09", "2026-11-16"]),
                        "share_by_count": [0.4, 0.5]})
    figure = share_over_time(one)
    assert figure.layout.title.text == "Therapeutic share over time · Harbor Day Spa"
    assert figure.layout.showlegend is False
    assert not figure.layout.annotations  # no period given: nothing called partial
    empty_share = share_over_time(pd.DataFrame(columns=["location", "week", "share_by_count"]))
    empty_revenue = weekly_revenue_figure(pd.DataFrame(columns=["week", "category",
                                                                "revenue"]))
    empty_modality = revenue_by_modality_figure(pd.DataFrame(columns=["modality", "category",
                                                                      "revenue"]))
    empty_arrivals = arrivals_figure(pd.DataFrame(columns=["week", "source", "bookings"]))
    for empty in (empty_share, empty_revenue, empty_modality, empty_arrivals):
        assert empty.layout.annotations[0].text.startswith("No ")
        assert empty.layout.xaxis.visible is False


def test_a_single_day_of_hands_on_time_reads_as_a_date():
    from spaops.figures.therapists import hands_on_figure

    daily = pd.DataFrame({"therapist": ["Ann"], "day": pd.to_datetime(["2026-11-24"]),
                          "minutes": [300]})
    axis = hands_on_figure(daily, 360).layout.xaxis
    assert list(axis.ticktext) == ["Nov 24"]
    assert [pd.Timestamp(v) for v in axis.range] == [pd.Timestamp("2026-11-23"),
                                                     pd.Timestamp("2026-11-25")]


def test_therapists_page_keeps_every_row_of_the_page_s_therapists_by_name():
    from spaops.schedule import therapists_page

    timeline = pd.DataFrame({"therapist": ["Cy", "Al", "Bo", "Al", "Di", "Cy"],
                             "kind": ["shift", "shift", "shift", "booking", "shift", "booking"]})
    assert therapists_page(timeline, 1, 2).index.tolist() == [1, 2, 3]  # Al (twice), Bo
    assert therapists_page(timeline, 2, 2).index.tolist() == [0, 4, 5]  # Cy (twice), Di
    assert therapists_page(timeline, 3, 2).empty


def test_room_figure_names_the_typical_band_in_the_legend_and_leaves_room_for_labels():
    from spaops.figures.utilisation import room_figure

    rooms = pd.DataFrame({"location": ["Harbor", "Maple"], "room_utilisation": [0.55, 0.78],
                          "revpath": [68.0, None]})
    figure = room_figure(rooms)
    assert [t.name for t in figure.data if t.showlegend is not False] == [
        "Typical spas: 40-60%"]
    assert not figure.layout.annotations  # no text on the plot for a bar label to cover
    assert (figure.layout.shapes[0].y0, figure.layout.shapes[0].y1) == (0.4, 0.6)
    assert figure.layout.yaxis.range == (0, 0.78 * 1.2)  # the tallest bar's label fits
    assert list(figure.data[0].text) == ["RevPATH $68", ""]
    assert room_figure(rooms.iloc[:0]).layout.yaxis.range == (0, 0.7)
