"""Report speed on a 1,000,000-booking chain: `spaops report kpis` for a year, page loaders.

Compares with one bare GROUP BY over a 1,000,000-row SQLite table of the same shape, measured
in the same run. Prints figures; asserts nothing. The seeded chain is kept in bench/out/.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from chain import BOOKINGS, OUT, chain_database

from spaops import clock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def bare_group_by(rows: int = BOOKINGS) -> float:
    """Seconds for one GROUP BY over a bare table of the same shape (best of 3)."""
    path = OUT / f"bare_{rows}.db"
    if not path.exists():
        connection = sqlite3.connect(path)
        connection.execute("CREATE TABLE booking (location_id INTEGER, starts_at TEXT, "
                           "status TEXT, duration_min INTEGER, price_cents INTEGER)")
        connection.executemany("INSERT INTO booking VALUES (?,?,?,?,?)", (
            (i % 4 + 1, f"2026-{i % 12 + 1:02d}-{i % 28 + 1:02d} 10:00:00.000000",
             ("completed", "cancelled", "no_show", "booked")[i % 4], 60, 10000)
            for i in range(rows)))
        connection.commit()
        connection.close()
    best = float("inf")
    for _ in range(3):
        connection = sqlite3.connect(path)
        began = time.perf_counter()
        connection.execute("SELECT location_id, count(*), sum(CASE WHEN status = 'completed' "
                           "THEN price_cents ELSE 0 END), sum(duration_min) FROM booking "
                           "GROUP BY location_id").fetchall()
        best = min(best, time.perf_counter() - began)
        connection.close()
    return best


def report_process(path: Path) -> float:
    """Wall seconds of the whole `spaops report kpis` process over the last 365 days."""
    today = clock.today()
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-m", "spaops.cli", "report", "kpis", "--db",
                        f"sqlite:///{path}", "--from", str(today - timedelta(days=364)), "--to",
                        str(today), "--json"], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - began)
    return best


def page_loaders(path: Path) -> dict[str, float]:
    """Warm seconds of each page's loaders for the default period (last 30 days)."""
    from spaops.analytics.alerts import owner_alerts
    from spaops.analytics.kpis import (
        Period,
        kpi_sums,
        kpi_table,
        locations_in_scope,
        weekly_revenue,
    )
    from spaops.analytics.mix import (
        attendance,
        mix_by_location,
        mix_by_week,
        rebooking,
        revenue_by_modality,
        services_to_review,
    )
    from spaops.analytics.pricing import market_bands, price_bands
    from spaops.analytics.utilisation import (
        hands_on_per_day,
        room_utilisation,
        therapist_utilisation,
        weekday_hour_grid,
        weekly_utilisation,
    )
    from spaops.db import make_engine, session_scope
    from spaops.roster import roster

    today = clock.today()
    period = Period(today - timedelta(days=29), today)
    # Exactly the loaders each page calls (pages/*.py), for the default period.
    pages = {
        "Overview": [lambda s: kpi_sums(s, period), lambda s: kpi_sums(s, period.previous()),
                     lambda s: owner_alerts(s, period, today),
                     lambda s: weekly_revenue(s, period)],
        "Utilisation": [lambda s: kpi_table(s, period), lambda s: therapist_utilisation(
            s, period), lambda s: weekday_hour_grid(s, period),
            lambda s: weekly_utilisation(s, period), lambda s: room_utilisation(s, period)],
        "Service mix": [lambda s: mix_by_location(s, period), lambda s: mix_by_week(s, period),
                        lambda s: revenue_by_modality(s, period),
                        lambda s: rebooking(s, period), lambda s: attendance(s, period),
                        services_to_review],
        "Pricing": [lambda s: kpi_sums(s, period), lambda s: price_bands(s, period),
                    market_bands],
        "Therapists": [lambda s: roster(s, today), lambda s: therapist_utilisation(s, period),
                       lambda s: hands_on_per_day(s, period), locations_in_scope],
        "Settings": [lambda s: kpi_table(s, period)],
    }
    engine = make_engine(f"sqlite:///{path}")
    timings = {}
    for name, loaders in pages.items():
        best = float("inf")
        for _ in range(2):  # the second run is warm
            with session_scope(engine) as session:
                began = time.perf_counter()
                for loader in loaders:
                    loader(session)
                best = min(best, time.perf_counter() - began)
        timings[name] = best
    return timings


def main() -> None:
    """Print the report and loader timings against the bare query."""
    path = chain_database()
    bare = bare_group_by()
    report = report_process(path)
    print(f"bare GROUP BY over {BOOKINGS:,} rows: {bare:.3f} s")
    print(f"`spaops report kpis` for 365 days on {BOOKINGS:,} bookings (whole process): "
          f"{report:.2f} s = {report / bare:.1f}x the bare query (target <= 4x)")
    for page, seconds in page_loaders(path).items():
        print(f"  {page:<12} loaders, last 30 days, warm: {seconds:.2f} s (target < 1 s)")


if __name__ == "__main__":
    main()
