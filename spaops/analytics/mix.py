"""The mix of therapeutic and relaxation massage, and how clients come back."""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd
from sqlalchemy import case, func, select
from sqlmodel import Session

from models import CATEGORIES, Booking, BookingDay, Location, Service
from spaops.analytics.kpis import Period, in_scope
from spaops.analytics.sqlfuncs import minutes_between, week_start
from spaops.auth import NotAllowed, Viewer
from spaops.revision import bump_data_revision


def _completed_by(session: Session, period: Period, location_ids: Collection[int] | None,
                  *keys) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    r, s, loc = BookingDay.__table__, Service.__table__, Location.__table__
    stmt = (select(*keys, s.c.category, func.sum(r.c.bookings).label("completed"),
                   func.sum(func.coalesce(r.c.price_cents, 0) * r.c.bookings)
                   .label("revenue_cents"))
            .select_from(r.join(s, s.c.id == r.c.service_id)
                         .join(loc, loc.c.id == r.c.location_id))
            .where(r.c.status == "completed", r.c.day >= period.start, r.c.day <= period.end,
                   in_scope(r.c.location_id, location_ids))
            .group_by(*keys, s.c.category))
    frame = pd.DataFrame(session.execute(stmt).mappings().all())
    if frame.empty:
        frame = pd.DataFrame(columns=[k.name for k in keys] + ["category", "completed",
                                                               "revenue_cents"])
    frame["revenue"] = pd.to_numeric(frame["revenue_cents"]).astype(float) / 100
    return frame.drop(columns="revenue_cents")


