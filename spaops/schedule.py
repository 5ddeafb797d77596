"""A location's day as the Assign page shows it: shifts and bookings per therapist."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from models import Booking, Client, Service, Shift, Therapist


def day_timeline(session: Session, location_id: int, day: date) -> pd.DataFrame:
    """One row per shift and per non-cancelled booking of the day, by therapist."""
    sh, th = Shift.__table__, Therapist.__table__
    b, s, c = Booking.__table__, Service.__table__, Client.__table__
    shifts = session.execute(
        select(th.c.name.label("therapist"), sh.c.shift_date, sh.c.start_time, sh.c.end_time)
        .join(th, th.c.id == sh.c.therapist_id)
        .where(sh.c.location_id == location_id, sh.c.shift_date == day)).all()
    rows = [{"therapist": r.therapist, "kind": "shift",
             "start": datetime.combine(day, r.start_time),
             "end": datetime.combine(day, r.end_time), "label": "on shift",
             "booking_ref": None} for r in shifts]
    begin = datetime.combine(day, time())
    bookings = session.execute(
        select(th.c.name.label("therapist"), b.c.external_ref, b.c.starts_at, b.c.ends_at,
               s.c.name.label("service"), c.c.external_ref.label("client"), b.c.status)
        .join(th, th.c.id == b.c.therapist_id).join(s, s.c.id == b.c.service_id)
        .outerjoin(c, c.c.id == b.c.client_id)
        .where(b.c.location_id == location_id, b.c.status != "cancelled",
               b.c.starts_at >= begin, b.c.starts_at < begin + timedelta(days=1))).all()
    rows += [{"therapist": r.therapist, "kind": "booking", "start": r.starts_at,
              "end": r.ends_at, "label": f"{r.service} ({r.client or 'walk-in'})",
              "service": r.service, "booking_ref": r.external_ref} for r in bookings]
    return pd.DataFrame(rows, columns=["therapist", "kind", "start", "end", "label",
                                       "service", "booking_ref"])


def therapists_page(timeline: pd.DataFrame, page: int, size: int) -> pd.DataFrame:
    """The day's rows of the `page`-th `size` therapists by name (pages count from 1)."""
    names = sorted(timeline["therapist"].unique())
    shown = names[(page - 1) * size:page * size]
    return timeline[timeline["therapist"].isin(shown)]


def open_bookings(session: Session, location_id: int, day: date) -> pd.DataFrame:
    """The day's bookings still waiting for a therapist."""
    b, s, c = Booking.__table__, Service.__table__, Client.__table__
    begin = datetime.combine(day, time())
    rows = session.execute(
        select(b.c.external_ref.label("booking_ref"), b.c.starts_at.label("start"),
               b.c.duration_min, s.c.name.label("service"), c.c.external_ref.label("client"),
               c.c.contraindications)
        .join(s, s.c.id == b.c.service_id).outerjoin(c, c.c.id == b.c.client_id)
        .where(b.c.location_id == location_id, b.c.therapist_id.is_(None),
               b.c.status == "booked", b.c.starts_at >= begin,
               b.c.starts_at < begin + timedelta(days=1))
        .order_by(b.c.starts_at, b.c.external_ref)).mappings().all()
    return pd.DataFrame(rows, columns=["booking_ref", "start", "duration_min", "service",
                                       "client", "contraindications"])
