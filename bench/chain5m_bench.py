"""Bigger than one machine's demo: a 5,000,000-booking chain (30 locations, five years) on
PostgreSQL.

Targets (issue 12): a year of `report kpis` under 1 s in process and within 1.5x of a bare
GROUP BY over the same year's bookings on the same server, and every page loader under 1 s
warm (its second call, the database's caches warm; the app's own cache would answer a
repeat at once). The chain is built once into the database `spaops_5m` on the server of
SPAOPS_TEST_POSTGRES_URL (default: the local test server) and reused.
Prints figures; asserts nothing. Run: .venv/bin/python bench/chain5m_bench.py
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from chain import SMOKE, existing_postgres_database, sized  # noqa: E402

from spaops import clock  # noqa: E402

BOOKINGS = sized(5_000_000, 20_000)
LOCATIONS = sized(30, 6)
YEARS = sized(5, 2)
DATABASE = "spaops_5m_smoke" if SMOKE else "spaops_5m"
BARE_GROUP_BY_SQL = (
    "SELECT location_id, count(*), sum(CASE WHEN status = 'completed' THEN price_cents "
    "ELSE 0 END), sum(duration_min) FROM booking WHERE starts_at >= :start "
    "AND starts_at < :end GROUP BY location_id")


def chain_url() -> str:
    """The 5M chain's database, created and seeded the first time."""
    from sqlalchemy import func, select
    from sqlmodel import Session

    from models import Booking
    from seed.demo import seed_demo
    from spaops.db import make_engine, upgrade_schema

    url = existing_postgres_database(DATABASE)
    engine = make_engine(url)
    upgrade_schema(engine)
    with Session(engine) as session:
        have = session.scalar(select(func.count()).select_from(Booking))
    if have != BOOKINGS:
        if have:
            raise SystemExit(f"{DATABASE} holds {have:,} bookings, not {BOOKINGS:,}: drop it "
                             "and run again")
        began = time.perf_counter()
        seed_demo(engine, today=clock.today(), bookings=BOOKINGS, locations=LOCATIONS,
                  days_back=YEARS * 365,
                  progress=lambda step: print(f"  {step}", flush=True))
        print(f"seeded {BOOKINGS:,} bookings, {LOCATIONS} locations, {YEARS} years in "
              f"{time.perf_counter() - began:.0f} s")
    engine.dispose()
    return url


def _time(call: Callable[[], Any], repeats: int = 2) -> tuple[float, float]:
    """Seconds of the first call and the best of the rest."""
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    return times[0], min(times[1:] or times)


def _on_own_session(engine: Any, call: Callable[[Any], Any]) -> Any:
    """Run a loader on a fresh session, as `ui.data.load` does."""
    from sqlmodel import Session

    with Session(engine) as session:
        return call(session)


def main() -> None:
    """Seed once; time a year's report and every page loader (last 30 days, all locations)."""
    from sqlalchemy import select, text
    from sqlmodel import Session

    from models import Location
    from spaops.actions import build_actions, watch_volume
    from spaops.analytics.alerts import owner_alerts
    from spaops.analytics.kpis import kpi_sums, kpi_table, weekly_revenue
    from spaops.analytics.mix import (
        attendance,
        mix_by_location,
        mix_by_week,
        rebooking,
        revenue_by_modality,
    )
    from spaops.analytics.pricing import market_bands, price_bands
    from spaops.analytics.report import Period, kpi_report
    from spaops.analytics.utilisation import (
        hands_on_per_day,
        room_utilisation,
        therapist_utilisation,
        weekday_hour_grid,
        weekly_utilisation,
    )
    from spaops.db import make_engine
    from spaops.ingest.history import import_history, weekly_arrivals
    from spaops.onboarding import setup_progress
    from spaops.roster import roster
    from spaops.schedule import day_timeline, open_bookings

    engine = make_engine(chain_url())
    today = clock.today()
    year = Period(today - timedelta(days=364), today)
    month = Period(today - timedelta(days=29), today)
    with Session(engine) as s:
        first = s.scalars(select(Location).order_by(Location.id)).first()
        assert first is not None
        first_id = first.id
        cold, warm = _time(lambda: kpi_report(s, year), repeats=3)
        bounds = {"start": datetime.combine(year.start, datetime.min.time()),
                  "end": datetime.combine(year.end + timedelta(days=1), datetime.min.time())}
        _cold, bare = _time(lambda: s.execute(text(BARE_GROUP_BY_SQL), bounds).all(), repeats=3)
        print(f"report kpis for a year, in process: {warm:.2f} s warm ({cold:.2f} s cold); "
              f"target < 1 s; bare GROUP BY over the year's bookings {bare:.2f} s, "
              f"report/bare = {warm / bare:.1f}x (target <= 1.5x)")
        loaders: dict[str, Callable[[Session], Any]] = {
            "overview: setup progress": lambda s: setup_progress(s, location_ids=None),
            "overview: KPI sums (period and the one before)":
                lambda s: (kpi_sums(s, month), kpi_sums(s, month.previous())),
            "overview: alerts": lambda s: owner_alerts(s, month, today),
            "overview: weekly revenue": lambda s: weekly_revenue(s, month),
            "actions: every action": lambda s: build_actions(s, month.start, today, today=today),
            "actions: watch list": lambda s: watch_volume(s, today),
            "utilisation: locations": lambda s: kpi_table(s, month),
            "utilisation: therapists": lambda s: therapist_utilisation(s, month),
            "utilisation: weekday x hour": lambda s: weekday_hour_grid(s, month),
            "utilisation: weekly": lambda s: weekly_utilisation(s, month),
            "utilisation: rooms": lambda s: room_utilisation(s, month),
            "service mix: by location": lambda s: mix_by_location(s, month),
            "service mix: by week": lambda s: mix_by_week(s, month),
            "service mix: by modality": lambda s: revenue_by_modality(s, month),
            "service mix: rebooking": lambda s: rebooking(s, month),
            "service mix: attendance": lambda s: attendance(s, month),
            "pricing: bands": lambda s: (price_bands(s, month), market_bands(s)),
            "therapists: roster": lambda s: roster(s, today),
            "therapists: hands-on per day": lambda s: hands_on_per_day(s, month),
            "assign: the day and its open bookings":
                lambda s: (day_timeline(s, first_id, today), open_bookings(s, first_id, today)),
            "import: history and arrivals":
                lambda s: (import_history(s), weekly_arrivals(s)),
        }
        print(f"{'page loader (last 30 days, every location)':<50} {'cold s':>7} {'warm s':>7}")
        slowest = 0.0
        for name, call in loaders.items():
            # Each call on a session of its own, as the app's cached loaders run them.
            cold, warm = _time(lambda call=call: _on_own_session(engine, call))
            slowest = max(slowest, warm)
            print(f"{name:<50} {cold:7.2f} {warm:7.2f}{'' if warm < 1 else '  over 1 s'}")
        print(f"slowest warm loader: {slowest:.2f} s (target < 1 s)")
    engine.dispose()


if __name__ == "__main__":
    main()
