"""Therapist and room utilisation: booked hands-on minutes against scheduled time."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from models import Booking, BookingDay, Location, Shift, Therapist
from spaops.analytics.hours import (
    HOLDS_TIME,
    WEEKDAYS,
    booked_by_hour,
    holds_time,
    scheduled_by_hour,
)
from spaops.analytics.kpis import Period, in_scope, kpi_sums
from spaops.analytics.sqlfuncs import (
    day_of,
    minutes_between,
    week_start,
)


def band_status(utilisation: float | None, low: float, high: float, burnout: float) -> str:
    """Where a utilisation sits against the target band."""
    if utilisation is None or pd.isna(utilisation):
        return "no shifts"
    if utilisation > burnout:
        return "burnout risk"
    if utilisation > high:
        return "above band"
    if utilisation < low:
        return "idle time"
    return "in band"


def therapist_utilisation(session: Session, period: Period, *,
                          location_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Booked and scheduled minutes per therapist over the period, in scope."""
    b, sh, th, loc = (Booking.__table__, Shift.__table__, Therapist.__table__,
                      Location.__table__)
    booked = pd.DataFrame(session.execute(
        select(b.c.therapist_id, func.sum(b.c.duration_min).label("booked_minutes"),
               func.sum(func.coalesce(b.c.price_cents, 0)).filter(b.c.status == "completed")
               .label("revenue_cents"),
               func.count().filter(b.c.status == "completed").label("completed"))
        .where(*holds_time(period, location_ids))
        .group_by(b.c.therapist_id)).mappings().all(),
        columns=["therapist_id", "booked_minutes", "revenue_cents", "completed"])
    scheduled = pd.DataFrame(session.execute(
        select(sh.c.therapist_id,
               func.sum(minutes_between(sh.c.start_time, sh.c.end_time))
               .label("scheduled_minutes"))
        .where(sh.c.shift_date >= period.start, sh.c.shift_date <= period.end,
               in_scope(sh.c.location_id, location_ids))
        .group_by(sh.c.therapist_id)).mappings().all(),
        columns=["therapist_id", "scheduled_minutes"])
    names = pd.DataFrame(session.execute(
        select(th.c.id.label("therapist_id"), th.c.name.label("therapist"),
               loc.c.name.label("home_location"))
        .outerjoin(loc, loc.c.id == th.c.home_location_id)).mappings().all(),
        columns=["therapist_id", "therapist", "home_location"])
    frame = booked.merge(scheduled, on="therapist_id", how="outer")
    frame = frame.merge(names, on="therapist_id", how="left")
    for column in ("booked_minutes", "scheduled_minutes", "revenue_cents", "completed"):
        frame[column] = pd.to_numeric(frame[column]).fillna(0)
    frame["scheduled_minutes"] = frame["scheduled_minutes"].round().astype(int)
    frame["booked_minutes"] = frame["booked_minutes"].astype(int)
    frame["revenue"] = frame["revenue_cents"] / 100
    frame["utilisation"] = (frame["booked_minutes"] / frame["scheduled_minutes"]
                            .where(frame["scheduled_minutes"] > 0)).round(4)
    columns = ["therapist_id", "therapist", "home_location", "scheduled_minutes",
               "booked_minutes", "utilisation", "completed", "revenue"]  # as read: name first
    return frame[columns].sort_values("therapist").reset_index(drop=True)


