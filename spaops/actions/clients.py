"""Therapeutic clients past their cadence with nothing booked: a call list per location."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING

from sqlalchemy import String, func, select, type_coerce
from sqlmodel import Session

from models import Booking, Client, Location, Service, Therapist
from spaops.actions.base import Action
from spaops.analytics.report import in_scope
from spaops.analytics.sqlfuncs import day_of

if TYPE_CHECKING:
    import pandas as pd

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
    # Ids and the day only, names looked up after: on a large chain this is some 64,000
    # visits, and each joined name or parsed timestamp cost every one of them.
    visits = session.execute(
        select(b.c.client_id, c.c.external_ref, type_coerce(day_of(b.c.starts_at), String),
               b.c.location_id, b.c.therapist_id, b.c.service_id)
        .select_from(b.join(s, s.c.id == b.c.service_id).join(c, c.c.id == b.c.client_id))
        .where(*therapeutic, b.c.client_id.in_(overdue))
        .order_by(b.c.client_id, b.c.starts_at)).all()
    if not visits:
        return []
    locations, therapists, services = (
        dict(session.execute(select(t.c.id, t.c.name)).all()) for t in (loc, th, s))
    per_location: dict[str, list[dict]] = {}
    for _client, group in groupby(visits, key=itemgetter(0)):  # each client's visits in order
        counts: dict[int, int] = {}
        for visit in group:
            counts[visit[5]] = counts.get(visit[5], 0) + 1
        _id, ref, day, location_id, therapist_id, _service = visit  # the last visit
        last_day = date.fromisoformat(str(day))  # text on SQLite, a date on PostgreSQL
        per_location.setdefault(locations[location_id], []).append({
            "client": ref, "last_visit": last_day.isoformat(),
            "last_therapist": therapists.get(therapist_id),
            # the service they had most often, the earliest first among equals
            "usual_service": services[max(counts, key=counts.__getitem__)],
            "days_overdue": (end - last_day).days - cadence})
    actions = []
    for location, clients in sorted(per_location.items()):
        clients.sort(key=lambda x: (-x["days_overdue"], x["client"]))
        n = len(clients)
        actions.append(Action(
            kind="clients_drifting", location=location, subject="therapeutic clients",
            instruction=call_instruction(n, location, cadence),
            value=n, unit="clients to call",
            evidence={"period": {"from": first.isoformat(), "to": end.isoformat()},
                      "cadence_days": cadence, "clients": clients},
            assumptions=[f"a therapeutic client is due every {cadence} days "
                         "(setting: cadence_therapeutic_days)",
                         f"clients last seen more than {lookback} days ago count as lost, "
                         "not drifting (setting: action_drift_lookback_days)"],
            page="service_mix"))
    return actions


def call_instruction(clients: int, location: str, cadence: int) -> str:
    """What to do about a location's drifting clients, in the owner's words."""
    many = clients != 1
    return (f"Call {clients:,} therapeutic client{'s' if many else ''} of {location} who "
            f"{'are' if many else 'is'} past the {cadence}-day cadence with nothing booked, "
            "and offer their usual therapist.")


def call_list(actions: list[Action]) -> pd.DataFrame:
    """The call list of the drifting-client actions: location and client reference only."""
    import pandas as pd

    rows = [(a.location, c["client"]) for a in actions if a.kind == "clients_drifting"
            for c in a.evidence["clients"]]
    return pd.DataFrame(rows, columns=list(CALL_LIST_COLUMNS))
