"""Rows written by column through the DBAPI (SQLite) or COPY (PostgreSQL) read back as
sent, and ids a writer created itself are not looked up again."""

from datetime import date, time

import pytest
from sqlalchemy import event, select

from models import Client, Location, Shift, Therapist
from spaops.bulk.keys import MissingReference
from spaops.bulk.write import by_column, insert_columns
from spaops.db import session_scope


def _location_and_therapist(engine) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        location = Location(name="Harbor Day Spa", name_key="harbor day spa", tier="urban")
        s.add(location)
        s.flush()
        therapist = Therapist(name="Ana Silva", name_key="ana silva",
                              home_location_id=location.id)
        s.add(therapist)
        s.flush()
        return location.id, therapist.id


def test_rows_by_column_read_back_exactly_as_sent(engine):
    """Text with commas, quotes, line breaks and accents, empty text beside missing values,
    dates, times and the same start many times over (converted once) survive either path."""
    location, therapist = _location_and_therapist(engine)
    clients = [{"external_ref": 'A, "quoted"', "home_location_id": location,
                "focus_areas": "neck\nshoulders", "contraindications": ""},
               {"external_ref": "Zoë #3", "home_location_id": None,
                "focus_areas": "", "contraindications": "pregnancy"}]
    shifts = {"therapist_id": [therapist] * 3, "location_id": [location] * 3,
              "shift_date": [date(2026, 11, 3), date(2026, 11, 3), date(2026, 11, 4)],
              "start_time": [time(9), time(13, 30), time(9)],
              "end_time": [time(13), time(21), time(17, 15)]}
    with session_scope(engine, write=True, setwise_keys=True) as s:
        insert_columns(s, Client, by_column(clients))
        insert_columns(s, Shift, shifts)
    with engine.connect() as conn:
        stored_clients = conn.execute(select(
            Client.external_ref, Client.home_location_id, Client.focus_areas,
            Client.contraindications).order_by(Client.id)).all()
        stored_shifts = conn.execute(select(
            Shift.shift_date, Shift.start_time, Shift.end_time).order_by(Shift.id)).all()
        # Stored as SQLAlchemy writes them: a range query on the text agrees on SQLite.
        later = conn.execute(select(Shift.id).where(Shift.shift_date > date(2026, 11, 3))
                             ).all()
    assert [tuple(row) for row in stored_clients] == [
        ('A, "quoted"', location, "neck\nshoulders", ""), ("Zoë #3", None, "", "pregnancy")]
    assert [tuple(row) for row in stored_shifts] == [
        (date(2026, 11, 3), time(9), time(13)), (date(2026, 11, 3), time(13, 30), time(21)),
        (date(2026, 11, 4), time(9), time(17, 15))]
    assert len(later) == 1


def test_a_column_not_given_takes_the_models_default(engine):
    """As an ORM insert would: a client known only by name gets empty focus areas and
    contraindications (the columns allow no NULL), not a refused write."""
    with session_scope(engine, write=True, setwise_keys=True) as s:
        insert_columns(s, Client, {"external_ref": ["Only a name"]})
    with engine.connect() as conn:
        stored = conn.execute(select(Client.external_ref, Client.home_location_id,
                                     Client.focus_areas, Client.contraindications)).all()
    assert [tuple(row) for row in stored] == [("Only a name", None, "", "")]


def test_a_missing_reference_refuses_the_write_unless_the_writer_created_the_ids(engine):
    """A column named as created is trusted (the seed read those ids back itself); any
    other column is still checked, set-wise, and a missing id refuses the whole write."""
    location, therapist = _location_and_therapist(engine)
    shifts = {"therapist_id": [therapist, 987654], "location_id": [location, location],
              "shift_date": [date(2026, 11, 3)] * 2, "start_time": [time(9)] * 2,
              "end_time": [time(17)] * 2}
    with pytest.raises(MissingReference, match=r"therapist id\(s\).*\[987654\]"), \
            session_scope(engine, write=True, setwise_keys=True) as s:
        insert_columns(s, Shift, shifts)
    with engine.connect() as conn:
        assert conn.execute(select(Shift.id)).all() == []

    statements: list[str] = []
    event.listen(engine, "before_cursor_execute",
                 lambda _c, _cur, sql, *_rest: statements.append(sql))
    good = {name: values[:1] for name, values in shifts.items()}
    with session_scope(engine, write=True, setwise_keys=True) as s:
        insert_columns(s, Shift, good, created=["therapist_id"])
    lookups = [sql for sql in statements if "FROM therapist" in sql or "FROM location" in sql]
    assert len(lookups) == 1 and "location" in lookups[0]  # the location still, once
    with engine.connect() as conn:
        assert conn.execute(select(Shift.therapist_id)).scalars().all() == [therapist]


def test_rows_of_one_key_by_column():
    """A table written by one column is still a list per key (no tuple unpacking)."""
    assert by_column([{"a": 1}, {"a": None}]) == {"a": [1, None]}
    assert by_column([{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]) == {"a": [1, 2], "b": ["x", "y"]}
