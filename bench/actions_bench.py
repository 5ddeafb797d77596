"""Actions speed on a 1,000,000-booking chain: `spaops actions` for the last 30 days.

Target (issue 14): under 2 s for the command. Prints figures; asserts nothing. The seeded
chain is kept in bench/out/ (bench/chain.py seeds it once for every bench).
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from chain import BOOKINGS, chain_database  # noqa: E402

from spaops import clock  # noqa: E402

TARGET_S = 2.0


def main() -> None:
    """Time the command (best of 3) and the domain call, per kind of action."""
    from sqlmodel import Session

    from spaops.actions import build_actions
    from spaops.db import make_engine

    url = f"sqlite:///{chain_database()}"
    end = clock.today()
    start = end - timedelta(days=29)
    argv = [sys.executable, "-m", "spaops.cli", "--db", url, "actions", "--from",
            start.isoformat(), "--to", end.isoformat(), "--json"]
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, cwd=ROOT)
        best = min(best, time.perf_counter() - began)
    print(f"spaops actions (30 days, {BOOKINGS:,} bookings): {best:.2f} s "
          f"(target < {TARGET_S:.0f} s, process start included)")
    engine = make_engine(url)
    with Session(engine) as session:
        began = time.perf_counter()
        actions = build_actions(session, start, end)
        seconds = time.perf_counter() - began
    engine.dispose()
    kinds: dict[str, int] = {}
    for action in actions:
        kinds[action.kind] = kinds.get(action.kind, 0) + 1
    print(f"build_actions in process: {seconds:.2f} s for {len(actions)} actions {kinds}")


if __name__ == "__main__":
    main()
