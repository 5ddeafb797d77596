"""Licenses and specialty credentials that have expired or expire soon."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import or_, select
from sqlmodel import Session

from models import Credential, Location, Therapist
from spaops.analytics.kpis import in_scope


def expiring(session: Session, today: date, *, within_days: int = 30,
             location_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Licenses (LMT) and credentials expired or expiring within N days, soonest first."""
    th, cr, loc = Therapist.__table__, Credential.__table__, Location.__table__
    horizon = today + timedelta(days=within_days)
    licenses = session.execute(
        select(th.c.name.label("therapist"), loc.c.name.label("location"),
               th.c.license_expires.label("expires"))
        .outerjoin(loc, loc.c.id == th.c.home_location_id)
        .where(th.c.active, in_scope(th.c.home_location_id, location_ids),
               or_(th.c.license_expires.is_(None), th.c.license_expires <= horizon))).all()
    credentials = session.execute(
        select(th.c.name.label("therapist"), loc.c.name.label("location"), cr.c.kind,
               cr.c.expires)
        .join(th, th.c.id == cr.c.therapist_id)
        .outerjoin(loc, loc.c.id == th.c.home_location_id)
        .where(th.c.active, in_scope(th.c.home_location_id, location_ids),
               cr.c.expires.isnot(None), cr.c.expires <= horizon)).all()
    rows = [{"therapist": r.therapist, "location": r.location, "what": "LMT license",
             "expires": r.expires} for r in licenses]
    rows += [{"therapist": r.therapist, "location": r.location,
              "what": r.kind.replace("_", " "), "expires": r.expires} for r in credentials]
    frame = pd.DataFrame(rows, columns=["therapist", "location", "what", "expires"])
    frame["days_left"] = [None if e is None else (e - today).days for e in frame["expires"]]
    frame["status"] = ["no license on file" if d is None else "expired" if d < 0
                       else "expiring" for d in frame["days_left"]]
    return frame.sort_values("days_left", na_position="first").reset_index(drop=True)
