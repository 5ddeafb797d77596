"""The demo chains the benches share, and the size they run at.

The 1,000,000-booking chain is seeded once a day: on SQLite into bench/out/, on PostgreSQL
into the database `bench_seed` of the SPAOPS_TEST_POSTGRES_URL server (default: the local
test server). SPAOPS_BENCH_SMOKE=1 runs every bench at a smoke size of a few seconds
(tests/test_benches.py does so in CI, so the benches cannot rot); SPAOPS_BENCH_OUT moves
bench/out/ elsewhere.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from spaops import clock  # noqa: E402

SMOKE = os.environ.get("SPAOPS_BENCH_SMOKE", "") == "1"
OUT = Path(os.environ.get("SPAOPS_BENCH_OUT") or ROOT / "bench" / "out")
BOOKINGS = 3_000 if SMOKE else 1_000_000
SERVER = os.environ.get("SPAOPS_TEST_POSTGRES_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PG_CHAIN = "bench_seed_smoke" if SMOKE else "bench_seed"


def sized(full: int, smoke: int) -> int:
    """`full`, or `smoke` when the benches run at their smoke size."""
    return smoke if SMOKE else full


def chain_database() -> Path:
    """The 1M-booking demo chain for today on SQLite, seeded once and reused."""
    from spaops.db import make_engine, upgrade_schema

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"chain_{BOOKINGS}_{clock.today()}.db"
    url = f"sqlite:///{path}"
    if not path.exists():
        print(f"seeded {BOOKINGS:,} bookings in {seed_seconds(url):.1f} s")
        return path
    engine = make_engine(url)
    upgrade_schema(engine)  # brings a chain seeded by an older version up to date
    engine.dispose()
    return path


def dsn(url: str) -> str:
    """The address psycopg takes for one of SQLAlchemy's PostgreSQL URLs."""
    return url.replace("postgresql+psycopg://", "postgresql://")


def _admin():  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(dsn(SERVER), autocommit=True)


def postgres_url(database: str) -> str:
    """The SQLAlchemy URL of `database` on the benches' PostgreSQL server."""
    return SERVER.rsplit("/", 1)[0] + f"/{database}"


def fresh_postgres_database(database: str) -> str:
    """`database` on the benches' server, dropped and created empty; its URL."""
    with _admin() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{database}"')
    return postgres_url(database)


def existing_postgres_database(database: str) -> str:
    """`database` on the benches' server, created empty if it is not there yet; its URL."""
    with _admin() as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                  (database,)).fetchone():
            connection.execute(f'CREATE DATABASE "{database}"')
    return postgres_url(database)


def drop_postgres_database(database: str) -> None:
    """Drop `database` from the benches' server, if it is there."""
    with _admin() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _chain_label() -> str:
    return f"demo chain, {BOOKINGS} bookings, {clock.today()}"


def seed_seconds(url: str) -> float:
    """Seconds of `seed_demo` (BOOKINGS, today) into the empty database at `url`."""
    from seed.demo import seed_demo
    from spaops.db import make_engine, upgrade_schema

    engine = make_engine(url)
    upgrade_schema(engine)
    began = time.perf_counter()
    seed_demo(engine, bookings=BOOKINGS, today=clock.today())
    seconds = time.perf_counter() - began
    engine.dispose()
    return seconds


def seed_postgres_chain() -> tuple[str, float]:
    """Today's chain seeded afresh into PG_CHAIN and labelled for reuse: its URL, seconds."""
    url = fresh_postgres_database(PG_CHAIN)
    seconds = seed_seconds(url)
    with _admin() as connection:
        connection.execute(f"COMMENT ON DATABASE \"{PG_CHAIN}\" IS '{_chain_label()}'")
    return url, seconds


def postgres_chain_url() -> str:
    """The 1M-booking demo chain for today on PostgreSQL, seeded once and reused."""
    with _admin() as connection:
        label = connection.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            (PG_CHAIN,)).fetchone()
    if label and label[0] == _chain_label():
        return postgres_url(PG_CHAIN)
    url, seconds = seed_postgres_chain()
    print(f"seeded {BOOKINGS:,} bookings on PostgreSQL in {seconds:.1f} s")
    return url
