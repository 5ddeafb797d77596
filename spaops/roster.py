"""The therapist roster: who works where, with which license and credentials."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import delete, select
from sqlmodel import Session

from models import CREDENTIAL_KINDS, Credential, Location, Therapist
from spaops.analytics.kpis import in_scope
from spaops.auth import Viewer
from spaops.display import in_words
from spaops.names import display_name, name_key
from spaops.revision import bump_data_revision


class RosterError(ValueError):
    """A therapist form that cannot be saved, with a message for the person filling it."""


@dataclass
class TherapistForm:
    """What the add/edit form collects."""

    name: str
    home_location_id: int
    license_number: str = ""
    license_state: str = ""
    license_expires: date | None = None
    gender: str | None = None
    active: bool = True
    credentials: dict[str, date | None] = field(default_factory=dict)
    therapist_id: int | None = None


def roster(session: Session, today: date, *, warning_days: int = 30,
           location_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Every therapist in scope with license status and credentials."""
    th, loc, cr = Therapist.__table__, Location.__table__, Credential.__table__
    people = pd.DataFrame(session.execute(
        select(th.c.id, th.c.name, loc.c.name.label("home_location"), th.c.license_number,
               th.c.license_state, th.c.license_expires, th.c.gender, th.c.active)
        .outerjoin(loc, loc.c.id == th.c.home_location_id)
        .where(in_scope(th.c.home_location_id, location_ids))
        .order_by(th.c.name)).mappings().all(),
        columns=["id", "name", "home_location", "license_number", "license_state",
                 "license_expires", "gender", "active"])
    creds: dict[int, list[str]] = {}
    if len(people):
        for tid, kind, expires in session.execute(
                select(cr.c.therapist_id, cr.c.kind, cr.c.expires)
                .where(cr.c.therapist_id.in_(people["id"].tolist()))
                .order_by(cr.c.kind)).all():
            said = in_words("credential", kind)  # "Deep tissue (to 2027-03-01)", as the form
            text = said + (f" (to {expires})" if expires else "")
            if expires is not None and expires < today:
                text = said + f" (expired {expires})"
            creds.setdefault(tid, []).append(text)
    people["days_to_expiry"] = [None if e is None else (e - today).days
                                for e in people["license_expires"]]
    people["license_status"] = [
        "no license on file" if d is None else "expired" if d < 0
        else "expiring" if d <= warning_days else "valid" for d in people["days_to_expiry"]]
    people["credentials"] = [", ".join(creds.get(i, [])) for i in people["id"]]
    # As read: who, where, whether they may work and what they are credentialed for,
    # then the license's paperwork.
    return people[["id", "name", "home_location", "license_status", "days_to_expiry",
                   "license_expires", "credentials", "license_number", "license_state",
                   "gender", "active"]]


def save_therapist(session: Session, form: TherapistForm, *, viewer: Viewer) -> Therapist:
    """Create or update a therapist and their credentials (the caller commits)."""
    name = display_name(form.name)
    if not name:
        raise RosterError("The name is empty.")
    if not viewer.may_see(form.home_location_id):
        raise RosterError("You can only add therapists to your own locations.")
    if session.get(Location, form.home_location_id) is None:
        raise RosterError("Choose a home location.")
    unknown = sorted(set(form.credentials) - set(CREDENTIAL_KINDS))
    if unknown:
        raise RosterError(f"Unknown credential kinds: {', '.join(unknown)}.")
    if form.license_number and form.license_expires is None:
        raise RosterError("A license needs its expiry date.")
    twin = session.scalars(select(Therapist).where(Therapist.name_key == name_key(name))).first()
    if twin is not None and twin.id != form.therapist_id:
        raise RosterError(f"A therapist named {twin.name} already exists.")
    if form.therapist_id is None:
        therapist = Therapist(name=name, name_key=name_key(name))
    else:
        therapist = session.get(Therapist, form.therapist_id)
        if therapist is None or not viewer.may_see(therapist.home_location_id or -1):
            raise RosterError("That therapist is not on your roster.")
        therapist.name, therapist.name_key = name, name_key(name)
    therapist.home_location_id = form.home_location_id
    therapist.license_number = form.license_number.strip() or None
    therapist.license_state = form.license_state.strip().upper() or None
    therapist.license_expires = form.license_expires
    therapist.gender = form.gender or None
    therapist.active = form.active
    session.add(therapist)
    session.flush()
    session.execute(delete(Credential.__table__).where(
        Credential.__table__.c.therapist_id == therapist.id))
    for kind, expires in sorted(form.credentials.items()):
        session.add(Credential(therapist_id=therapist.id, kind=kind, expires=expires))
    bump_data_revision(session)
    return therapist


def credentials_of(session: Session, therapist_id: int) -> dict[str, date | None]:
    """A therapist's credentials as the form edits them."""
    return dict(session.execute(select(Credential.kind, Credential.expires).where(
        Credential.therapist_id == therapist_id)).all())
