"""`spaops seed demo --bookings 1000000` on both databases, against writing its bookings bare.

Target (issue 12): under 60 s on SQLite and on PostgreSQL. The floor, measured in the same
run, is writing the seeded bookings again into a table without indexes or keys: sqlite3's
executemany into a fresh file, PostgreSQL's COPY into a fresh database. The PostgreSQL
chain seeded here is kept as `bench_seed` for bench/concurrency_bench.py. Prints figures;
asserts nothing.

    .venv/bin/python bench/seed_bench.py
"""

from __future__ import annotations

import io
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from chain import (  # noqa: E402
    BOOKINGS,
    SERVER,
    drop_postgres_database,
    dsn,
    fresh_postgres_database,
    seed_postgres_chain,
    seed_seconds,
)

TARGET_S = 60
COLUMNS = ("external_ref, location_id, therapist_id, service_id, client_id, starts_at, "
           "ends_at, duration_min, price_cents, status, requested")
BARE = ("CREATE TABLE bare (external_ref TEXT, location_id INTEGER, therapist_id INTEGER, "
        "service_id INTEGER, client_id INTEGER, starts_at {ts}, ends_at {ts}, "
        "duration_min INTEGER, price_cents INTEGER, status TEXT, requested BOOLEAN)")


def sqlite_floor_seconds(seeded: Path, folder: Path) -> float:
    """The seeded bookings written again with executemany into a bare table in a new file."""
    with sqlite3.connect(seeded) as source:
        rows = source.execute(f"SELECT {COLUMNS} FROM booking").fetchall()
    connection = sqlite3.connect(folder / "bare.db")
    connection.execute(BARE.format(ts="TEXT"))
    began = time.perf_counter()
    connection.executemany(f"INSERT INTO bare VALUES ({', '.join('?' * 11)})", rows)
    connection.commit()
    seconds = time.perf_counter() - began
    connection.close()
    return seconds


def postgres_floor_seconds(seeded: str) -> float:
    """The seeded bookings copied again into a bare table of a new database."""
    import psycopg

    data = io.BytesIO()
    with psycopg.connect(dsn(seeded)) as source, source.cursor() as cursor, \
            cursor.copy(f"COPY (SELECT {COLUMNS} FROM booking) TO STDOUT") as copy:
        for block in copy:
            data.write(block)
    floor_db = "bench_seed_floor"
    try:
        with psycopg.connect(dsn(fresh_postgres_database(floor_db))) as connection:
            connection.execute(BARE.format(ts="TIMESTAMP"))
            connection.commit()
            began = time.perf_counter()
            with connection.cursor() as cursor, cursor.copy("COPY bare FROM STDIN") as copy:
                copy.write(data.getvalue())
            connection.commit()
            return time.perf_counter() - began
    finally:
        drop_postgres_database(floor_db)


def report(database: str, seconds: float, floor: float) -> None:
    """One line: the seed, its floor, the ratio and the target."""
    print(f"seed demo, {BOOKINGS:,} bookings, {database}: {seconds:.1f} s "
          f"(target < {TARGET_S} s); its bookings written bare {floor:.2f} s; "
          f"seed/bare = {seconds / floor:.0f}x", flush=True)


def main() -> None:
    """Seed a fresh chain on SQLite, then on PostgreSQL (kept as the benches' chain)."""
    with tempfile.TemporaryDirectory(prefix="seed-bench-") as tmp:
        folder = Path(tmp)
        path = folder / "seed.db"
        seconds = seed_seconds(f"sqlite:///{path}")
        report("SQLite", seconds, sqlite_floor_seconds(path, folder))
    url, seconds = seed_postgres_chain()  # bench/concurrency_bench.py reuses it today
    report(f"PostgreSQL ({SERVER.rsplit('@', 1)[-1].rsplit('/', 1)[0]})", seconds,
           postgres_floor_seconds(url))


if __name__ == "__main__":
    main()
