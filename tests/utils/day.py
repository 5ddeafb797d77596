"""A hand-built day at one location for the matching rules: one therapist per rule."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from models import Booking, Client, Credential, Location, Service, Shift, Therapist
from spaops.names import name_key

DAY = date(2026, 12, 1)


def _at(hhmm: str, day: date = DAY) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm))


def build_day(engine: Engine) -> dict[str, int]:
    """Alpha Spa on DAY: therapists Ann..Gia each failing (or passing) one rule."""
    with Session(engine) as s:
        alpha = Location(name="Alpha Spa", name_key="alpha spa", tier="urban")
        s.add(alpha)
        s.flush()
        swedish = Service(name="Swedish 60", name_key="swedish 60", category="relaxation",
                          default_duration_min=60)
        prenatal = Service(name="Prenatal Massage", name_key="prenatal massage",
                           category="relaxation", required_credentials="prenatal")
        deep = Service(name="Deep Tissue 60", name_key="deep tissue 60", category="therapeutic",
                       preferred_credentials="deep_tissue", deep_pressure=True)
        s.add_all([swedish, prenatal, deep])
        people = {}
        for name, gender, expires, creds, shift in (
            ("Ann", "female", date(2027, 6, 1), ["prenatal", "deep_tissue"], True),
            ("Ben", "male", DAY - timedelta(days=1), [], True),  # license expired
            ("Cat", "female", date(2027, 6, 1), [], False),  # no shift that day
            ("Dan", "female", date(2027, 6, 1), [], True),  # busy until 10:00
            ("Eve", "female", date(2027, 6, 1), [], True),  # 270 minutes booked already
            ("Finn", "male", date(2027, 6, 1), [], True),  # client wants a woman
            ("Gia", "female", DAY, [], True),  # license valid through its expiry day
        ):
            t = Therapist(name=name, name_key=name_key(name), home_location_id=alpha.id,
                          license_number=f"MT-{name}", license_state="NY",
                          license_expires=expires, gender=gender)
            s.add(t)
            s.flush()
            people[name] = t.id
            for kind in creds:
                s.add(Credential(therapist_id=t.id, kind=kind))
            if shift:
                s.add(Shift(therapist_id=t.id, location_id=alpha.id, shift_date=DAY,
                            start_time=time(9), end_time=time(17)))
        clients = {}
        for ref, preference, flags, pressure in (
            ("C1", "female", "", None), ("C2", None, "", "firm"), ("C3", None, "fever", None),
            ("C4", None, "blood_clots", None), ("C9", None, "", None),
        ):
            c = Client(external_ref=ref, gender_preference=preference, contraindications=flags,
                       pressure_preference=pressure)
            s.add(c)
            s.flush()
            clients[ref] = c.id

        def book(ref, service, start, minutes, client, therapist=None, status="booked",
                 requested=False, day=DAY):
            starts = _at(start, day)
            s.add(Booking(external_ref=ref, location_id=alpha.id, service_id=service.id,
                          client_id=clients[client], therapist_id=therapist,
                          starts_at=starts, ends_at=starts + timedelta(minutes=minutes),
                          duration_min=minutes, price_cents=10000, status=status,
                          requested=requested))

        book("HIST-1", swedish, "10:00", 60, "C1", people["Ann"], "completed",
             day=DAY - timedelta(days=14))
        book("DAN-1", swedish, "09:00", 60, "C9", people["Dan"])
        for i, start in enumerate(("12:00", "13:45", "15:30")):
            book(f"EVE-{i}", swedish, start, 90, "C9", people["Eve"])
        book("OPEN-1", swedish, "10:10", 60, "C1")  # starts 10 min after Dan's ends
        book("OPEN-PRENATAL", prenatal, "14:00", 60, "C2")
        book("OPEN-FEVER", swedish, "11:30", 60, "C3")
        book("OPEN-CLOTS", deep, "11:30", 60, "C4")
        book("REQ-1", swedish, "16:00", 60, "C9", people["Gia"], requested=True)
        s.commit()
        return {**people, "location": alpha.id}
