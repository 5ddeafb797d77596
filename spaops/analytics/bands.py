"""Where completed massage prices meet their market band: the one select the Pricing page,
the alerts and the price actions share (no data frames, so the command line starts quickly)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import Subquery, and_, select

from models import BookingDay, Location, MarketBand, Service
from spaops.analytics.report import in_scope


def completed_massages(start: date, end: date,
                       location_ids: Collection[int] | None = None) -> Subquery:
    """Daily rollup rows of completed, priced massages from start to end (local days) with
    their location, service and market band: the one place prices meet bands."""
    r, s, loc, band = (BookingDay.__table__, Service.__table__, Location.__table__,
                       MarketBand.__table__)
    return (
        select(loc.c.name.label("location"), loc.c.tier, s.c.name.label("service"),
               s.c.category, band.c.low, band.c.high, band.c.source, r.c.day,
               r.c.duration_min, r.c.price_cents, r.c.bookings.label("n"))
        .select_from(r.join(s, s.c.id == r.c.service_id)
                     .join(loc, loc.c.id == r.c.location_id)
                     .join(band, and_(band.c.tier == loc.c.tier,
                                      band.c.category == s.c.category)))
        .where(r.c.status == "completed", r.c.price_cents.isnot(None),
               s.c.category.in_(("therapeutic", "relaxation")),
               r.c.day >= start, r.c.day <= end, in_scope(r.c.location_id, location_ids))
        .subquery("completed_massages"))