def _shares(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Therapeutic share by count and by revenue, 'other' left out."""
    massage = frame[frame["category"].isin(["therapeutic", "relaxation"])]
    wide = massage.pivot_table(index=keys, columns="category",
                               values=["completed", "revenue"], aggfunc="sum", fill_value=0)
    out = pd.DataFrame(index=wide.index)
    for measure in ("completed", "revenue"):
        ther = wide.get((measure, "therapeutic"), 0)
        relax = wide.get((measure, "relaxation"), 0)
        out[f"therapeutic_{measure}"] = ther
        out[f"relaxation_{measure}"] = relax
        total = (ther + relax)
        out[f"share_by_{'count' if measure == 'completed' else 'revenue'}"] = (
            ther / total.where(total > 0)).round(4)
    # As read: the shares first, then the counts and revenue they are worked out from.
    order = ["share_by_count", "share_by_revenue", "therapeutic_completed",
             "relaxation_completed", "therapeutic_revenue", "relaxation_revenue"]
    return out[order].reset_index()


def mix_by_location(session: Session, period: Period, *,
                    location_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Therapeutic share by count and by revenue per location."""
    frame = _completed_by(session, period, location_ids, Location.__table__.c.name
                          .label("location"))
    if frame.empty:
        return pd.DataFrame(columns=["location", "share_by_count", "share_by_revenue"])
    return _shares(frame, ["location"])


def mix_by_week(session: Session, period: Period, *,
                location_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Therapeutic share per location and week."""
    week = week_start(BookingDay.__table__.c.day).label("week")
    frame = _completed_by(session, period, location_ids,
                          Location.__table__.c.name.label("location"), week)
    if frame.empty:
        return pd.DataFrame(columns=["location", "week", "share_by_count", "share_by_revenue"])
    frame["week"] = pd.to_datetime(frame["week"])
    return _shares(frame, ["location", "week"]).sort_values(["location", "week"])


def revenue_by_modality(session: Session, period: Period, *,
                        location_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Completed bookings and revenue per category and modality."""
    s = Service.__table__
    frame = _completed_by(session, period, location_ids,
                          func.coalesce(s.c.modality, "unspecified").label("modality"))
    return frame.sort_values(["category", "revenue"], ascending=[True, False]) \
        .reset_index(drop=True)


def services_to_review(session: Session) -> pd.DataFrame:
    """Services whose category came from keywords and awaits the owner's review."""
    s = Service.__table__
    return pd.DataFrame(session.execute(
        select(s.c.id, s.c.name, s.c.category, s.c.modality, s.c.needs_review)
        .where(s.c.needs_review).order_by(s.c.name)).mappings().all(),
        columns=["id", "name", "category", "modality", "needs_review"])


def set_service_category(session: Session, service_id: int, category: str, *,
                         viewer: Viewer) -> None:
    """The owner's call on a service's category; marks it reviewed (the caller commits)."""
    if not viewer.is_owner:
        raise NotAllowed("only an owner can change a service's category")
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}: use one of {', '.join(CATEGORIES)}")
    service = session.get(Service, service_id)
    if service is None:
        raise ValueError(f"no service with id {service_id}")
    service.category = category
    service.needs_review = False
    session.add(service)
    bump_data_revision(session)


def rebooking(session: Session, period: Period, *, therapeutic_days: int = 14,
              relaxation_days: int = 35,
              location_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Per family: completed visits in the period, and the share rebooked within the window.

    A visit counts as rebooked on time when the same client has another non-cancelled
    booking (in scope) starting at or after it and less than the family's window plus one
    day later (14 days therapeutic, 35 relaxation by default): a gap of whole days up to
    the window. Visits whose window reaches past today's data count as not (yet) rebooked.
    """
    b, s = Booking.__table__, Service.__table__
    begin, end = period.bounds()
    window = case((s.c.category == "therapeutic", therapeutic_days), else_=relaxation_days)
    later = b.alias("later")
    # A seek on (client_id, starts_at) per visit, never a sort of the whole period.
    rebooked = (select(later.c.id)
                .where(later.c.client_id == b.c.client_id, later.c.id != b.c.id,
                       later.c.status != "cancelled", later.c.starts_at >= b.c.starts_at,
                       minutes_between(b.c.starts_at, later.c.starts_at) < (window + 1) * 1440,
                       # Wrapped so no planner walks the location's index for each visit
                       # instead (PostgreSQL did: 55 s for one location at 1M bookings).
                       in_scope(func.coalesce(later.c.location_id, 0), location_ids))
                .exists())
    stmt = (select(s.c.category, func.count().label("visits"),
                   func.count().filter(rebooked).label("rebooked_on_time"))
            .select_from(b.join(s, s.c.id == b.c.service_id))
            .where(b.c.status == "completed", b.c.client_id.isnot(None),
                   b.c.starts_at >= begin, b.c.starts_at < end,
                   s.c.category.in_(("therapeutic", "relaxation")),
                   in_scope(b.c.location_id, location_ids))
            .group_by(s.c.category).order_by(s.c.category))
    out = pd.DataFrame(session.execute(stmt).mappings().all(),
                       columns=["category", "visits", "rebooked_on_time"])
    out["rebooking_rate"] = (out["rebooked_on_time"] / out["visits"]).astype(float).round(4)
    out["window_days"] = out["category"].map({"therapeutic": therapeutic_days,
                                              "relaxation": relaxation_days})
    return out


def attendance(session: Session, period: Period, *,
               location_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Per location: cancellation and no-show rates, new and returning clients."""
    b, loc = Booking.__table__, Location.__table__
    begin, end = period.bounds()
    earlier = b.alias("earlier")
    # A seek on (client_id, starts_at) per client, never a scan of the whole history.
    returning = (select(earlier.c.id).where(earlier.c.client_id == b.c.client_id,
                                            earlier.c.starts_at < begin).exists())
    stmt = (select(loc.c.name.label("location"), func.count().label("bookings"),
                   func.count().filter(b.c.status == "cancelled").label("cancelled"),
                   func.count().filter(b.c.status == "no_show").label("no_show"),
                   func.count(func.distinct(b.c.client_id)).filter(~returning)
                   .label("new_clients"),
                   func.count(func.distinct(b.c.client_id)).filter(returning)
                   .label("returning_clients"))
            .select_from(b.join(loc, loc.c.id == b.c.location_id))
            .where(b.c.starts_at >= begin, b.c.starts_at < end,
                   in_scope(b.c.location_id, location_ids))
            .group_by(loc.c.name).order_by(loc.c.name))
    frame = pd.DataFrame(session.execute(stmt).mappings().all(),
                         columns=["location", "bookings", "cancelled", "no_show",
                                  "new_clients", "returning_clients"])
    frame["cancellation_rate"] = (frame["cancelled"] / frame["bookings"]).round(4)
    frame["no_show_rate"] = (frame["no_show"] / frame["bookings"]).round(4)
    return frame
