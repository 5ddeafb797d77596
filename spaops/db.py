"""Engine from a URL, session scopes and schema upgrades, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import event, insert, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

import models  # noqa: F401  (registers every table on SQLModel.metadata)
import spaops.rollup  # noqa: F401  (keeps booking_day current on every ORM flush)
from spaops.bulk_keys import keys_checked_setwise

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "spaops.db"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_CACHE_KB = 32 * 1024
SETWISE_KEYS = "setwise_keys"  # execution option: the transaction checks its keys itself
_REVISION = re.compile(r'^revision: str = "([^"]+)"', re.MULTILINE)
_DOWN_REVISION = re.compile(r'^down_revision: str \| None = "([^"]+)"', re.MULTILINE)


def default_url() -> str:
    """Return the database URL: SPAOPS_DATABASE_URL, else the embedded SQLite file."""
    return os.environ.get("SPAOPS_DATABASE_URL") or f"sqlite:///{DEFAULT_DB_PATH}"


def is_sqlite(engine_or_url: Engine | str) -> bool:
    """Tell whether an engine or URL points at SQLite."""
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    return url.get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    """Return the file behind a SQLite URL, or None for memory and other backends."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def make_engine(url: str | None = None) -> Engine:
    """Build an engine; SQLite gets WAL, foreign keys, a busy timeout and real transactions."""
    url = url or default_url()
    if not is_sqlite(url):
        # No JIT: it compiled each dashboard query for 0.03-0.1 s to save less than that.
        return create_engine(url, pool_pre_ping=True, connect_args={"options": "-c jit=off"})
    path = sqlite_path(url)
    if path is None:
        engine = create_engine(
            url, connect_args={"check_same_thread": False}, poolclass=StaticPool
        )
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if path is not None:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")  # and again as each transaction begins
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # A page cache that holds the booking indexes of a big import (grows only as used).
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        options = conn.get_execution_options()
        # Writers ask for IMMEDIATE so that a read-then-write cannot lose a race.
        mode = options.get("sqlite_begin", "DEFERRED")
        # Per-row key checks are on unless the transaction checks its keys itself (set in
        # every transaction: the pragma does nothing once one has begun).
        keys = "OFF" if options.get(SETWISE_KEYS) else "ON"
        raw = conn.connection.driver_connection
        raw.execute(f"PRAGMA foreign_keys={keys}")
        raw.execute(f"BEGIN {mode}")

    return engine


@contextmanager
def session_scope(engine: Engine, *, write: bool = False,
                  setwise_keys: bool = False) -> Iterator[Session]:
    """Yield a session that commits on success and rolls back on any error.

    With ``write=True`` SQLite takes its write lock at the start of the transaction,
    so checks made inside it still hold when it commits. With ``setwise_keys=True`` (a
    bulk writer) SQLite does not check foreign keys row by row: every write in the
    transaction checks its own, set-wise, through spaops.bulk_keys.
    """
    if setwise_keys and not write:
        raise ValueError("only a writer, holding the write lock, checks its keys itself")
    bind = engine.execution_options(sqlite_begin="IMMEDIATE",
                                    **{SETWISE_KEYS: setwise_keys}) if write else engine
    session = Session(bind, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(connection=None):  # type: ignore[no-untyped-def]
    """Return the Alembic configuration of this project, optionally bound to a connection."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration's id, read from the migration files without loading Alembic."""
    revisions, parents = set(), set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = script.read_text(encoding="utf-8")
        if found := _REVISION.search(source):
            revisions.add(found.group(1))
        if found := _DOWN_REVISION.search(source):
            parents.add(found.group(1))
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have exactly one head, found {sorted(heads)}")
    return heads.pop()


def stored_revision(engine: Engine) -> str | None:
    """The migration a database was last brought to, or None for a new database."""
    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade_schema(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration, keeping existing data."""
    if stored_revision(engine) == head_revision():
        return  # the usual case: every command starts without loading Alembic
    from alembic import command

    # SQLite rebuilds a table to change it; foreign keys pointing at the old one must not
    # fire meanwhile. They are off for the transaction and every reference is checked
    # before the commit.
    with engine.connect().execution_options(**{SETWISE_KEYS: True}) as connection:
        with connection.begin():
            command.upgrade(alembic_config(connection), "head")
            if connection.dialect.name == "sqlite" and (broken := connection.exec_driver_sql(
                    "PRAGMA foreign_key_check").all()):
                raise RuntimeError(f"the upgrade would break references: {broken[:3]}")


def schema_is_empty(engine: Engine) -> bool:
    """Tell whether the database has none of our tables yet."""
    return not inspect(engine).has_table("booking")


def _sqlite_converter(sample: object) -> Callable[[object], object] | None:
    """How SQLAlchemy's SQLite types store a value, so text comparisons agree."""
    if isinstance(sample, datetime):
        return lambda v: v.isoformat(" ", "microseconds")  # type: ignore[attr-defined]
    if isinstance(sample, date):
        return lambda v: v.isoformat()  # type: ignore[attr-defined]
    if isinstance(sample, time):
        return lambda v: v.isoformat("microseconds")  # type: ignore[attr-defined]
    return None


def bulk_insert(session: Session, model: type, rows: list[dict], chunk: int = 50_000) -> None:
    """Insert plain rows in bulk: the DBAPI's executemany on SQLite, Core elsewhere.

    On SQLite values are written in exactly the text SQLAlchemy's types would write, so
    later comparisons and reads agree; no ORM object is built per row.
    """
    if not rows:
        return
    names = list(rows[0])
    columns = []
    sqlite = session.connection().dialect.name == "sqlite"
    for name in names:
        values = [row[name] for row in rows]
        sample = next((v for v in values if v is not None), None)
        convert = _sqlite_converter(sample) if sqlite else None
        if convert is not None:
            values = [None if v is None else convert(v) for v in values]
        columns.append(values)
    insert_tuples(session, model, names, zip(*columns, strict=True), chunk=chunk,
                  columns=dict(zip(names, columns, strict=True)))


def insert_tuples(session: Session, model: type, names: list[str],
                  rows: Iterable[tuple], chunk: int = 50_000,
                  columns: Mapping[str, Iterable] | None = None) -> None:
    """Insert rows given as tuples in the order of `names`, values ready for the database.

    SQLite takes them straight through the DBAPI's executemany (dates and times as the
    text SQLAlchemy writes); PostgreSQL through psycopg's COPY; any other database through
    Core, a chunk at a time. Where `columns` holds the same values by column, the foreign
    keys are checked set-wise (spaops.bulk_keys): on PostgreSQL where the role may, on
    SQLite in a transaction begun with `setwise_keys`, which requires them.
    """
    table = model.__table__  # type: ignore[attr-defined]
    connection = session.connection()
    if connection.dialect.driver == "psycopg":  # PostgreSQL: COPY, in the same transaction
        quote = connection.dialect.identifier_preparer.quote
        sql = (f"COPY {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
               "FROM STDIN")
        with keys_checked_setwise(connection, table, columns), \
                connection.connection.driver_connection.cursor() as cursor, \
                cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
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


# Below this many rows, building a table's indexes again never pays for itself.
REBUILD_INDEXES_FROM = 10_000


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