def room_utilisation(session: Session, period: Period, *,
                     location_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Room utilisation and RevPATH per location: sold minutes over rooms x opening time
    (the results first, then what they are worked out from)."""
    sums = kpi_sums(session, period, location_ids=location_ids)
    loc = Location.__table__
    settings = pd.DataFrame(session.execute(
        select(loc.c.id.label("location_id"), loc.c.rooms, loc.c.opens_at, loc.c.closes_at)
        .where(in_scope(loc.c.id, location_ids))).mappings().all(),
        columns=["location_id", "rooms", "opens_at", "closes_at"])
    frame = sums[["location_id", "location", "booked_minutes", "revenue_cents"]].merge(
        settings, on="location_id")
    day = datetime(2000, 1, 1)
    frame["opening_minutes"] = [
        (datetime.combine(day, c) - datetime.combine(day, o)).total_seconds() / 60
        for o, c in zip(frame["opens_at"], frame["closes_at"], strict=True)]
    available = frame["rooms"] * frame["opening_minutes"] * period.days
    frame["available_room_hours"] = (available / 60).round(1)
    frame["room_utilisation"] = (frame["booked_minutes"] / available.where(available > 0)
                                 ).round(4)
    frame["revpath"] = (frame["revenue_cents"] / 100 / (available / 60).where(available > 0)
                        ).round(2)
    frame["revenue"] = frame["revenue_cents"] / 100
    return frame[["location_id", "location", "room_utilisation", "revpath", "revenue",
                  "booked_minutes", "available_room_hours", "rooms", "opening_minutes"]]


def weekly_utilisation(session: Session, period: Period, *,
                       location_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Booked over scheduled minutes per location and week (Monday)."""
    r, sh, loc = BookingDay.__table__, Shift.__table__, Location.__table__
    week_b = week_start(r.c.day).label("week")
    booked = pd.DataFrame(session.execute(
        select(loc.c.name.label("location"), week_b,
               func.sum(r.c.duration_min * r.c.bookings).label("booked_minutes"))
        .join(loc, loc.c.id == r.c.location_id)
        .where(r.c.with_therapist, r.c.status.in_(HOLDS_TIME),
               r.c.day >= period.start, r.c.day <= period.end,
               in_scope(r.c.location_id, location_ids))
        .group_by(loc.c.name, week_b)).mappings().all(),
        columns=["location", "week", "booked_minutes"])
    week_s = week_start(sh.c.shift_date).label("week")
    scheduled = pd.DataFrame(session.execute(
        select(loc.c.name.label("location"), week_s,
               func.sum(minutes_between(sh.c.start_time, sh.c.end_time))
               .label("scheduled_minutes"))
        .join(loc, loc.c.id == sh.c.location_id)
        .where(sh.c.shift_date >= period.start, sh.c.shift_date <= period.end,
               in_scope(sh.c.location_id, location_ids))
        .group_by(loc.c.name, week_s)).mappings().all(),
        columns=["location", "week", "scheduled_minutes"])
    for frame in (booked, scheduled):
        frame["week"] = pd.to_datetime(frame["week"])
    frame = booked.merge(scheduled, on=["location", "week"], how="outer").fillna(0)
    frame["scheduled_minutes"] = pd.to_numeric(frame["scheduled_minutes"]).round().astype(int)
    frame["utilisation"] = (frame["booked_minutes"] / frame["scheduled_minutes"]
                            .where(frame["scheduled_minutes"] > 0)).astype(float).round(4)
    return frame.sort_values(["location", "week"]).reset_index(drop=True)


def weekday_hour_grid(session: Session, period: Period, *,
                      location_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Booked vs scheduled minutes by weekday and hour, each counted in the hours it covers."""
    booked = booked_by_hour(session, period, location_ids=location_ids)
    scheduled = scheduled_by_hour(session, period, location_ids=location_ids)
    grid = pd.DataFrame([(wd, h) for wd in range(7) for h in range(24)],
                        columns=["weekday", "hour"])
    cells = list(zip(grid["weekday"], grid["hour"], strict=True))
    grid["booked_minutes"] = [booked.get(cell, 0.0) for cell in cells]
    grid["scheduled_minutes"] = [scheduled.get(cell, 0.0) for cell in cells]
    grid["utilisation"] = (grid["booked_minutes"] / grid["scheduled_minutes"]
                           .where(grid["scheduled_minutes"] > 0)).round(4)
    grid["day"] = grid["weekday"].map(dict(enumerate(WEEKDAYS)))
    return grid


def hands_on_per_day(session: Session, period: Period, *,
                     location_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Hands-on minutes per therapist per day (the daily cap is measured against this)."""
    b, th = Booking.__table__, Therapist.__table__
    day = day_of(b.c.starts_at).label("day")
    frame = pd.DataFrame(session.execute(
        select(th.c.name.label("therapist"), day,
               func.sum(b.c.duration_min).label("minutes"))
        .join(th, th.c.id == b.c.therapist_id)
        .where(*holds_time(period, location_ids))
        .group_by(th.c.name, day)).mappings().all(), columns=["therapist", "day", "minutes"])
    frame["day"] = pd.to_datetime(frame["day"])
    return frame.sort_values(["day", "therapist"]).reset_index(drop=True)


