"""The KPI figures of DESIGN.md, per location and for the chain, aggregated in SQL."""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import and_, case, false, func, not_, select
from sqlalchemy.sql.expression import ColumnElement
from sqlmodel import Session

from models import Booking, Location, MarketBand, Service, Shift
from spaops.analytics.sqlfuncs import minutes_between, week_start

# The figures of the `report kpis` document, in the contract's order.
FIGURES = (
    "bookings", "completed", "cancelled", "no_show", "revenue", "avg_ticket",
    "booked_minutes", "scheduled_minutes", "utilisation", "therapeutic_share",
    "therapeutic_revenue", "relaxation_revenue", "below_band", "within_band", "above_band",
    "below_band_gap",
)
MONEY = ("revenue", "avg_ticket", "therapeutic_revenue", "relaxation_revenue", "below_band_gap")
SHARES = ("utilisation", "therapeutic_share")
# Sums every ratio is derived from; the chain adds these up, never averages ratios.
RAW_SUMS = (
    "bookings", "completed", "cancelled", "no_show", "revenue_cents", "booked_minutes",
    "scheduled_minutes", "completed_therapeutic", "completed_relaxation",
    "therapeutic_revenue_cents", "relaxation_revenue_cents", "below_band", "within_band",
    "above_band", "below_band_gap_cents",
)
# Shown beside every KPI: booking suites define these differently, owners must know ours.
FORMULAS = {
    "revenue": "Sum of the price of completed bookings.",
    "completed": "Bookings with status completed.",
    "avg_ticket": "Revenue / completed bookings.",
    "utilisation": "Booked minutes / scheduled shift minutes. Booked minutes: bookings with a "
    "therapist and status booked, completed or no-show (a no-show still held the time).",
    "therapeutic_share": "Completed therapeutic / (completed therapeutic + completed "
    "relaxation); services of category 'other' stay out.",
    "below_band_gap": "Sum over completed massages priced below their market band of "
    "(band low - price per 60 min) x minutes / 60: revenue missed against the band's floor.",
    "bookings": "All bookings starting in the period, whatever their status.",
    "cancelled": "Bookings with status cancelled.",
    "no_show": "Bookings with status no-show.",
}


@dataclass(frozen=True)
class Period:
    """An inclusive range of local dates."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of equal length just before this one."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def bounds(self) -> tuple[datetime, datetime]:
        """Half-open datetime bounds [start 00:00, day after end 00:00)."""
        return datetime.combine(self.start, time()), datetime.combine(
            self.end + timedelta(days=1), time()
        )


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _sum_if(condition: ColumnElement[bool], value: Any) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def in_scope(column: Any, location_ids: Collection[int] | None) -> ColumnElement[bool]:
    """SQL condition restricting a location column to the ids in scope (None = all)."""
    if location_ids is None:
        return column.isnot(None)
    if not location_ids:
        return false()
    return column.in_(sorted(location_ids))


def booking_sums(
    session: Session, period: Period, *, location_ids: Collection[int] | None = None
) -> pd.DataFrame:
    """Raw per-location sums over the period's bookings (money in cents), one GROUP BY."""
    b, s, loc, band = (Booking.__table__, Service.__table__, Location.__table__,
                       MarketBand.__table__)
    begin, end = period.bounds()
    completed = b.c.status == "completed"
    massage = s.c.category.in_(("therapeutic", "relaxation"))
    banded = and_(completed, massage, b.c.price_cents.isnot(None), band.c.id.isnot(None))
    # Compare price per 60 minutes with the band by cross-multiplying: exact in integers.
    below = and_(banded, b.c.price_cents * 60 < band.c.low * 100 * b.c.duration_min)
    above = and_(banded, b.c.price_cents * 60 > band.c.high * 100 * b.c.duration_min)
    holds_time = and_(
        b.c.therapist_id.isnot(None), b.c.status.in_(("booked", "completed", "no_show"))
    )
    stmt = (
        select(
            b.c.location_id,
            func.count().label("bookings"),
            _count_if(completed).label("completed"),
            _count_if(b.c.status == "cancelled").label("cancelled"),
            _count_if(b.c.status == "no_show").label("no_show"),
            _sum_if(completed, b.c.price_cents).label("revenue_cents"),
            _sum_if(holds_time, b.c.duration_min).label("booked_minutes"),
            _count_if(and_(completed, s.c.category == "therapeutic")).label(
                "completed_therapeutic"),
            _count_if(and_(completed, s.c.category == "relaxation")).label(
                "completed_relaxation"),
            _sum_if(and_(completed, s.c.category == "therapeutic"), b.c.price_cents).label(
                "therapeutic_revenue_cents"),
            _sum_if(and_(completed, s.c.category == "relaxation"), b.c.price_cents).label(
                "relaxation_revenue_cents"),
            _count_if(below).label("below_band"),
            _count_if(and_(banded, not_(below), not_(above))).label("within_band"),
            _count_if(above).label("above_band"),
            _sum_if(
                below, band.c.low * 100.0 * b.c.duration_min / 60.0 - b.c.price_cents
            ).label("below_band_gap_cents"),
        )
        .select_from(
            b.join(s, s.c.id == b.c.service_id)
            .join(loc, loc.c.id == b.c.location_id)
            .outerjoin(band, and_(band.c.tier == loc.c.tier, band.c.category == s.c.category))
        )
        .where(b.c.starts_at >= begin, b.c.starts_at < end, in_scope(b.c.location_id,
                                                                     location_ids))
        .group_by(b.c.location_id)
    )
    return pd.DataFrame(session.execute(stmt).mappings().all(),
                        columns=["location_id", *[c for c in RAW_SUMS if c != "scheduled_minutes"]])


