"""Prices against the market band: under it, the menu price that reaches the floor and its
worth; over it, the volume to watch (never a cut)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import case, func, select
from sqlmodel import Session

from spaops.actions.base import Action, dollars
from spaops.analytics.bands import completed_massages

if TYPE_CHECKING:
    import pandas as pd

WINDOW_DAYS = 90


def new_price(band_low: float, duration_min: int, step: int) -> int:
    """The band floor for this length, rounded up to a multiple of `step` dollars."""
    return math.ceil(band_low * duration_min / 60 / step) * step


def price_actions(session: Session, end: date, settings: dict, *,
                  location_ids: Collection[int] | None = None) -> list[Action]:
    """One action per service and location with a completed booking below its band."""
    start = end - timedelta(days=WINDOW_DAYS - 1)
    step = int(settings["action_price_round_dollars"])
    m = completed_massages(start, end, location_ids)
    rows = session.execute(
        select(m.c.location, m.c.service, m.c.low, m.c.high, m.c.duration_min,
               m.c.price_cents, func.sum(m.c.n).label("n"))
        .group_by(m.c.location, m.c.service, m.c.low, m.c.high, m.c.duration_min,
                  m.c.price_cents)).all()
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
                         f"{verb} priced under the band of ${low:g}-${high:g} an hour."),
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


WATCH_COLUMNS = ["location", "service", "price_60", "band_high", "completed", "above_band",
                 "last_30_days", "month_before"]


def watch_volume(session: Session, end: date, *,
                 location_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Services priced over their band in the 90 days ending `end`: their completed volume
    in the last 30 days against the monthly average of the 60 days before, to watch."""
    import pandas as pd

    start = end - timedelta(days=WINDOW_DAYS - 1)
    recent = end - timedelta(days=29)
    m = completed_massages(start, end, location_ids)
    above = m.c.price_cents * 60 > m.c.high * 100 * m.c.duration_min
    stmt = (select(m.c.location, m.c.service, m.c.high.label("band_high"),
                   (func.sum(m.c.price_cents * 60.0 / m.c.duration_min * m.c.n)
                    / func.sum(m.c.n) / 100).label("price_60"),
                   func.sum(m.c.n).label("completed"),
                   func.sum(case((above, m.c.n), else_=0)).label("above_band"),
                   func.sum(case((m.c.day >= recent, m.c.n), else_=0)).label("last_30_days"))
            .group_by(m.c.location, m.c.service, m.c.high)
            .having(func.sum(case((above, m.c.n), else_=0)) > 0)
            .order_by(m.c.location, m.c.service))
    frame = pd.DataFrame(session.execute(stmt).mappings().all(),
                         columns=[c for c in WATCH_COLUMNS if c != "month_before"])
    for column in ("completed", "above_band", "last_30_days"):
        frame[column] = pd.to_numeric(frame[column]).astype(int)
    frame["price_60"] = pd.to_numeric(frame["price_60"]).astype(float).round(2)
    frame["band_high"] = pd.to_numeric(frame["band_high"]).astype(float)
    frame["month_before"] = ((frame["completed"] - frame["last_30_days"]) / 2).round(1)
    return frame[WATCH_COLUMNS]
