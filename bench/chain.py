"""The 1,000,000-booking demo chain the benches share: seeded once a day into bench/out/."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from spaops import clock  # noqa: E402

OUT = ROOT / "bench" / "out"
BOOKINGS = 1_000_000


def chain_database() -> Path:
    """The 1M-booking demo chain for today, seeded once and reused."""
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