def scheduled_minutes(
    session: Session, period: Period, *, location_ids: Collection[int] | None = None
) -> pd.DataFrame:
    """Scheduled shift minutes per location over the period."""
    sh = Shift.__table__
    stmt = (
        select(sh.c.location_id,
               func.sum(minutes_between(sh.c.start_time, sh.c.end_time)).label("scheduled_minutes"))
        .where(sh.c.shift_date >= period.start, sh.c.shift_date <= period.end,
               in_scope(sh.c.location_id, location_ids))
        .group_by(sh.c.location_id)
    )
    frame = pd.DataFrame(session.execute(stmt).mappings().all(),
                         columns=["location_id", "scheduled_minutes"])
    frame["scheduled_minutes"] = frame["scheduled_minutes"].astype(float).round().astype(int)
    return frame


def locations_in_scope(
    session: Session, *, location_ids: Collection[int] | None = None
) -> pd.DataFrame:
    """Id, name and tier of every location in scope, by name."""
    loc = Location.__table__
    stmt = (select(loc.c.id.label("location_id"), loc.c.name.label("location"), loc.c.tier)
            .where(in_scope(loc.c.id, location_ids)).order_by(loc.c.name))
    return pd.DataFrame(session.execute(stmt).mappings().all(),
                        columns=["location_id", "location", "tier"])


def _ratio(numerator: float, denominator: float) -> float | None:
    return None if not denominator else numerator / denominator


