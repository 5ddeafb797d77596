"""A big import into a smaller SQLite booking table builds its plain indexes once, after the
rows are in; new clients get the ids SQLite would have given them."""

from collections.abc import Iterator

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from models import Booking
from spaops.bulk.write import REBUILD_INDEXES_FROM, indexes_built_after, rebuilds_indexes
from spaops.db import session_scope
from spaops.ingest import import_bookings, read_bookings_export

HEADER = ("Appointment #,Location,Staff Member,Service Name,Client Name,Date & Time,Duration,"
          "Price,Status\n")
PLAIN = {"ix_booking_location_start": ["location_id", "starts_at"],
         "ix_booking_therapist_start": ["therapist_id", "starts_at"],
         "ix_booking_client_start": ["client_id", "starts_at"]}


def _export(first: int, rows: int, clients: range) -> bytes:
    """`rows` bookings K-first.., two locations, clients named by `clients` in turn."""
    lines = [HEADER]
    for i in range(first, first + rows):
        client = clients[i % len(clients)]
        lines.append(f"K-{i},{'Harbor Day Spa' if i % 2 else 'Maple Grove Spa'},"
                     f"Therapist {i % 7},Swedish Massage 60,Client {client},"
                     f"{i % 12 + 1:02d}/{i % 28 + 1:02d}/2026 {i % 9 + 1}:00 PM,60,$120.00,"
                     "Completed\n")
    return "".join(lines).encode()


def _import(engine: Engine, data: bytes) -> dict:
    return import_bookings(engine, read_bookings_export(data), username="test")


def _plain_indexes(engine: Engine) -> dict[str, list[str]]:
    """The booking table's indexes that are not unique, with their columns, as stored."""
    with engine.connect() as conn:
        return {name: [column for _, _, column in conn.execute(
                    text(f"PRAGMA index_info('{name}')"))]
                for _, name, unique, *_ in conn.execute(text("PRAGMA index_list('booking')"))
                if not unique}


@pytest.fixture
def index_statements(sqlite_engine: Engine) -> Iterator[list[str]]:
    """Every DROP INDEX and CREATE INDEX statement sent to the database."""
    seen: list[str] = []

    @event.listens_for(sqlite_engine, "before_cursor_execute")
    def _record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if "INDEX" in statement.upper() and statement.lstrip().upper().startswith(
                ("DROP", "CREATE")):
            seen.append(" ".join(statement.split()))

    yield seen
    event.remove(sqlite_engine, "before_cursor_execute", _record)


def test_rebuilding_pays_only_for_a_big_write_into_a_table_no_bigger():
    assert REBUILD_INDEXES_FROM == 10_000
    def never_counted() -> int:
        raise AssertionError("a write too small to rebuild counted the table")

    assert not rebuilds_indexes(9_999, never_counted)  # too few rows to be worth a rebuild
    assert rebuilds_indexes(10_000, lambda: 0)
    assert rebuilds_indexes(50_000, lambda: 50_000)
    assert not rebuilds_indexes(50_000, lambda: 50_001)  # growing the indexes is cheaper


def test_a_first_import_of_history_builds_the_indexes_once_after(sqlite_engine,
                                                                  index_statements):
    document = _import(sqlite_engine, _export(0, 10_000, range(3_000)))
    assert document["inserted"] == 10_000
    assert sorted(s.split()[2] for s in index_statements if s.startswith("DROP")) \
        == sorted(PLAIN)
    assert sorted(s.split()[2] for s in index_statements if s.startswith("CREATE")) \
        == sorted(PLAIN)
    assert _plain_indexes(sqlite_engine) == PLAIN  # as the model defines them
    with sqlite_engine.connect() as conn:
        plan = " ".join(str(row[-1]) for row in conn.execute(text(
            "EXPLAIN QUERY PLAN SELECT count(*) FROM booking WHERE location_id = 1 "
            "AND starts_at >= '2026-03-01'")))
        # New clients got the ids SQLite gives (1..3000), each booking its row's client.
        assert conn.execute(text("SELECT min(id), max(id), count(*) FROM client")).one() \
            == (1, 3_000, 3_000)
        assert conn.execute(text(
            "SELECT count(*) FROM booking b JOIN client c ON c.id = b.client_id "
            "WHERE c.external_ref = 'Client ' || (CAST(substr(b.external_ref, 3) AS INTEGER) "
            "% 3000)")).scalar_one() == 10_000
    assert "ix_booking_location_start" in plan


def test_a_smaller_import_into_a_bigger_table_grows_its_indexes(sqlite_engine,
                                                                  index_statements):
    _import(sqlite_engine, _export(0, 12_000, range(3_000)))
    index_statements.clear()
    # 10,000 new bookings, half of their clients new (ids after the 3,000 stored).
    document = _import(sqlite_engine, _export(12_000, 10_000, range(1_500, 4_500)))
    assert document["inserted"] == 10_000
    assert index_statements == []
    assert _plain_indexes(sqlite_engine) == PLAIN
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("SELECT min(id), max(id), count(*) FROM client")).one() \
            == (1, 4_500, 4_500)
        assert conn.execute(text(
            "SELECT count(*) FROM booking b JOIN client c ON c.id = b.client_id "
            "WHERE c.external_ref = 'Client ' || CASE WHEN CAST(substr(b.external_ref, 3) "
            "AS INTEGER) < 12000 THEN CAST(substr(b.external_ref, 3) AS INTEGER) % 3000 "
            "ELSE 1500 + CAST(substr(b.external_ref, 3) AS INTEGER) % 3000 END"
        )).scalar_one() == 22_000


def test_a_failed_write_leaves_the_indexes_as_they_were(sqlite_engine):
    with pytest.raises(RuntimeError, match="the write failed"):
        with session_scope(sqlite_engine, write=True) as session, \
                indexes_built_after(session, Booking, REBUILD_INDEXES_FROM):
            dropped = session.connection().execute(text(
                "SELECT count(*) FROM pragma_index_list('booking') WHERE NOT \"unique\""
            )).scalar_one()
            raise RuntimeError("the write failed")
    assert dropped == 0  # they were gone meanwhile
    assert _plain_indexes(sqlite_engine) == PLAIN
