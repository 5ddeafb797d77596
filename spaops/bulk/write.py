"""Bulk writes that bypass the ORM: plain rows in by the DBAPI's executemany on SQLite and
by COPY on PostgreSQL, their foreign keys checked set-wise (spaops.bulk.keys).

Whoever writes bookings this way calls `spaops.rollup.refresh_booking_days` after.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time

import pyarrow as pa
import pyarrow.csv as pa_csv
from sqlalchemy import insert, text
from sqlalchemy.engine import Connection
from sqlmodel import Session

from spaops.bulk.keys import keys_checked_setwise

COPY_CHUNK = 50_000  # rows turned into CSV text at a time: bounded memory on a million
# Below this many rows, building a table's indexes again never pays for itself.
REBUILD_INDEXES_FROM = 10_000


class _Converted(dict):
    """Each distinct value converted once: the starts and ends of a million demo bookings
    are about 35,000 distinct times each (converting all 2,000,000 took 3.65 s, each distinct
    one once 0.38 s)."""

    def __init__(self, convert: Callable[[object], object]) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, value: object) -> object:
        converted = self[value] = self.convert(value)
        return converted


def _sqlite_converter(sample: object) -> Callable[[object], object] | None:
    """How SQLAlchemy's SQLite types store a value, so text comparisons agree."""
    if isinstance(sample, datetime):
        return lambda v: v.isoformat(" ", "microseconds")  # type: ignore[attr-defined]
    if isinstance(sample, date):
        return lambda v: v.isoformat()  # type: ignore[attr-defined]
    if isinstance(sample, time):
        return lambda v: v.isoformat("microseconds")  # type: ignore[attr-defined]
    return None


def by_column(rows: Sequence[Mapping]) -> dict[str, list]:
    """Rows alike in their keys (the first row's) as one list of values per key."""
    return {name: [row[name] for row in rows] for name in rows[0]}


def bulk_insert(session: Session, model: type, rows: Sequence[Mapping]) -> None:
    """Insert plain rows (mappings alike in their keys) in bulk, through `insert_columns`."""
    if rows:
        insert_columns(session, model, by_column(rows))


def insert_columns(session: Session, model: type, columns: Mapping[str, list],
                   created: Collection[str] = ()) -> None:
    """Insert rows given by column (lists of one length, plain Python values), their foreign
    keys checked set-wise where the transaction allows (spaops.bulk.keys).

    SQLite takes them through the DBAPI's executemany, dates and times as the text
    SQLAlchemy writes (so later comparisons and reads agree); PostgreSQL through COPY, as
    CSV that Arrow writes a chunk at a time. No ORM object is built per row. `created`
    names columns whose every id is of a row this transaction created (read back from
    it): no one else can see those rows to remove them, so they are not looked up again.
    A column not given takes the model's constant default, as an ORM or Core insert would.
    """
    table = model.__table__  # type: ignore[attr-defined]
    connection = session.connection()
    rows = len(next(iter(columns.values())))
    columns = {**{column.name: [column.default.arg] * rows for column in table.columns
                  if column.name not in columns and column.default is not None
                  and column.default.is_scalar}, **columns}
    checked = {name: [] if name in created else values for name, values in columns.items()}
    if connection.dialect.driver == "psycopg":
        with keys_checked_setwise(connection, table, checked):
            copy_batches(connection, table.name, (
                pa.table({name: pa.array(values[at:at + COPY_CHUNK])
                          for name, values in columns.items()})
                for at in range(0, rows, COPY_CHUNK)))
        return
    if connection.dialect.name == "sqlite":
        stored = {}
        for name, values in columns.items():
            sample = next((v for v in values if v is not None), None)
            if (convert := _sqlite_converter(sample)) is not None:
                converted = _Converted(convert)
                values = [None if v is None else converted[v] for v in values]
            stored[name] = values
        columns = stored
    insert_tuples(session, model, list(columns), zip(*columns.values(), strict=True),
                  columns=checked)


def copy_batches(connection: Connection, table: str, batches: Iterable[pa.Table]) -> None:
    """COPY Arrow tables into a PostgreSQL table whose columns carry their names.

    Each batch goes as CSV text written by Arrow: a million rows of bookings into a table
    without indexes took 3.2-4.5 s so, 6.3-8.0 s through psycopg's row-by-row writer (and
    pandas' to_csv cost 0.4 s per 100,000). A null becomes an unquoted empty field, which
    COPY reads as NULL; text is always quoted, so "" stays empty text.
    """
    batches = iter(batches)
    if (first := next(batches, None)) is None:
        return
    quote = connection.dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in first.column_names)
    sql = f"COPY {quote(table)} ({names}) FROM STDIN (FORMAT csv)"
    driver = connection.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[union-attr]
        for batch in itertools.chain([first], batches):
            text_out = pa.BufferOutputStream()
            pa_csv.write_csv(batch, text_out, pa_csv.WriteOptions(include_header=False))
            copy.write(text_out.getvalue())


def insert_tuples(session: Session, model: type, names: list[str],
                  rows: Iterable[tuple], chunk: int = 50_000,
                  columns: Mapping[str, Iterable] | None = None) -> None:
    """Insert rows given as tuples in the order of `names`, values ready for the database.

    SQLite takes them straight through the DBAPI's executemany (dates and times as the
    text SQLAlchemy writes), checking the foreign keys set-wise where `columns` holds the
    same values by column (spaops.bulk.keys; required in a transaction begun with
    `setwise_keys`); any other database takes them through Core, a chunk at a time.
    PostgreSQL's bulk writes go by column, through `insert_columns` or `copy_batches`.
    """
    table = model.__table__  # type: ignore[attr-defined]
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        iterator = iter(rows)
        while batch := [dict(zip(names, row, strict=True))
                        for row in itertools.islice(iterator, chunk)]:
            connection.execute(insert(table), batch)
        return
    sql = (f"INSERT INTO {table.name} ({', '.join(names)}) "
           f"VALUES ({', '.join('?' for _ in names)})")
    with keys_checked_setwise(connection, table, columns):
        cursor = connection.connection.driver_connection.cursor()
        cursor.executemany(sql, rows)
        cursor.close()


def rebuilds_indexes(adding: int, stored: Callable[[], int]) -> bool:
    """Whether inserting `adding` rows into a table of `stored()` rows is quicker with its
    plain indexes built once afterwards (a sort of every row) than grown a row at a time;
    the table is counted only for a write big enough (a day's export skips the count)."""
    return adding >= REBUILD_INDEXES_FROM and adding >= stored()


@contextmanager
def indexes_built_after(session: Session, model: type, adding: int) -> Iterator[None]:
    """Around a bulk insert of `adding` rows on SQLite: when `rebuilds_indexes`, drop the
    table's plain (not unique) indexes first and create them from the model once the rows
    are in. A chain's first import of its history (the import bench's 100,000 bookings into
    an empty table) then writes them in 0.54 s instead of 0.66 s (best of seven).

    In the writer's transaction (DDL is transactional on SQLite), so a failure leaves the
    indexes as they were, and readers go on reading the last commit meanwhile. Not on
    PostgreSQL, where dropping an index locks every reader of the table out until commit.
    """
    table = model.__table__  # type: ignore[attr-defined]
    connection = session.connection()
    plain = [index for index in table.indexes if not index.unique]
    if connection.dialect.name != "sqlite" or not plain or not rebuilds_indexes(
            adding, lambda: connection.execute(
                text(f"SELECT count(*) FROM {table.name}")).scalar_one()):
        yield
        return
    for index in plain:
        index.drop(connection)
    yield
    for index in plain:
        index.create(connection)