def finish_figures(raw: dict[str, Any]) -> dict[str, Any]:
    """Turn raw sums into the contract's figures: dollars to cents, shares to 4 places."""
    money = {
        "revenue": raw["revenue_cents"] / 100,
        "therapeutic_revenue": raw["therapeutic_revenue_cents"] / 100,
        "relaxation_revenue": raw["relaxation_revenue_cents"] / 100,
        "below_band_gap": raw["below_band_gap_cents"] / 100,
    }
    avg = _ratio(raw["revenue_cents"], raw["completed"])
    utilisation = _ratio(raw["booked_minutes"], raw["scheduled_minutes"])
    share = _ratio(raw["completed_therapeutic"],
                   raw["completed_therapeutic"] + raw["completed_relaxation"])
    figures: dict[str, Any] = {
        "bookings": int(raw["bookings"]),
        "completed": int(raw["completed"]),
        "cancelled": int(raw["cancelled"]),
        "no_show": int(raw["no_show"]),
        "revenue": round(money["revenue"], 2),
        "avg_ticket": None if avg is None else round(avg / 100, 2),
        "booked_minutes": int(raw["booked_minutes"]),
        "scheduled_minutes": int(raw["scheduled_minutes"]),
        "utilisation": None if utilisation is None else round(utilisation, 4),
        "therapeutic_share": None if share is None else round(share, 4),
        "therapeutic_revenue": round(money["therapeutic_revenue"], 2),
        "relaxation_revenue": round(money["relaxation_revenue"], 2),
        "below_band": int(raw["below_band"]),
        "within_band": int(raw["within_band"]),
        "above_band": int(raw["above_band"]),
        "below_band_gap": round(money["below_band_gap"] + 0.0, 2),
    }
    for key in MONEY:  # no "-0.0" in documents
        if figures[key] is not None and math.isclose(figures[key], 0.0, abs_tol=1e-9):
            figures[key] = 0.0
    return figures


def kpi_sums(
    session: Session, period: Period, *, location_ids: Collection[int] | None = None
) -> pd.DataFrame:
    """Raw sums per location in scope, including locations with no activity (zeros)."""
    frame = locations_in_scope(session, location_ids=location_ids)
    frame = frame.merge(booking_sums(session, period, location_ids=location_ids),
                        on="location_id", how="left")
    frame = frame.merge(scheduled_minutes(session, period, location_ids=location_ids),
                        on="location_id", how="left")
    for column in RAW_SUMS:
        frame[column] = frame[column].fillna(0)
    return frame


def kpi_table(
    session: Session, period: Period, *, location_ids: Collection[int] | None = None
) -> pd.DataFrame:
    """The contract's figures, one row per location in scope."""
    return location_figures(kpi_sums(session, period, location_ids=location_ids))


def location_figures(sums: pd.DataFrame) -> pd.DataFrame:
    """Per-location raw sums (from kpi_sums) as the contract's figures, one row each."""
    rows = [
        {"location_id": int(r["location_id"]), "location": r["location"], "tier": r["tier"],
         **finish_figures(r)}
        for r in sums.to_dict("records")
    ]
    return pd.DataFrame(rows, columns=["location_id", "location", "tier", *FIGURES])


def chain_figures(sums: pd.DataFrame) -> dict[str, Any]:
    """The chain's figures: sums over locations, ratios of those sums."""
    totals = {column: float(sums[column].sum()) if len(sums) else 0.0 for column in RAW_SUMS}
    return finish_figures(totals)


def kpi_report(
    session: Session, period: Period, *, location_ids: Collection[int] | None = None
) -> dict[str, Any]:
    """The `report kpis --json` document."""
    sums = kpi_sums(session, period, location_ids=location_ids)
    return {
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "locations": [
            {"location": r["location"], **finish_figures(r)} for r in sums.to_dict("records")
        ],
        "chain": chain_figures(sums),
    }


def weekly_revenue(
    session: Session, period: Period, *, location_ids: Collection[int] | None = None
) -> pd.DataFrame:
    """Completed revenue per week (Monday) and service category, in dollars."""
    b, s = Booking.__table__, Service.__table__
    begin, end = period.bounds()
    week = week_start(b.c.starts_at).label("week")
    stmt = (
        select(week, s.c.category, func.sum(b.c.price_cents).label("revenue_cents"))
        .select_from(b.join(s, s.c.id == b.c.service_id))
        .where(b.c.status == "completed", b.c.starts_at >= begin, b.c.starts_at < end,
               in_scope(b.c.location_id, location_ids))
        .group_by(week, s.c.category)
        .order_by(week)
    )
    frame = pd.DataFrame(session.execute(stmt).mappings().all(),
                         columns=["week", "category", "revenue_cents"])
    frame["week"] = pd.to_datetime(frame["week"])
    frame["revenue"] = frame["revenue_cents"].astype(float) / 100
    return frame.drop(columns="revenue_cents")
