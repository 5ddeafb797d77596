"""Booked and scheduled minutes by the hour: the arithmetic the utilisation grid and the
staffing actions share (no data frames, so the command line starts quickly)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.sql.expression import ColumnElement
from sqlmodel import Session

from models import Booking, Shift
from spaops.analytics.report import Period, in_scope
from spaops.analytics.sqlfuncs import hour_of, minute_of, weekday_of

HOLDS_TIME = ("booked", "completed", "no_show")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
Cells = dict[tuple[Any, int], float]  # (weekday or date, hour) -> minutes


def spread_over_hours(cells: Cells, day: Any, start_minute: int,
                      length: float, weight: float = 1.0) -> None:
    """Add a span of `length` minutes from `start_minute` of a day (a weekday 0-6 or a
    date) to the hours it covers, weighted (e.g. by how many alike spans there are); what
    runs past midnight goes to the next day's first hours."""
    cursor, stop = start_minute, start_minute + length
    while cursor < stop:
        if cursor >= 24 * 60:
            day = (day + 1) % 7 if isinstance(day, int) else day + timedelta(days=1)
            cursor, stop = cursor - 24 * 60, stop - 24 * 60
        hour = int(cursor // 60)
        next_hour = (hour + 1) * 60
        cells[(day, hour)] = cells.get((day, hour), 0.0) + (min(next_hour, stop) - cursor) * weight
        cursor = next_hour


def holds_time(period: Period,
               location_ids: Collection[int] | None) -> tuple[ColumnElement[bool], ...]:
    """Bookings holding a therapist's time (booked, done or missed) that start in the
    period, at the locations in scope."""
    b = Booking.__table__
    begin, end = period.bounds()
    return (b.c.therapist_id.isnot(None), b.c.status.in_(HOLDS_TIME), b.c.starts_at >= begin,
            b.c.starts_at < end, in_scope(b.c.location_id, location_ids))


def booked_by_hour(session: Session, period: Period, *,
                   location_ids: Collection[int] | None = None) -> Cells:
    """Booked hands-on minutes in each (weekday, hour) they cover; bookings alike in
    weekday, start time and length are read once."""
    b = Booking.__table__
    weekday, hour, minute = (weekday_of(b.c.starts_at), hour_of(b.c.starts_at),
                             minute_of(b.c.starts_at))
    cells: Cells = {}
    for day, at, past, minutes, n in session.execute(
            select(weekday, hour, minute, b.c.duration_min, func.count())
            .where(*holds_time(period, location_ids))
            .group_by(weekday, hour, minute, b.c.duration_min)).all():
        spread_over_hours(cells, int(day), int(at) * 60 + int(past), float(minutes), float(n))
    return cells


def booked_by_location_and_date(session: Session, period: Period, *,
                                location_ids: Collection[int] | None = None
                                ) -> dict[int, Cells]:
    """Per location: booked minutes in each (date, hour) they cover, every location in one
    reading (bookings alike in location, start and length read once)."""
    b = Booking.__table__
    cells: dict[int, Cells] = {}
    for location_id, start, minutes, n in session.execute(
            select(b.c.location_id, b.c.starts_at, b.c.duration_min, func.count())
            .where(*holds_time(period, location_ids))
            .group_by(b.c.location_id, b.c.starts_at, b.c.duration_min)).all():
        spread_over_hours(cells.setdefault(int(location_id), {}), start.date(),
                          start.hour * 60 + start.minute, float(minutes), float(n))
    return cells


def scheduled_by_location(session: Session, period: Period, *,
                          location_ids: Collection[int] | None = None) -> dict[int, Cells]:
    """Per location: scheduled shift minutes in each (weekday, hour) they cover."""
    sh = Shift.__table__
    weekday = weekday_of(sh.c.shift_date)
    cells: dict[int, Cells] = {}
    for location_id, wd, start, finish, n in session.execute(
            select(sh.c.location_id, weekday, sh.c.start_time, sh.c.end_time, func.count())
            .where(sh.c.shift_date >= period.start, sh.c.shift_date <= period.end,
                   in_scope(sh.c.location_id, location_ids))
            .group_by(sh.c.location_id, weekday, sh.c.start_time, sh.c.end_time)).all():
        begins = start.hour * 60 + start.minute
        spread_over_hours(cells.setdefault(int(location_id), {}), int(wd), begins,
                          finish.hour * 60 + finish.minute - begins, float(n))
    return cells


def scheduled_by_hour(session: Session, period: Period, *,
                      location_ids: Collection[int] | None = None) -> Cells:
    """Scheduled shift minutes in each (weekday, hour) they cover, locations together."""
    cells: Cells = {}
    for per_location in scheduled_by_location(session, period,
                                              location_ids=location_ids).values():
        for key, minutes in per_location.items():
            cells[key] = cells.get(key, 0.0) + minutes
    return cells
