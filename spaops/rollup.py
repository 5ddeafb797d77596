"""Keeping `booking_day` (the daily rollup owner reports read) equal to the bookings.

Writes through the ORM (assignments, hand-built data) are caught after each flush. Bulk
writers that bypass it with Core or executemany (the import, the demo seed) must call
`refresh_booking_days` with the days they touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, event, func, insert, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, UOWTransaction

from models import Booking, BookingDay, Location
from spaops.analytics.report import Period
from spaops.analytics.sqlfuncs import day_of

# The columns a booking is rolled up by, besides its location and day.
_ALIKE = ("service_id", "status", "with_therapist", "duration_min", "price_cents")
Spans = Mapping[int, tuple[date, date]]
WINDOW_DAYS = 31


def spans_of(pairs: Iterable[tuple[int, date]]) -> dict[int, tuple[date, date]]:
    """The first and last day touched per location, from (location id, day) pairs."""
    spans: dict[int, tuple[date, date]] = {}
    for location_id, day in pairs:
        first, last = spans.get(location_id, (day, day))
        spans[location_id] = (min(first, day), max(last, day))
    return spans


def _rolled_up(where: Any) -> Any:
    b = Booking.__table__
    day = day_of(b.c.starts_at)
    with_therapist = b.c.therapist_id.isnot(None)
    keys = (b.c.location_id, day, b.c.service_id, b.c.status, with_therapist,
            b.c.duration_min, b.c.price_cents)
    return select(*keys, func.count()).where(where).group_by(*keys)


def refresh_booking_days(connection: Connection, spans: Spans | None = None) -> None:
    """Rebuild the rollup for each location's span of days, or entirely when spans is None."""
    b, r = Booking.__table__, BookingDay.__table__
    columns = ["location_id", "day", *_ALIKE, "bookings"]
    if spans is None:
        connection.execute(delete(r))
        connection.execute(insert(r).from_select(columns, _rolled_up(b.c.id.isnot(None))))
        return
    for location_id in sorted(spans):
        first, last = spans[location_id]
        if connection.dialect.name == "postgresql":
            # Concurrent writers of one location's days take turns (SQLite writes one at a
            # time already), so neither deletes what the other is about to count.
            connection.execute(select(Location.__table__.c.id)
                               .where(Location.__table__.c.id == location_id).with_for_update())
        # A month at a time: each GROUP BY sorts a month of bookings, not a year of them.
        while first <= last:
            until = min(last, first + timedelta(days=WINDOW_DAYS - 1))
            connection.execute(delete(r).where(r.c.location_id == location_id,
                                               r.c.day >= first, r.c.day <= until))
            begin, end = Period(first, until).bounds()
            connection.execute(insert(r).from_select(columns, _rolled_up(
                (b.c.location_id == location_id)
                & (b.c.starts_at >= begin) & (b.c.starts_at < end))))
            first = until + timedelta(days=1)


def _days_of(booking: Booking) -> list[tuple[int, date]]:
    """The (location, day) a booking sits on now and, if it moved, sat on before."""
    state = inspect(booking)
    pairs = []
    for when in ("now", "before"):
        values = []
        for attribute in ("location_id", "starts_at"):
            history = state.attrs[attribute].history
            if when == "now":
                value = getattr(booking, attribute)
            else:
                value = (history.deleted or history.unchanged or [None])[0]
            values.append(value)
        location_id, starts_at = values
        if location_id is not None and isinstance(starts_at, datetime):
            pairs.append((location_id, starts_at.date()))
    return pairs


@event.listens_for(Session, "after_flush")
def _follow_orm_writes(session: Session, _context: UOWTransaction) -> None:
    """Refresh the days of every booking this flush added, changed or deleted."""
    touched = [obj for obj in (*session.new, *session.dirty, *session.deleted)
               if isinstance(obj, Booking)]
    if touched:
        pairs = [pair for booking in touched for pair in _days_of(booking)]
        refresh_booking_days(session.connection(), spans_of(pairs))
