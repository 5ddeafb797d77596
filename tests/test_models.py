"""Tables round-trip through both databases and refuse what the spa's rules forbid."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models import Booking, Credential, Location, Service, Shift, Therapist
from spaops.db import make_engine
from spaops.names import display_name, name_key
from tests.conftest import require_postgres


def _location(session: Session, name: str = "Harbor Day Spa") -> Location:
    location = Location(name=name, name_key=name_key(name), tier="urban")
    session.add(location)
    session.flush()
    return location


def test_booking_round_trip_keeps_local_time_and_money(engine):
    with Session(engine) as s:
        loc = _location(s)
        svc = Service(name="Swedish 60", name_key="swedish 60", category="relaxation")
        s.add(svc)
        s.flush()
        start = datetime(2026, 11, 3, 14, 30)
        s.add(Booking(external_ref="B-1", location_id=loc.id, service_id=svc.id,
                      starts_at=start, ends_at=start + timedelta(minutes=90), duration_min=90,
                      price_cents=12345, status="completed"))
        s.commit()
    with Session(engine) as s:
        booking = s.exec(select(Booking)).one()
        assert booking.starts_at == datetime(2026, 11, 3, 14, 30)
        assert booking.starts_at.tzinfo is None  # local wall-clock time of the location
        assert booking.price_cents == 12345
        assert booking.therapist_id is None


def test_therapist_credentials_and_shift_round_trip(engine):
    with Session(engine) as s:
        loc = _location(s)
        t = Therapist(name="José Álvarez", name_key=name_key("José Álvarez"),
                      home_location_id=loc.id, license_number="MT-9", license_state="NY",
                      license_expires=date(2027, 5, 1))
        s.add(t)
        s.flush()
        s.add(Credential(therapist_id=t.id, kind="prenatal", expires=date(2027, 1, 1)))
        s.add(Shift(therapist_id=t.id, location_id=loc.id, shift_date=date(2026, 11, 3),
                    start_time=time(9), end_time=time(17)))
        s.commit()
    with Session(engine) as s:
        found = s.exec(select(Therapist).where(
            Therapist.name_key == name_key("  josé  ÁLVAREZ "))).one()
        assert found.license_expires == date(2027, 5, 1)
        shift = s.exec(select(Shift)).one()
        assert (shift.start_time, shift.end_time) == (time(9), time(17))


@pytest.mark.parametrize(
    "bad",
    [
        {"status": "maybe"},
        {"duration_min": 0},
        {"duration_min": 601},
    ],
)
def test_booking_constraints_refuse_nonsense(engine, bad):
    with Session(engine) as s:
        loc = _location(s)
        svc = Service(name="Swedish 60", name_key="swedish 60", category="relaxation")
        s.add(svc)
        s.flush()
        start = datetime(2026, 11, 3, 9)
        fields = {"external_ref": "B-1", "location_id": loc.id, "service_id": svc.id,
                  "starts_at": start, "ends_at": start, "duration_min": 60, "status": "booked"}
        s.add(Booking(**{**fields, **bad}))
        with pytest.raises(IntegrityError):
            s.flush()


def test_location_names_are_unique_by_key(engine):
    with Session(engine) as s:
        _location(s, "Harbor Day Spa")
        s.commit()
        s.add(Location(name="HARBOR day spa", name_key=name_key("HARBOR  day spa")))
        with pytest.raises(IntegrityError):
            s.flush()


def test_name_matching_ignores_case_and_spacing():
    assert name_key("  josé  álvarez ") == name_key("José Álvarez")
    assert display_name("  José   Álvarez ") == "José Álvarez"


@pytest.mark.postgres
def test_postgres_connections_run_without_jit():
    """The dashboards' queries are short: PostgreSQL's JIT cost more than it saved."""
    engine = make_engine(require_postgres())
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW jit")).scalar() == "off"
    finally:
        engine.dispose()
