"""Matching speed: suggest with 300 therapists at a location; autoassign 60 bookings / 20
therapists (proven optimal under 0.5 s) and 200 / 50 (optimal or a proven gap under 2 s).

Prints figures; asserts nothing. Run: .venv/bin/python bench/matching_bench.py
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from chain import SMOKE, sized  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import Session  # noqa: E402

from models import Booking, Client, Credential, Location, Service, Shift, Therapist  # noqa: E402
from spaops.db import make_engine, upgrade_schema  # noqa: E402

DAY = date(2026, 12, 1)
THERAPISTS = sized(300, 30)
DAYS = ((10, 5, 0.5), (20, 8, 2.0)) if SMOKE else ((60, 20, 0.5), (200, 50, 2.0))


def build(url: str, therapists: int, open_bookings: int, busy_per_therapist: int) -> None:
    """One location with therapists on shift, some booked already, and open bookings."""
    rng = random.Random(3)
    engine = make_engine(url)
    upgrade_schema(engine)
    with Session(engine) as s:
        loc = Location(name="Bench Spa", name_key="bench spa", tier="urban")
        swedish = Service(name="Swedish 60", name_key="swedish 60", category="relaxation")
        deep = Service(name="Deep Tissue 60", name_key="deep tissue 60",
                       category="therapeutic", preferred_credentials="deep_tissue")
        s.add_all([loc, swedish, deep])
        s.flush()
        clients = [Client(external_ref=f"C{i}") for i in range(200)]
        s.add_all(clients)
        s.flush()
        for i in range(therapists):
            t = Therapist(name=f"T{i:03d}", name_key=f"t{i:03d}", home_location_id=loc.id,
                          license_expires=date(2027, 6, 1), gender=rng.choice(["female", "male"]))
            s.add(t)
            s.flush()
            if rng.random() < 0.4:
                s.add(Credential(therapist_id=t.id, kind="deep_tissue"))
            start = rng.choice([9, 10, 12])
            s.add(Shift(therapist_id=t.id, location_id=loc.id, shift_date=DAY,
                        start_time=clock(start), end_time=clock(start + 8)))
            for k in range(busy_per_therapist):
                begins = datetime.combine(DAY, clock(start + 2 * k))
                s.add(Booking(external_ref=f"B{i}-{k}", location_id=loc.id, therapist_id=t.id,
                              service_id=swedish.id, client_id=rng.choice(clients).id,
                              starts_at=begins, ends_at=begins + timedelta(minutes=60),
                              duration_min=60, price_cents=10000, status="booked"))
        for j in range(open_bookings):
            begins = datetime.combine(DAY, clock(9)) + timedelta(minutes=15 * rng.randrange(40))
            s.add(Booking(external_ref=f"OPEN-{j}", location_id=loc.id,
                          service_id=rng.choice([swedish, deep]).id,
                          client_id=rng.choice(clients).id, starts_at=begins,
                          ends_at=begins + timedelta(minutes=60), duration_min=60,
                          price_cents=10000, status="booked"))
        s.commit()
    engine.dispose()


def main() -> None:
    """Print suggest (warm) and autoassign timings."""
    from spaops.db import session_scope
    from spaops.matching import suggest_therapists

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'suggest.db'}"
        build(url, therapists=THERAPISTS, open_bookings=1, busy_per_therapist=2)
        engine = make_engine(url)
        timings = []
        for _ in range(21):
            with session_scope(engine) as session:
                began = time.perf_counter()
                suggestion = suggest_therapists(session, "OPEN-0")
                timings.append((time.perf_counter() - began) * 1000)
        warm = statistics.median(timings[1:])
        print(f"suggest, {THERAPISTS} therapists at the location: median {warm:.1f} ms warm "
              f"(first {timings[0]:.1f} ms), {len(suggestion.candidates)} candidates, "
              f"{len(suggestion.excluded)} excluded (target < 20 ms)")

        for bookings, staff, target in DAYS:
            url = f"sqlite:///{Path(tmp) / f'auto_{bookings}.db'}"
            build(url, therapists=staff, open_bookings=bookings, busy_per_therapist=1)
            autoassign(make_engine(url), bookings, staff, target)


def autoassign(engine: Engine, bookings: int, staff: int, target: float) -> None:
    """Time a day's plan: the rules for every pair, then the solver alone."""
    from sqlmodel import select

    from spaops.autoassign import open_bookings_of_day, optimal_plan, plan_day
    from spaops.db import session_scope
    from spaops.matching import load_day

    with session_scope(engine) as session:
        began = time.perf_counter()
        plan = plan_day(session, "Bench Spa", DAY)
        total = time.perf_counter() - began
        location = session.scalars(select(Location)).one()
        ctx = load_day(session, location, DAY)
        day = [b for b in open_bookings_of_day(session, location, DAY, ctx) if b.options]
        base = {tid: sum(m for *_x, m in rows) for tid, rows in ctx.bookings.items()}
        began = time.perf_counter()
        _choice, proven = optimal_plan(day, ctx.buffer, ctx.cap_min, base)
        solve = time.perf_counter() - began
    print(f"autoassign, {bookings} open bookings and {staff} therapists: solver {solve:.2f} s "
          f"(target < {target:g} s), whole plan with the rules {total:.2f} s; placed "
          f"{len(plan.assignments)}, unplaced {len(plan.unplaced)}, optimal proven: {proven}")


if __name__ == "__main__":
    main()
