"""Bulk writes check foreign keys set-wise where they may (PostgreSQL with the privilege, SQLite
in a transaction begun for it), per row elsewhere."""

import sqlite3
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pandas as pd
import pytest
from psycopg.errors import ForeignKeyViolation
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from models import Booking, Client, ImportRejection, Location, Service, Therapist
from spaops.bulk.keys import (
    MissingReference,
    check_tables,
    check_written,
    keys_checked_setwise,
    may_check_keys_setwise,
)
from spaops.bulk.write import insert_tuples
from spaops.db import make_engine, session_scope
from spaops.errors import UsageError
from spaops.ingest import import_bookings, read_bookings_export
from spaops.ingest.staging import upsert_bookings
from tests.conftest import TemporaryPostgres, engine_at_head, require_postgres

EXPORT = (
    b"Appointment #,Location,Staff Member,Service Name,Client Name,Date & Time,Duration,"
    b"Price,Status\n"
    b"K-1,Harbor Day Spa,Ana Silva,Swedish Massage 60,Client One,11/03/2026 2:30 PM,60,"
    b"$120.00,Completed\n"
    b"K-2,Harbor Day Spa,,Deep Tissue Massage 90,Client Two,11/04/2026 10:00 AM,90,$150.00,"
    b"Confirmed\n"
    b"K-3,Maple Grove Spa,Ana Silva,Swedish Massage 60,Client One,11/05/2026 9:00 AM,60,"
    b"$95.00,No Show\n"
)


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """An engine on a fresh PostgreSQL database at the newest schema."""
    with TemporaryPostgres(require_postgres()) as url, engine_at_head(url) as engine:
        yield engine


