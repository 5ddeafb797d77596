"""The daily rollup stays equal to the bookings after every kind of write, on both databases."""

from datetime import date, datetime

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models import Booking, BookingDay
from spaops.analytics.report import Period, kpi_report
from spaops.db import alembic_config, head_revision, make_engine, stored_revision, upgrade_schema
from spaops.ingest import import_bookings, read_bookings_export
from spaops.rollup import refresh_booking_days
from tests.utils.chain import build_small_chain

COLUMNS = ("location_id", "day", "service_id", "status", "with_therapist", "duration_min",
           "price_cents", "bookings")


def _rows(connection) -> list[tuple]:
    r = BookingDay.__table__
    return sorted(tuple(row) for row in connection.execute(
        select(*[r.c[c] for c in COLUMNS])))


def assert_rollup_current(engine) -> None:
    """The rollup as the writes left it equals one rebuilt from the bookings."""
    with engine.connect() as connection:
        kept = _rows(connection)
        refresh_booking_days(connection)
        rebuilt = _rows(connection)
        connection.rollback()
    assert kept == rebuilt
    assert kept, "the rollup is empty"


def _import(engine, csv: str) -> dict:
    preview = read_bookings_export(csv.encode(), "export.csv", now=datetime(2026, 3, 20, 12))
    return import_bookings(engine, preview, username="desk")


HEADER = "Booking ID,Location,Therapist,Service,Client,Start,Duration,Price,Status\n"


def _day(engine, day: str) -> dict:
    with Session(engine) as session:
        return kpi_report(session, Period(date.fromisoformat(day), date.fromisoformat(day)))[
            "chain"]


def test_orm_writes_keep_the_rollup_current(engine):
    build_small_chain(engine)
    assert_rollup_current(engine)
    with Session(engine) as session:
        a1 = session.scalars(select(Booking).where(Booking.external_ref == "a1")).one()
        a7 = session.scalars(select(Booking).where(Booking.external_ref == "a7")).one()
        a1.starts_at = datetime(2026, 3, 4, 9, 0)  # moved to another day
        a7.therapist_id = a1.therapist_id  # assigned: its minutes now count as booked
        session.add_all([a1, a7])
        session.commit()
        assert_rollup_current(engine)
        session.delete(session.scalars(select(Booking).where(Booking.external_ref == "a2"))
                       .one())
        session.commit()
    assert_rollup_current(engine)
    # Known answers: a1 ($100, 60 min) left 2 March for 4 March; a2 ($180) is gone.
    assert _day(engine, "2026-03-04")["revenue"] == 100.0
    assert _day(engine, "2026-03-06")["booked_minutes"] == 60


def test_imports_keep_the_rollup_current_when_bookings_move(engine):
    build_small_chain(engine)
    first = _import(engine, HEADER
                    + "X-1,Alpha Spa,Tess One,Swedish 60,C-1,2026-03-02 16:00,60,110,completed\n"
                    + "X-2,Alpha Spa,,Swedish 60,C-2,2026-03-02 17:00,60,110,completed\n"
                    # Weeks later: the refresh covers the span a month at a time.
                    + "X-3,Alpha Spa,,Swedish 60,C-3,2026-05-20 09:00,60,110,completed\n")
    assert first["inserted"] == 3
    assert_rollup_current(engine)
    assert _day(engine, "2026-03-02")["bookings"] == 7 + 2  # a1, a2, a5, a6, b1-b3 and these two
    # X-1 moves to Beta Clinic on 5 March; X-2 is cancelled in place.
    second = _import(engine, HEADER
                     + "X-1,Beta Clinic,Tom Two,Swedish 60,C-1,2026-03-05 10:00,60,95,completed\n"
                     + "X-2,Alpha Spa,,Swedish 60,C-2,2026-03-02 17:00,60,110,cancelled\n")
    assert second["updated"] == 2
    assert_rollup_current(engine)
    march_2, march_5 = _day(engine, "2026-03-02"), _day(engine, "2026-03-05")
    assert (march_2["bookings"], march_2["cancelled"]) == (8, 3)  # a6, b3, X-2
    assert (march_5["bookings"], march_5["revenue"]) == (1, 95.0)


def test_migration_fills_the_rollup_and_keeps_constraints_and_audits(db_url):
    engine = make_engine(db_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0001")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO location (id, name, name_key, tier, timezone, rooms, opens_at, "
            "closes_at, turnover_buffer_min, lmt_required) VALUES (1, 'Old Spa', 'old spa', "
            "'rural', 'UTC', 2, '09:00:00', '18:00:00', 15, true)"))
        connection.execute(text(
            "INSERT INTO service (id, name, name_key, category, default_duration_min, "
            "required_credentials, preferred_credentials, needs_review, deep_pressure) "
            "VALUES (1, 'Swedish 60', 'swedish 60', "
            "'relaxation', 60, '', '', false, false)"))
        for ref, start, status in (("o1", "2026-01-05 09:00:00", "completed"),
                                   ("o2", "2026-01-05 11:00:00", "completed"),
                                   ("o3", "2026-01-06 09:00:00", "cancelled")):
            connection.execute(text(
                "INSERT INTO booking (external_ref, location_id, service_id, starts_at, "
                "ends_at, duration_min, price_cents, status, requested) VALUES "
                f"('{ref}', 1, 1, '{start}', '{start}', 60, 9000, '{status}', false)"))
        # An assignment audit points at a booking: rebuilding the booking table (SQLite
        # changes a CHECK that way) must not break or lose it.
        connection.execute(text(
            "INSERT INTO assignment_audit (booking_id, username, assigned_at, method, "
            "override, override_reason) SELECT id, 'manager', '2026-01-01 08:00:00', "
            "'manual', false, '' FROM booking WHERE external_ref = 'o1'"))
    upgrade_schema(engine)
    with engine.connect() as connection:
        assert _rows(connection) == [
            (1, date(2026, 1, 5), 1, "completed", False, 60, 9000, 2),
            (1, date(2026, 1, 6), 1, "cancelled", False, 60, 9000, 1),
        ]
        assert connection.execute(text("SELECT count(*) FROM assignment_audit")).scalar() == 1
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text(
            "UPDATE booking SET status = 'maybe' WHERE external_ref = 'o1'"))
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("DELETE FROM booking WHERE external_ref = 'o1'"))
    engine.dispose()


def test_head_revision_is_alembics_head(engine):
    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert stored_revision(engine) == head_revision()


def test_demo_seed_fills_the_rollup(engine):
    from seed.demo import seed_demo

    seed_demo(engine, bookings=400, today=date(2026, 6, 15))
    assert_rollup_current(engine)
    with engine.connect() as connection:
        counted = connection.execute(text("SELECT sum(bookings) FROM booking_day")).scalar()
    assert counted == 400
