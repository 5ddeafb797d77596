"""The KPI figures of DESIGN.md as frames for the pages (the SQL is in analytics.report)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from models import BookingDay, Service
from spaops.analytics.report import (
    FIGURES,
    FORMULAS,
    MONEY,
    RAW_SUMS,
    SHARES,
    Period,
    chain_sums,
    finish_figures,
    in_scope,
    kpi_report,
    location_rows,
    location_sums,
)
from spaops.analytics.sqlfuncs import week_start

__all__ = [
    "FIGURES", "FORMULAS", "MONEY", "RAW_SUMS", "SHARES", "Period", "chain_figures",
    "finish_figures", "in_scope", "kpi_report", "kpi_sums", "kpi_table", "location_figures",
    "locations_in_scope", "weekly_revenue",
]


def locations_in_scope(
    session: Session, *, location_ids: Collection[int] | None = None
) -> pd.DataFrame:
    """Id, name and tier of every location in scope, by name."""
    return pd.DataFrame(location_rows(session, location_ids=location_ids),
                        columns=["location_id", "location", "tier"])


def kpi_sums(
    session: Session, period: Period, *, location_ids: Collection[int] | None = None
) -> pd.DataFrame:
    """Raw sums per location in scope, including locations with no activity (zeros)."""
    return pd.DataFrame(location_sums(session, period, location_ids=location_ids),
                        columns=["location_id", "location", "tier", *RAW_SUMS])


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


# What an owner reads first in a table of locations: the results, then what they come from.
READ_FIRST = ("revenue", "utilisation", "therapeutic_share", "completed", "avg_ticket")


def as_read(figures: pd.DataFrame) -> pd.DataFrame:
    """Location figures with the results first (READ_FIRST), then the rest in contract order."""
    first = ["location_id", "location", "tier", *READ_FIRST]
    return figures[first + [c for c in figures.columns if c not in first]]


def chain_figures(sums: pd.DataFrame) -> dict[str, Any]:
    """The chain's figures: sums over locations, ratios of those sums."""
    return finish_figures(chain_sums(sums.to_dict("records")))


def weekly_revenue(
    session: Session, period: Period, *, location_ids: Collection[int] | None = None
) -> pd.DataFrame:
    """Completed revenue per week (Monday) and service category, in dollars."""
    r, s = BookingDay.__table__, Service.__table__
    week = week_start(r.c.day).label("week")
    stmt = (
        select(week, s.c.category,
               func.sum(r.c.price_cents * r.c.bookings).label("revenue_cents"))
        .select_from(r.join(s, s.c.id == r.c.service_id))
        .where(r.c.status == "completed", r.c.day >= period.start, r.c.day <= period.end,
               in_scope(r.c.location_id, location_ids))
        .group_by(week, s.c.category)
        .order_by(week)
    )
    frame = pd.DataFrame(session.execute(stmt).mappings().all(),
                         columns=["week", "category", "revenue_cents"])
    frame["week"] = pd.to_datetime(frame["week"])
    frame["revenue"] = frame["revenue_cents"].astype(float) / 100
    return frame.drop(columns="revenue_cents")
