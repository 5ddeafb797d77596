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
    from seed.demo import seed_demo
    from spaops.db import make_engine, upgrade_schema

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"chain_{BOOKINGS}_{clock.today()}.db"
    fresh = not path.exists()
    engine = make_engine(f"sqlite:///{path}")
    upgrade_schema(engine)  # also brings a chain seeded by an older version up to date
    if fresh:
        began = time.perf_counter()
        seed_demo(engine, bookings=BOOKINGS, today=clock.today())
        print(f"seeded {BOOKINGS:,} bookings in {time.perf_counter() - began:.1f} s")
    engine.dispose()
    return path


def _admin():  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(SERVER.replace("postgresql+psycopg://", "postgresql://"),
                           autocommit=True)


def postgres_url(database: str) -> str:
    """The SQLAlchemy URL of `database` on the benches' PostgreSQL server."""
    return SERVER.rsplit("/", 1)[0] + f"/{database}"


def fresh_postgres_database(database: str) -> str:
    """`database` on the benches' server, dropped and created empty; its URL."""
    with _admin() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{database}"')
    return postgres_url(database)


def drop_postgres_database(database: str) -> None:
    """Drop `database` from the benches' server, if it is there."""
    with _admin() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _chain_label() -> str:
    return f"demo chain, {BOOKINGS} bookings, {clock.today()}"


def mark_postgres_chain(database: str = PG_CHAIN) -> None:
    """Label `database` as today's seeded chain (a comment on it), so others reuse it."""
    with _admin() as connection:
        connection.execute(f"COMMENT ON DATABASE \"{database}\" IS '{_chain_label()}'")


def postgres_chain_url() -> str:
    """The 1M-booking demo chain for today on PostgreSQL, seeded once and reused."""
    from seed.demo import seed_demo
    from spaops.db import make_engine, upgrade_schema

    with _admin() as connection:
        label = connection.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            (PG_CHAIN,)).fetchone()
    if label and label[0] == _chain_label():
        return postgres_url(PG_CHAIN)
    url = fresh_postgres_database(PG_CHAIN)
    engine = make_engine(url)
    upgrade_schema(engine)
    began = time.perf_counter()
    seed_demo(engine, bookings=BOOKINGS, today=clock.today())
    engine.dispose()
    print(f"seeded {BOOKINGS:,} bookings on PostgreSQL in {time.perf_counter() - began:.1f} s")
    mark_postgres_chain()
    return url
