"""Therapists booked over the daily hands-on cap, and the bookings a colleague could take."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from models import Booking, Location, Therapist
from spaops.actions.base import Action
from spaops.analytics.report import in_scope
from spaops.analytics.sqlfuncs import day_of
from spaops.matching import evaluate, load_day  # one day's rules, loaded once a day

# The days worked out booking by booking (matching is the costly part); the rest still
# show, with the Assign page to find the colleague.
DETAILED_DAYS = 5


def _movable(session: Session, therapist_id: int, location_id: int, day: date,
             over: int) -> list[dict]:
    """The fewest bookings, earliest first, that colleagues could take to end the overload."""
    location = session.get(Location, location_id)
    ctx = load_day(session, location, day)
    bookings = session.scalars(
        select(Booking).where(Booking.therapist_id == therapist_id,
                              Booking.location_id == location_id, Booking.status == "booked",
                              Booking.starts_at >= datetime.combine(day, time()),
                              Booking.starts_at < datetime.combine(day + timedelta(days=1),
                                                                   time()))
        .order_by(Booking.starts_at)).all()
    movable, freed = [], 0
    for booking in bookings:
        if freed >= over:
            break
        names = [c.therapist for c in evaluate(session, booking, ctx).candidates
                 if c.therapist_id != therapist_id]
        if names:
            freed += booking.duration_min
            movable.append({"booking_ref": booking.external_ref,
                            "starts_at": booking.starts_at.isoformat(timespec="minutes"),
                            "duration_min": booking.duration_min, "colleagues": names[:3]})
    return movable


def over_cap_actions(session: Session, today: date, settings: dict, *,
                     location_ids: Collection[int] | None = None) -> list[Action]:
    """One action per therapist and day in the coming days booked over the cap."""
    b, th, loc = Booking.__table__, Therapist.__table__, Location.__table__
    cap = int(settings["daily_cap_min"])
    horizon_days = int(settings["action_over_cap_horizon_days"])
    last = today + timedelta(days=horizon_days - 1)
    day = day_of(b.c.starts_at).label("day")
    window = (b.c.status == "booked", b.c.therapist_id.isnot(None),
              b.c.starts_at >= datetime.combine(today, time()),
              b.c.starts_at < datetime.combine(last + timedelta(days=1), time()),
              in_scope(b.c.location_id, None))  # every location: walks the location index
    # The cap counts every location the therapist works that day.
    over = (select(b.c.therapist_id, day, func.sum(b.c.duration_min).label("minutes"),
                   func.count().label("bookings"))
            .where(*window).group_by(b.c.therapist_id, day)
            .having(func.sum(b.c.duration_min) > cap).subquery())
    here = day_of(b.c.starts_at)
    rows = session.execute(
        select(over.c.therapist_id, th.c.name.label("therapist"), over.c.day,
               over.c.minutes, over.c.bookings, func.min(b.c.location_id).label("location_id"))
        .join(th, th.c.id == over.c.therapist_id)
        .join(b, (b.c.therapist_id == over.c.therapist_id) & (here == over.c.day))
        .where(*window, in_scope(b.c.location_id, location_ids))
        .group_by(over.c.therapist_id, th.c.name, over.c.day, over.c.minutes,
                  over.c.bookings)).all()
    names = dict(session.execute(select(loc.c.id, loc.c.name)).all())
    rows = sorted(rows, key=lambda r: (-(int(r.minutes) - cap), str(r.day), r.therapist))
    actions = []
    for rank, row in enumerate(rows):
        the_day = row.day if isinstance(row.day, date) else date.fromisoformat(str(row.day))
        minutes, excess = int(row.minutes), int(row.minutes) - cap
        movable = (_movable(session, row.therapist_id, row.location_id, the_day, excess)
                   if rank < DETAILED_DAYS else None)
        if movable:
            advice = f"move {movable[0]['booking_ref']} to {movable[0]['colleagues'][0]}"
        elif movable is None:
            advice = "find a colleague for one of the bookings on the Assign page"
        else:
            advice = "no eligible colleague is free, so add a shift or reschedule"
        actions.append(Action(
            kind="over_cap", location=names[row.location_id],
            subject=f"{row.therapist}, {the_day}",
            instruction=(f"Lighten {row.therapist}'s {the_day.strftime('%a %d %b')}: "
                         f"{minutes} hands-on minutes are booked against a {cap}-minute cap; "
                         f"{advice}."),
            value=excess, unit="minutes over cap",
            evidence={"period": {"from": today.isoformat(), "to": last.isoformat()},
                      "therapist": row.therapist, "day": the_day.isoformat(),
                      "booked_minutes": minutes, "cap_min": cap,
                      "bookings": int(row.bookings), "movable": movable or []},
            assumptions=[f"daily hands-on cap of {cap} minutes (setting: daily_cap_min)",
                         f"looks {horizon_days} days ahead "
                         "(setting: action_over_cap_horizon_days)",
                         "a colleague is eligible by the matching rules on today's data; "
                         f"the {DETAILED_DAYS} largest overloads are worked out booking by "
                         "booking"],
            page="assign"))
    return actions