@pytest.fixture
def plain_engine(pg_engine: Engine) -> Iterator[Engine]:
    """The same database through a role that is no superuser and holds no SET grant."""
    role = f"spaops_plain_{uuid.uuid4().hex[:8]}"
    with pg_engine.begin() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        conn.execute(text(f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{role}"'))
        conn.execute(text(f'GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO "{role}"'))
    url = make_url(pg_engine.url.render_as_string(hide_password=False)).set(username=role)
    plain = make_engine(url.render_as_string(hide_password=False))
    yield plain
    plain.dispose()
    with pg_engine.begin() as conn:
        conn.execute(text(f'DROP OWNED BY "{role}"'))
        conn.execute(text(f'DROP ROLE "{role}"'))


def _one_location_service_client(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as s:
        location = Location(name="Harbor Day Spa", name_key="harbor day spa", tier="urban")
        service = Service(name="Swedish Massage 60", name_key="swedish massage 60",
                          category="relaxation", default_duration_min=60)
        client = Client(external_ref="C-1", focus_areas="", contraindications="")
        s.add_all([location, service, client])
        s.commit()
        return location.id, service.id, client.id


def _frame(location_id: int, service_id: int, client_ids: list[int]) -> pd.DataFrame:
    n = len(client_ids)
    starts = pd.Series([datetime(2026, 11, 3, 9 + i) for i in range(n)])
    return pd.DataFrame({
        "id": pd.array([None] * n, dtype="Int64"),
        "external_ref": [f"B-{i}" for i in range(n)],
        "location_id": pd.array([location_id] * n, dtype="Int64"),
        "service_id": pd.array([service_id] * n, dtype="Int64"),
        "client_id": pd.array(client_ids, dtype="Int64"),
        "starts_at": starts, "ends_at": starts + pd.Timedelta(minutes=60),
        "duration_min": pd.array([60] * n, dtype="Int64"),
        "price_cents": pd.array([None] * n, dtype="Int64"),
        "status": ["booked"] * n, "requested": [False] * n,
        "therapist_id": pd.array([None] * n, dtype="Int64"),
        "import_batch_id": pd.array([None] * n, dtype="Int64"),
    })


def _rows(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _bookings(engine: Engine) -> int:
    return _rows(engine, Booking)


def _imported(engine: Engine) -> list[tuple]:
    """The bookings stored, by reference: reference, location, client, therapist."""
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(
            "SELECT b.external_ref, l.name, c.external_ref, t.name FROM booking b "
            "JOIN location l ON l.id = b.location_id JOIN client c ON c.id = b.client_id "
            "LEFT JOIN therapist t ON t.id = b.therapist_id ORDER BY b.external_ref"))]


IMPORTED = [("K-1", "Harbor Day Spa", "Client One", "Ana Silva"),
            ("K-2", "Harbor Day Spa", "Client Two", None),
            ("K-3", "Maple Grove Spa", "Client One", "Ana Silva")]


def test_a_superuser_writes_with_keys_checked_once_and_the_setting_restored(pg_engine):
    location, service, client = _one_location_service_client(pg_engine)
    with pg_engine.begin() as conn:
        assert may_check_keys_setwise(conn, Booking.__table__)
        upsert_bookings(conn, _frame(location, service, [client, client, None]))
        assert conn.execute(text("SHOW session_replication_role")).scalar() == "origin"
    with pg_engine.connect() as conn:
        stored = conn.execute(select(Booking.client_id).order_by(Booking.external_ref)).all()
    assert [c for (c,) in stored] == [client, client, None]


def test_a_missing_reference_refuses_the_whole_write(pg_engine):
    location, service, client = _one_location_service_client(pg_engine)
    missing = r"1 client id\(s\) referred to do not exist, such as \[987654\]"
    with pytest.raises(MissingReference, match=missing), pg_engine.begin() as conn:
        upsert_bookings(conn, _frame(location, service, [client, 987654]))
    assert _bookings(pg_engine) == 0


def test_a_therapist_removed_during_an_import_stops_it_with_nothing_written(pg_engine):
    _one_location_service_client(pg_engine)
    with Session(pg_engine) as s:
        harbor = s.scalars(select(Location)).one()
        s.add(Therapist(name="Ana Silva", name_key="ana silva", home_location_id=harbor.id))
        s.commit()
    removed = []

    def remove_therapist_meanwhile(_conn, _cursor, statement, *_args) -> None:
        if "FOR KEY SHARE" in statement and not removed:  # the first key is being locked
            with pg_engine.begin() as other:
                removed.append(other.execute(text(
                    "DELETE FROM therapist WHERE name = 'Ana Silva'")).rowcount)

    event.listen(pg_engine, "before_cursor_execute", remove_therapist_meanwhile)
    try:
        with pytest.raises(UsageError, match="a therapist this file refers to was removed "
                                             "while it was being imported. Nothing was "
                                             "imported; import the file again."):
            import_bookings(pg_engine, read_bookings_export(EXPORT, "export.csv"))
    finally:
        event.remove(pg_engine, "before_cursor_execute", remove_therapist_meanwhile)
    assert removed == [1]
    assert _bookings(pg_engine) == 0
    with pg_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM import_batch")).scalar() == 0


def test_a_referenced_row_stays_locked_until_the_write_commits(pg_engine):
    location, service, client = _one_location_service_client(pg_engine)
    with pg_engine.connect() as writer, pg_engine.connect() as other:
        with writer.begin():
            upsert_bookings(writer, _frame(location, service, [client]))
            other.execute(text("SET lock_timeout = '200ms'"))
            # Its other columns stay open to change, as with the per-row checks: the lock
            # is FOR KEY SHARE, not FOR NO KEY UPDATE.
            other.execute(text("UPDATE client SET focus_areas = 'neck' WHERE id = :id"),
                          {"id": client})
            other.commit()
            with pytest.raises(Exception, match="lock timeout"):  # noqa: B017
                other.execute(text("DELETE FROM client WHERE id = :id"), {"id": client})
            other.rollback()
    assert _bookings(pg_engine) == 1


def test_a_table_with_a_trigger_of_its_own_keeps_its_row_checks(pg_engine):
    with pg_engine.begin() as conn:
        conn.execute(text("CREATE FUNCTION spaops_noop() RETURNS trigger LANGUAGE plpgsql "
                          "AS $$ BEGIN RETURN NEW; END $$"))
        conn.execute(text("CREATE TRIGGER noop BEFORE INSERT ON booking FOR EACH ROW "
                          "EXECUTE FUNCTION spaops_noop()"))
        assert not may_check_keys_setwise(conn, Booking.__table__)
        with keys_checked_setwise(conn, Booking.__table__, {"client_id": [1]}) as setwise:
            assert setwise is False
        conn.rollback()


def test_a_plain_role_imports_the_same_through_the_row_checks(pg_engine, plain_engine):
    with plain_engine.begin() as conn:
        assert not may_check_keys_setwise(conn, Booking.__table__)
    document = import_bookings(plain_engine, read_bookings_export(EXPORT, "export.csv"),
                               username="front desk")
    assert (document["inserted"], document["rejected"]) == (3, 0)
    assert _imported(plain_engine) == IMPORTED
    with plain_engine.connect() as conn:
        location = conn.execute(select(Location.id).where(Location.name == "Harbor Day Spa"))
        service = conn.execute(select(Service.id).where(Service.name == "Swedish Massage 60"))
        location, service = location.scalar_one(), service.scalar_one()
    with pytest.raises(ForeignKeyViolation, match="foreign key"), \
            plain_engine.begin() as conn:
        upsert_bookings(conn, _frame(location, service, [987654]))
    assert _bookings(plain_engine) == 3


def test_sqlite_never_takes_the_setwise_path(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert not may_check_keys_setwise(conn, Booking.__table__)


def test_bulk_written_bookings_read_back_exactly_as_sent(pg_engine):
    """Text with commas, quotes, line breaks and accents, missing values, microseconds and
    yes/no flags survive the COPY, on insert and on update alike."""
    location, service, client = _one_location_service_client(pg_engine)
    frame = _frame(location, service, [client, None, client])
    frame["external_ref"] = ['A, "quoted"', "line\nbreak", "Zoë #3"]
    frame["starts_at"] = pd.Series([datetime(2026, 11, 3, 9, 0, 0, 123456),
                                    datetime(2026, 11, 3, 10), datetime(2026, 11, 4, 11, 30)])
    frame["ends_at"] = frame["starts_at"] + pd.Timedelta(minutes=60)
    frame["price_cents"] = pd.array([12000, None, 9550], dtype="Int64")
    frame["requested"] = [True, False, True]
    with pg_engine.begin() as conn:
        upsert_bookings(conn, frame)

    def stored() -> list[tuple]:
        with pg_engine.connect() as conn:
            return [tuple(row) for row in conn.execute(
                select(Booking.external_ref, Booking.starts_at, Booking.price_cents,
                       Booking.client_id, Booking.requested).order_by(Booking.starts_at))]

    assert stored() == [
        ('A, "quoted"', datetime(2026, 11, 3, 9, 0, 0, 123456), 12000, client, True),
        ("line\nbreak", datetime(2026, 11, 3, 10), None, None, False),
        ("Zoë #3", datetime(2026, 11, 4, 11, 30), 9550, client, True)]
    with pg_engine.connect() as conn:
        ids = dict(conn.execute(select(Booking.external_ref, Booking.id)).all())
    frame["id"] = pd.array([ids[ref] for ref in frame["external_ref"]], dtype="Int64")
    frame["price_cents"] = pd.array([None, 8000, 9550], dtype="Int64")
    frame["requested"] = [False, True, True]
    with pg_engine.begin() as conn:
        upsert_bookings(conn, frame)
    assert [(row[2], row[4]) for row in stored()] == [(None, False), (8000, True), (9550, True)]


BOOKING_COLUMNS = ["external_ref", "location_id", "service_id", "client_id", "starts_at",
                   "ends_at", "duration_min", "status", "requested"]


def _booking_rows(location: int, service: int, clients: list[int]) -> list[tuple]:
    return [(f"B-{i}", location, service, client, f"2026-11-03 {9 + i:02d}:00:00.000000",
             f"2026-11-03 {10 + i:02d}:00:00.000000", 60, "booked", False)
            for i, client in enumerate(clients)]


def _by_column(rows: list[tuple]) -> dict[str, list]:
    return dict(zip(BOOKING_COLUMNS, map(list, zip(*rows, strict=True)), strict=True))


def _row_checks(session: Session) -> int:
    return session.execute(text("PRAGMA foreign_keys")).scalar_one()


def test_sqlite_checks_keys_row_by_row_unless_the_writer_checks_them_itself(sqlite_engine):
    location, service, _client = _one_location_service_client(sqlite_engine)
    with session_scope(sqlite_engine) as s:
        assert _row_checks(s) == 1
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"), \
            session_scope(sqlite_engine, write=True) as s:
        insert_tuples(s, Booking, BOOKING_COLUMNS, _booking_rows(location, service, [987654]))
    with session_scope(sqlite_engine, write=True, setwise_keys=True) as s:
        assert _row_checks(s) == 0
    with session_scope(sqlite_engine) as s:  # the same pooled connection, checks back on
        assert _row_checks(s) == 1
    with pytest.raises(ValueError, match="only a writer"), \
            session_scope(sqlite_engine, setwise_keys=True):
        pass
    assert _bookings(sqlite_engine) == 0


def test_a_sqlite_bulk_write_checks_each_referenced_id_once(sqlite_engine):
    location, service, client = _one_location_service_client(sqlite_engine)
    rows = _booking_rows(location, service, [client, 987654, client, None])
    with pytest.raises(MissingReference,
                       match=r"1 client id\(s\) referred to do not exist, such as \[987654\]"), \
            session_scope(sqlite_engine, write=True, setwise_keys=True) as s:
        insert_tuples(s, Booking, BOOKING_COLUMNS, rows, columns=_by_column(rows))
    assert _bookings(sqlite_engine) == 0
    with pytest.raises(ValueError, match="must give its values to check"), \
            session_scope(sqlite_engine, write=True, setwise_keys=True) as s:
        insert_tuples(s, Booking, BOOKING_COLUMNS, rows)
    assert _bookings(sqlite_engine) == 0
    good = [row for row in rows if row[3] != 987654]
    with session_scope(sqlite_engine, write=True, setwise_keys=True) as s:
        insert_tuples(s, Booking, BOOKING_COLUMNS, good, columns=_by_column(good))
    with sqlite_engine.connect() as conn:
        stored = conn.execute(select(Booking.external_ref, Booking.client_id)
                              .order_by(Booking.external_ref)).all()
    assert [tuple(row) for row in stored] == [("B-0", client), ("B-2", client), ("B-3", None)]


def test_rows_the_orm_writes_without_row_checks_are_checked_whole(sqlite_engine):
    location, _service, _client = _one_location_service_client(sqlite_engine)
    with pytest.raises(MissingReference,
                       match=r"1 location id\(s\) referred to do not exist, such as \[987654\]"), \
            session_scope(sqlite_engine, write=True, setwise_keys=True) as s:
        s.add(Therapist(name="Ana Silva", name_key="ana silva", home_location_id=location))
        s.add(Therapist(name="Ben Ode", name_key="ben ode", home_location_id=987654))
        s.flush()
        check_tables(s.connection(), [Location.__table__, Therapist.__table__])
    assert _rows(sqlite_engine, Therapist) == 0
    with session_scope(sqlite_engine, write=True, setwise_keys=True) as s:
        s.add(Therapist(name="Ana Silva", name_key="ana silva", home_location_id=location))
        s.flush()
        check_tables(s.connection(), [Location.__table__, Therapist.__table__])
    assert _rows(sqlite_engine, Therapist) == 1


def test_a_sqlite_import_writes_the_same_rows_with_its_keys_checked_setwise(sqlite_engine):
    document = import_bookings(sqlite_engine, read_bookings_export(EXPORT, "export.csv"))
    assert (document["inserted"], document["rejected"]) == (3, 0)
    assert _imported(sqlite_engine) == IMPORTED
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_key_check")).all() == []


def test_rejected_rows_are_checked_by_the_batch_they_refer_to(sqlite_engine):
    rejections = ImportRejection.__table__
    row = {"row": 2, "booking_ref": "K-9", "reason": "no date", "raw_line": "K-9,,"}
    with pytest.raises(MissingReference,
                       match=r"1 import_batch id\(s\) referred to do not exist, "
                             r"such as \[987654\]"), \
            session_scope(sqlite_engine, write=True, setwise_keys=True) as s:
        s.execute(rejections.insert(), [{**row, "batch_id": 987654}])
        check_written(s.connection(), rejections, {"batch_id": [987654]})
    assert _rows(sqlite_engine, rejections) == 0
    with session_scope(sqlite_engine, write=True) as s:  # per-row checks on: SQLite's own
        check_written(s.connection(), rejections, {"batch_id": [987654]})  # nothing to do
