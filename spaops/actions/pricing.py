"""Prices under the market band: the menu price that reaches the floor, and its worth."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection
from datetime import date, timedelta

from sqlalchemy import and_, func, select
from sqlmodel import Session

from models import BookingDay, Location, MarketBand, Service
from spaops.actions.base import Action, dollars
from spaops.analytics.kpis import in_scope

WINDOW_DAYS = 90


def new_price(band_low: float, duration_min: int, step: int) -> int:
    """The band floor for this length, rounded up to a multiple of `step` dollars."""
    return math.ceil(band_low * duration_min / 60 / step) * step


def price_actions(session: Session, end: date, settings: dict, *,
                  location_ids: Collection[int] | None = None) -> list[Action]:
    """One action per service and location with a completed booking below its band."""
    r, s, loc, band = (BookingDay.__table__, Service.__table__, Location.__table__,
                       MarketBand.__table__)
    start = end - timedelta(days=WINDOW_DAYS - 1)
    step = int(settings["action_price_round_dollars"])
    rows = session.execute(
        select(loc.c.name.label("location"), s.c.name.label("service"), band.c.low,
               band.c.high, r.c.duration_min, r.c.price_cents,
               func.sum(r.c.bookings).label("n"))
        .select_from(r.join(s, s.c.id == r.c.service_id)
                     .join(loc, loc.c.id == r.c.location_id)
                     .join(band, and_(band.c.tier == loc.c.tier,
                                      band.c.category == s.c.category)))
        .where(r.c.status == "completed", r.c.price_cents.isnot(None),
               s.c.category.in_(("therapeutic", "relaxation")),
               r.c.day >= start, r.c.day <= end, in_scope(r.c.location_id, location_ids))
        .group_by(loc.c.name, s.c.name, band.c.low, band.c.high, r.c.duration_min,
                  r.c.price_cents)).all()
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for row in rows:
        groups[(row.location, row.service)].append(row)
    actions = []
    for (location, service), group in sorted(groups.items()):
        low, high = float(group[0].low), float(group[0].high)
        below = sum(int(g.n) for g in group
                    if g.price_cents * 60 < low * 100 * g.duration_min)
        if not below:
            continue
        completed = sum(int(g.n) for g in group)
        lengths: dict[int, int] = defaultdict(int)
        for g in group:
            lengths[int(g.duration_min)] += int(g.n)
        duration = max(sorted(lengths), key=lambda d: lengths[d])  # ties: the shorter
        price = new_price(low, duration, step)
        gain_cents = sum(max(0, price * 100 - g.price_cents) * int(g.n) for g in group)
        value = dollars(gain_cents / 3)
        verb = "was" if below == 1 else "were"
        actions.append(Action(
            kind="price_below_band", location=location, subject=service,
            instruction=(f"Raise {service} at {location} to ${price} for {duration} minutes: "
                         f"{below} of its {completed} completed bookings in the last 90 days "
                         f"{verb} priced under the ${low:g}-${high:g} band."),
            value=value, unit="USD/month",
            evidence={"period": {"from": start.isoformat(), "to": end.isoformat()},
                      "completed": completed, "below_band": below, "duration_min": duration,
                      "band_low": low, "band_high": high, "new_price": price},
            assumptions=[
                "volume holds at the last 90 days' completed bookings (a third of them a month)",
                f"menu prices are rounded up to a multiple of ${step} "
                "(setting: action_price_round_dollars)",
            ],
            page="pricing"))
    return actions
