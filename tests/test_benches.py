"""Every bench runs at its smoke size, so none can rot; the Chromium timing at full size.

`make test` runs each `bench/*_bench.py` with SPAOPS_BENCH_SMOKE=1 (seconds each; the two in
Chromium about half a minute) and checks it ends cleanly with its figures printed.
`make bench` runs them at full size, and the slow test below (deselected otherwise), which
prints every page's first and repeat view in Chromium on the 1M chain.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from spaops import clock
from tests.conftest import require_postgres
from tests.utils.browser import require_chromium

ROOT = Path(__file__).resolve().parents[1]
BENCHES = sorted(path.name for path in (ROOT / "bench").glob("*_bench.py"))
# What each bench's last figures say, and what it needs besides Python.
LAST_FIGURE = {
    "actions_bench.py": "build_actions in process:",
    "chain5m_bench.py": "slowest warm loader:",
    "concurrency_bench.py": "page views, once all are signed in: median",
    "import_bench.py": "peak memory",
    "matching_bench.py": "optimal proven: True",
    "pages_bench.py": "sign-in to Overview drawn:",
    "report_bench.py": "Settings     loaders",
    "seed_bench.py": "seed demo, 3,000 bookings, PostgreSQL",
}
NEEDS_POSTGRES = {"chain5m_bench.py", "concurrency_bench.py", "import_bench.py",
                  "seed_bench.py"}
NEEDS_CHROMIUM = {"concurrency_bench.py", "pages_bench.py"}
SMOKE_DATABASES = ("spaops_5m_smoke", "bench_seed_smoke", "spaops_import_bench")


def _run_bench(name: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "bench" / name)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900, check=False)


def _drop_smoke_databases(server: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in SMOKE_DATABASES:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_every_bench_is_checked_here():
    assert set(BENCHES) == set(LAST_FIGURE)


@pytest.mark.parametrize("name", BENCHES)
def test_bench_runs_at_its_smoke_size(name: str, tmp_path: Path):
    env = {**os.environ, "SPAOPS_BENCH_SMOKE": "1", "SPAOPS_BENCH_OUT": str(tmp_path)}
    env.pop("SPAOPS_TEST_POSTGRES_URL", None)
    if name in NEEDS_POSTGRES:
        env["SPAOPS_TEST_POSTGRES_URL"] = require_postgres()
    if name in NEEDS_CHROMIUM:
        require_chromium()
    try:
        result = _run_bench(name, env)
    finally:
        if name in NEEDS_POSTGRES:
            _drop_smoke_databases(env["SPAOPS_TEST_POSTGRES_URL"])
    assert result.returncode == 0, result.stderr[-4000:]
    assert "Traceback" not in result.stderr, result.stderr[-4000:]
    assert LAST_FIGURE[name] in result.stdout, result.stdout[-4000:]
    assert "not drawn within" not in result.stdout
    if name == "concurrency_bench.py":  # the apps' own logs were read: runs and fills named
        assert re.search(r"slowest script runs \(s\): [A-Z][a-z ]+ \d+\.\d", result.stdout)
        assert re.search(r"background fills \([1-9]\d*\)", result.stdout)


@pytest.mark.slow
@pytest.mark.browser
def test_every_page_in_chromium_on_the_1m_chain():
    """`make bench` only: every page's first and repeat view, owner and manager, printed."""
    require_chromium()
    env = {**os.environ, "SPAOPS_BENCH_SMOKE": "0"}
    env.pop(clock.TODAY_ENV, None)  # today's chain, the one the other benches share
    result = _run_bench("pages_bench.py", env)
    print(result.stdout)
    assert result.returncode == 0, result.stderr[-4000:]
    assert "not drawn within" not in result.stdout
    assert result.stdout.count("sign-in to Overview drawn:") == 2
