"""Therapeutic clients past their cadence with nothing booked: a call list per location."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from models import Booking, Client, Location, Service, Therapist
from spaops.actions.base import Action
from spaops.analytics.kpis import in_scope

CALL_LIST_COLUMNS = ("Location", "Client reference")


def drifting_actions(session: Session, end: date, settings: dict, *,
                     location_ids: Collection[int] | None = None) -> list[Action]:
    """One action per location listing its therapeutic clients overdue for a visit."""
    b, s, c, loc, th = (Booking.__table__, Service.__table__, Client.__table__,
                        Location.__table__, Therapist.__table__)
    cadence = int(settings["cadence_therapeutic_days"])
    lookback = int(settings["action_drift_lookback_days"])
    first = end - timedelta(days=lookback - 1)
    upto = datetime.combine(end + timedelta(days=1), time())
    therapeutic = (b.c.status == "completed", s.c.category == "therapeutic",
                   b.c.starts_at >= datetime.combine(first, time()), b.c.starts_at < upto,
                   in_scope(b.c.location_id, location_ids))
    # Clients whose last therapeutic visit is past the cadence, with nothing held since
    # (booked, done or missed): the rest came back or are coming.
    last = (select(b.c.client_id, func.max(b.c.starts_at).label("last"))
            .join(s, s.c.id == b.c.service_id).where(*therapeutic)
            .group_by(b.c.client_id)
            .having(func.max(b.c.starts_at)
                    < datetime.combine(end - timedelta(days=cadence), time()))
            .subquery())
    later = b.alias("later")
    overdue = (select(last.c.client_id).where(~(
        select(later.c.id).where(later.c.client_id == last.c.client_id,
                                 later.c.starts_at > last.c.last,
                                 later.c.status != "cancelled").exists())))
    visits = session.execute(
        select(b.c.client_id, c.c.external_ref, loc.c.name.label("location"), b.c.starts_at,
               th.c.name.label("therapist"), s.c.name.label("service"))
        .select_from(b.join(s, s.c.id == b.c.service_id).join(c, c.c.id == b.c.client_id)
                     .join(loc, loc.c.id == b.c.location_id)
                     .outerjoin(th, th.c.id == b.c.therapist_id))
        .where(*therapeutic, b.c.client_id.in_(overdue))
        .order_by(b.c.client_id, b.c.starts_at)).all()
    overdue_rows: dict[int, list] = {}
    for row in visits:
        overdue_rows.setdefault(row.client_id, []).append(row)
    per_location: dict[str, list[dict]] = {}
    for rows in sorted(overdue_rows.values(), key=lambda rows: rows[-1].external_ref):
        visit = rows[-1]
        usual = Counter(r.service for r in rows).most_common(1)[0][0]
        per_location.setdefault(visit.location, []).append({
            "client": visit.external_ref, "last_visit": visit.starts_at.date().isoformat(),
            "last_therapist": visit.therapist, "usual_service": usual,
            "days_overdue": (end - visit.starts_at.date()).days - cadence})
    actions = []
    for location, clients in sorted(per_location.items()):
        clients.sort(key=lambda x: (-x["days_overdue"], x["client"]))
        n = len(clients)
        actions.append(Action(
            kind="clients_drifting", location=location, subject="therapeutic clients",
            instruction=(f"Call {n} therapeutic client{'s' if n != 1 else ''} of {location} "
                         f"who {'are' if n != 1 else 'is'} past the {cadence}-day cadence "
                         "with nothing booked, and offer their usual therapist."),
            value=n, unit="clients to call",
            evidence={"period": {"from": first.isoformat(), "to": end.isoformat()},
                      "cadence_days": cadence, "clients": clients},
            assumptions=[f"a therapeutic client is due every {cadence} days "
                         "(setting: cadence_therapeutic_days)",
                         f"clients last seen more than {lookback} days ago count as lost, "
                         "not drifting (setting: action_drift_lookback_days)"],
            page="service_mix"))
    return actions


def call_list(actions: list[Action]) -> pd.DataFrame:
    """The call list of the drifting-client actions: location and client reference only."""
    rows = [(a.location, c["client"]) for a in actions if a.kind == "clients_drifting"
            for c in a.evidence["clients"]]
    return pd.DataFrame(rows, columns=list(CALL_LIST_COLUMNS))
