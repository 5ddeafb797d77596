"""The KPI figures of DESIGN.md, per location and for the chain, as plain rows from SQL.

This is what `spaops report kpis` prints and what the pages' frames (spaops.analytics.kpis)
are built from. It imports no pandas, so the command starts fast.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, false, func, select
from sqlalchemy.sql.expression import ColumnElement
from sqlmodel import Session

from models import BookingDay, Location, MarketBand, Service, Shift
from spaops.analytics.sqlfuncs import at_every_location, minutes_between

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

    def still_to_come(self, today: date) -> bool:
        """Whether the period starts today or later: none of its bookings is done yet."""
        return self.start >= today

    def previous(self) -> Period:
        """The period of equal length just before this one."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def bounds(self) -> tuple[datetime, datetime]:
        """Half-open datetime bounds [start 00:00, day after end 00:00)."""
        return datetime.combine(self.start, time()), datetime.combine(
            self.end + timedelta(days=1), time()
        )


def _sum_if(condition: ColumnElement[bool], value: Any) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def in_scope(column: Any, location_ids: Collection[int] | None) -> ColumnElement[bool]:
    """SQL condition restricting a location column to the ids in scope (None = all).

    "All" is spelled as every location's id, not as no condition, so the planner still
    walks the (location_id, starts_at) index one location at a time (see
    `at_every_location` for how each database is told).
    """
    if location_ids is None:
        return at_every_location(column)
    if not location_ids:
        return false()
    return column.in_(sorted(location_ids))


def booking_sum_rows(
    session: Session, period: Period, *, location_ids: Collection[int] | None = None
) -> dict[int, dict[str, Any]]:
    """Raw sums of the period's bookings (money in cents) by location id, one GROUP BY.

    Read from the daily rollup: each of its rows stands for `bookings` alike bookings.
    """
    r, s, loc, band = (BookingDay.__table__, Service.__table__, Location.__table__,
                       MarketBand.__table__)
    n = r.c.bookings
    completed = r.c.status == "completed"
    # Only massages have a band; compare price per 60 minutes with it by cross-multiplying,
    # exact in integers. Within the band is what is banded and neither below nor above.
    banded = and_(completed, band.c.id.isnot(None), r.c.price_cents.isnot(None))
    below = and_(banded, r.c.price_cents * 60 < band.c.low * 100 * r.c.duration_min)
    above = and_(banded, r.c.price_cents * 60 > band.c.high * 100 * r.c.duration_min)
    holds_time = and_(r.c.with_therapist, r.c.status.in_(("booked", "completed", "no_show")))
    therapeutic = and_(completed, s.c.category == "therapeutic")
    relaxation = and_(completed, s.c.category == "relaxation")
    stmt = (
        select(
            r.c.location_id,
            func.sum(n).label("bookings"),
            _sum_if(completed, n).label("completed"),
            _sum_if(r.c.status == "cancelled", n).label("cancelled"),
            _sum_if(r.c.status == "no_show", n).label("no_show"),
            _sum_if(completed, r.c.price_cents * n).label("revenue_cents"),
            _sum_if(holds_time, r.c.duration_min * n).label("booked_minutes"),
            _sum_if(therapeutic, n).label("completed_therapeutic"),
            _sum_if(relaxation, n).label("completed_relaxation"),
            _sum_if(therapeutic, r.c.price_cents * n).label("therapeutic_revenue_cents"),
            _sum_if(relaxation, r.c.price_cents * n).label("relaxation_revenue_cents"),
            _sum_if(banded, n).label("banded"),
            _sum_if(below, n).label("below_band"),
            _sum_if(above, n).label("above_band"),
            _sum_if(
                below, (band.c.low * 100.0 * r.c.duration_min / 60.0 - r.c.price_cents) * n
            ).label("below_band_gap_cents"),
        )
        .select_from(
            r.join(s, s.c.id == r.c.service_id)
            .join(loc, loc.c.id == r.c.location_id)
            .outerjoin(band, and_(band.c.tier == loc.c.tier, band.c.category == s.c.category))
        )
        .where(r.c.day >= period.start, r.c.day <= period.end,
               in_scope(r.c.location_id, location_ids))
        .group_by(r.c.location_id)
    )
    sums = {}
    for row in session.execute(stmt).mappings():
        raw = dict(row)
        raw["within_band"] = raw.pop("banded") - raw["below_band"] - raw["above_band"]
        sums[raw.pop("location_id")] = raw
    return sums


def scheduled_minute_rows(
    session: Session, period: Period, *, location_ids: Collection[int] | None = None
) -> dict[int, int]:
    """Scheduled shift minutes over the period by location id."""
    sh = Shift.__table__
    stmt = (
        select(sh.c.location_id, func.sum(minutes_between(sh.c.start_time, sh.c.end_time)))
        .where(sh.c.shift_date >= period.start, sh.c.shift_date <= period.end,
               in_scope(sh.c.location_id, location_ids))
        .group_by(sh.c.location_id)
    )
    return {location_id: round(float(minutes or 0))
            for location_id, minutes in session.execute(stmt)}


def location_rows(
    session: Session, *, location_ids: Collection[int] | None = None
) -> list[dict[str, Any]]:
    """Id, name and tier of every location in scope, by name."""
    loc = Location.__table__
    stmt = (select(loc.c.id.label("location_id"), loc.c.name.label("location"), loc.c.tier)
            .where(in_scope(loc.c.id, location_ids)).order_by(loc.c.name))
    return [dict(row) for row in session.execute(stmt).mappings()]


def location_sums(
    session: Session, period: Period, *, location_ids: Collection[int] | None = None
) -> list[dict[str, Any]]:
    """Raw sums per location in scope, by name, locations with no activity as zeros."""
    bookings = booking_sum_rows(session, period, location_ids=location_ids)
    scheduled = scheduled_minute_rows(session, period, location_ids=location_ids)
    rows = []
    for location in location_rows(session, location_ids=location_ids):
        sums = dict.fromkeys(RAW_SUMS, 0) | bookings.get(location["location_id"], {})
        sums["scheduled_minutes"] = scheduled.get(location["location_id"], 0)
        rows.append(location | {k: v or 0 for k, v in sums.items()})
    return rows


def chain_sums(rows: list[dict[str, Any]]) -> dict[str, float]:
    """The chain's raw sums: each sum added up over the locations, never a ratio averaged."""
    return {column: float(sum(row[column] for row in rows)) for column in RAW_SUMS}


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


def kpi_report(
    session: Session, period: Period, *, location_ids: Collection[int] | None = None
) -> dict[str, Any]:
    """The `report kpis --json` document."""
    rows = location_sums(session, period, location_ids=location_ids)
    return {
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "locations": [{"location": row["location"], **finish_figures(row)} for row in rows],
        "chain": finish_figures(chain_sums(rows)),
    }
