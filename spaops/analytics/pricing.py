"""Prices per 60 minutes against the market band of each location's tier."""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd
from sqlalchemy import and_, case, func, select
from sqlmodel import Session

from models import TIERS, MarketBand
from spaops.analytics.bands import completed_massages
from spaops.analytics.kpis import Period
from spaops.auth import NotAllowed, Viewer
from spaops.revision import bump_data_revision


def price_bands(session: Session, period: Period, *,
                location_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Per location and massage service: price per 60 min, band, counts and the gap."""
    m = completed_massages(period.start, period.end, location_ids)
    n = m.c.n  # the daily rollup: each row stands for n alike bookings
    below = m.c.price_cents * 60 < m.c.low * 100 * m.c.duration_min
    above = m.c.price_cents * 60 > m.c.high * 100 * m.c.duration_min
    keys = (m.c.location, m.c.tier, m.c.service, m.c.category, m.c.low, m.c.high, m.c.source)
    stmt = (
        select(*keys, func.sum(n).label("completed"),
               (func.sum(m.c.price_cents * 60.0 / m.c.duration_min * n) / func.sum(n) / 100)
               .label("price_60"),
               func.sum(case((below, n), else_=0)).label("below_band"),
               func.sum(case((and_(~below, ~above), n), else_=0)).label("within_band"),
               func.sum(case((above, n), else_=0)).label("above_band"),
               func.sum(case((below, (m.c.low * 100.0 * m.c.duration_min / 60.0
                                      - m.c.price_cents) * n), else_=0)).label("gap_cents"))
        .group_by(*keys)
        .order_by(m.c.location, m.c.service))
    frame = pd.DataFrame(session.execute(stmt).mappings().all(),
                         columns=["location", "tier", "service", "category", "low", "high",
                                  "source", "completed", "price_60", "below_band",
                                  "within_band", "above_band", "gap_cents"])
    frame["price_60"] = pd.to_numeric(frame["price_60"]).astype(float).round(2)
    frame["below_band_gap"] = (pd.to_numeric(frame["gap_cents"]).astype(float) / 100).round(2)
    return frame.drop(columns="gap_cents")


def market_bands(session: Session) -> pd.DataFrame:
    """The band table: tier, category, low, high, where each row came from."""
    band = MarketBand.__table__
    return pd.DataFrame(session.execute(
        select(band.c.tier, band.c.category, band.c.low, band.c.high, band.c.source)
        .order_by(band.c.tier, band.c.category)).mappings().all(),
        columns=["tier", "category", "low", "high", "source"])


def save_market_band(session: Session, tier: str, category: str, low: float, high: float,
                     source: str, *, viewer: Viewer) -> None:
    """Create or change one band row (owners only; the caller commits)."""
    if not viewer.is_owner:
        raise NotAllowed("only an owner can edit market bands")
    if tier not in TIERS or category not in ("therapeutic", "relaxation"):
        raise ValueError(f"no band for tier {tier!r} and category {category!r}")
    if not (0 < low <= high):
        raise ValueError(f"a band needs 0 < low <= high (got {low} - {high})")
    if not source.strip():
        raise ValueError("say where the band comes from (source)")
    row = session.scalars(select(MarketBand).where(MarketBand.tier == tier,
                                                   MarketBand.category == category)).first()
    row = row or MarketBand(tier=tier, category=category, low=low, high=high)
    row.low, row.high, row.source = float(low), float(high), source.strip()
    session.add(row)
    bump_data_revision(session)
