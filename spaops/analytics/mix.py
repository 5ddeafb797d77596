"""The mix of therapeutic and relaxation massage, and how clients come back."""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from models import CATEGORIES, Booking, Location, Service
from spaops.analytics.kpis import Period, in_scope
from spaops.analytics.sqlfuncs import week_start
from spaops.auth import NotAllowed, Viewer
from spaops.revision import bump_data_revision


def _completed_by(session: Session, period: Period, location_ids: Collection[int] | None,
                  *keys) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    b, s, loc = Booking.__table__, Service.__table__, Location.__table__
    begin, end = period.bounds()
    stmt = (select(*keys, s.c.category, func.count().label("completed"),
                   func.sum(func.coalesce(b.c.price_cents, 0)).label("revenue_cents"))
            .select_from(b.join(s, s.c.id == b.c.service_id)
                         .join(loc, loc.c.id == b.c.location_id))
            .where(b.c.status == "completed", b.c.starts_at >= begin, b.c.starts_at < end,
                   in_scope(b.c.location_id, location_ids))
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
    return out.reset_index()


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
    week = week_start(Booking.__table__.c.starts_at).label("week")
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

    A visit counts as rebooked on time when the same client's next non-cancelled booking
    starts within the family's window (14 days therapeutic, 35 relaxation by default).
    Visits whose window reaches past today's data still count as not (yet) rebooked.
    """
    b, s = Booking.__table__, Service.__table__
    begin, end = period.bounds()
    # Only bookings that can matter: from the period's start to its end plus the longest
    # window, so the window function never runs over the whole history.
    horizon = end + timedelta(days=max(therapeutic_days, relaxation_days) + 1)
    visits = (select(b.c.client_id, b.c.starts_at, b.c.status, s.c.category,
                     func.lead(b.c.starts_at).over(partition_by=b.c.client_id,
                                                   order_by=b.c.starts_at).label("next_at"))
              .select_from(b.join(s, s.c.id == b.c.service_id))
              .where(b.c.client_id.isnot(None), b.c.status != "cancelled",
                     b.c.starts_at >= begin, b.c.starts_at < horizon,
                     in_scope(b.c.location_id, location_ids))
              .subquery())
    rows = pd.DataFrame(session.execute(
        select(visits.c.category, visits.c.starts_at, visits.c.next_at)
        .where(visits.c.status == "completed", visits.c.starts_at >= begin,
               visits.c.starts_at < end,
               visits.c.category.in_(("therapeutic", "relaxation")))).mappings().all(),
        columns=["category", "starts_at", "next_at"])
    rows["starts_at"] = pd.to_datetime(rows["starts_at"])
    rows["next_at"] = pd.to_datetime(rows["next_at"])
    window = rows["category"].map({"therapeutic": therapeutic_days,
                                   "relaxation": relaxation_days})
    gap = (rows["next_at"] - rows["starts_at"]).dt.days
    rows["on_time"] = (gap <= window).fillna(False)
    out = rows.groupby("category").agg(visits=("on_time", "size"),
                                       rebooked_on_time=("on_time", "sum")).reset_index()
    out["rebooking_rate"] = (out["rebooked_on_time"] / out["visits"]).round(4)
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
