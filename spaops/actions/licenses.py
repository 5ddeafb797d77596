"""Licenses and credentials that lapse soon, with the booked appointments they put at risk."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from models import Booking, Credential, Location, Service, Therapist
from spaops.actions.base import Action, dollars
from spaops.analytics.report import in_scope


def _at_risk(session: Session, therapist_id: int, after: date,
             credential: str | None) -> tuple[int, int]:
    """Count and cents of booked appointments of a therapist starting after a date."""
    b, s = Booking.__table__, Service.__table__
    stmt = (select(func.count(), func.coalesce(func.sum(b.c.price_cents), 0))
            .select_from(b.join(s, s.c.id == b.c.service_id))
            .where(b.c.therapist_id == therapist_id, b.c.status == "booked",
                   b.c.starts_at >= datetime.combine(after + timedelta(days=1), time())))
    if credential is not None:  # only the services that require this credential
        stmt = stmt.where(func.lower(s.c.required_credentials).contains(credential))
    count, cents = session.execute(stmt).one()
    return int(count), int(cents)


def license_actions(session: Session, today: date, settings: dict, *,
                    location_ids: Collection[int] | None = None) -> list[Action]:
    """One action per LMT license or credential lapsing within the horizon (or lapsed)."""
    th, cr, loc = Therapist.__table__, Credential.__table__, Location.__table__
    horizon_days = int(settings["action_license_horizon_days"])
    horizon = today + timedelta(days=horizon_days)
    base = (select(th.c.id, th.c.name, loc.c.name.label("location"))
            .join(loc, loc.c.id == th.c.home_location_id)
            .where(th.c.active, in_scope(th.c.home_location_id, location_ids)))
    found = [(r.id, r.name, r.location, "LMT license", None, r.license_expires)
             for r in session.execute(
                 base.add_columns(th.c.license_expires)
                 .where(th.c.license_expires.isnot(None), th.c.license_expires <= horizon))]
    found += [(r.id, r.name, r.location, r.kind.replace("_", " ") + " credential", r.kind,
               r.expires)
              for r in session.execute(
                  base.add_columns(cr.c.kind, cr.c.expires)
                  .join(cr, cr.c.therapist_id == th.c.id)
                  .where(cr.c.expires.isnot(None), cr.c.expires <= horizon))]
    actions = []
    for therapist_id, name, location, what, kind, expires in found:
        count, cents = _at_risk(session, therapist_id, expires, kind)
        days_left = (expires - today).days
        when = (f"it lapsed on {expires:%b %d, %Y}" if days_left < 0
                else f"it lapses on {expires:%b %d, %Y}")
        risk = (f"{count} booked appointment{'s' if count != 1 else ''} "
                f"(${dollars(cents):,.2f}) fall after that date" if count
                else "no booked appointment falls after that date yet")
        actions.append(Action(
            kind="license_risk", location=location, subject=f"{name}: {what}",
            instruction=f"Get {name}'s {what} renewed and the proof on file: {when}, and {risk}.",
            value=count, unit="bookings at risk",
            evidence={"period": {"from": today.isoformat(), "to": horizon.isoformat()},
                      "therapist": name, "what": what, "expires": expires.isoformat(),
                      "days_left": days_left, "bookings": count,
                      "bookings_value": dollars(cents)},
            assumptions=[f"looks {horizon_days} days ahead "
                         "(setting: action_license_horizon_days)",
                         "a booking after the expiry date needs a renewed license or "
                         "another therapist"],
            page="therapists"))
    return actions
