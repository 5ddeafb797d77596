"""Engine from a URL, session scopes and schema upgrades, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

import models  # noqa: F401  (registers every table on SQLModel.metadata)
import spaops.rollup  # noqa: F401  (keeps booking_day current on every ORM flush)

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
    transaction checks its own, set-wise, through spaops.bulk.keys.
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
