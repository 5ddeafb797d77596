"""Shared fixtures: fresh databases on SQLite and PostgreSQL, a seeded demo copy, caches."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from spaops import clock
from spaops.db import make_engine, upgrade_schema
from tests.utils.browser import (  # noqa: E402  (fixtures for the browser tests)
    CHROMIUM,
    CHROMIUM_FLAGS,
    full_demo_template,
    live_app,
    require_chromium,
)

__all__ = ["full_demo_template", "live_app"]

# The suite runs on one fixed day unless the caller names another (SPAOPS_TODAY=2027-02-28
# make test), so no result depends on the day CI happens to run; the app processes that
# browser tests start inherit it. tests/test_seed.py checks the demo on every day of a year.
os.environ.setdefault(clock.TODAY_ENV, "2026-11-24")
# In-process pages (AppTest) fill no cache in the background: a fill outliving its test
# could land in the next test's cache. The app servers of the browser tests turn it on.
os.environ.setdefault("SPAOPS_PREFETCH", "0")

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
POSTGRES_URL = os.environ.get("SPAOPS_TEST_POSTGRES_URL", "")
# The shared demo copy is anchored on today, so the pages' default periods show data.
DEMO_TODAY = clock.today()
DEMO_BOOKINGS = 3000


def require_postgres() -> str:
    """Return the PostgreSQL URL for tests; fail under CI, skip elsewhere, when it is missing."""
    if not POSTGRES_URL:
        reason = "SPAOPS_TEST_POSTGRES_URL is not set (CI sets it; see .ci/run)"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    return POSTGRES_URL


class TemporaryPostgres:
    """A throwaway database on the test PostgreSQL server, dropped afterwards."""

    def __init__(self, server_url: str) -> None:
        self.server = make_url(server_url)
        self.name = f"spaops_t_{uuid.uuid4().hex[:12]}"
        self.url = self.server.set(database=self.name).render_as_string(hide_password=False)

    def __enter__(self) -> str:
        admin = create_engine(self.server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        admin.dispose()
        return self.url

    def __exit__(self, *exc: object) -> None:
        admin = create_engine(self.server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'spaops.db'}"
        return
    with TemporaryPostgres(require_postgres()) as url:
        yield url


@contextmanager
def engine_at_head(url: str) -> Iterator[Engine]:
    """An engine on `url` with the schema at the newest migration, disposed afterwards."""
    eng = make_engine(url)
    upgrade_schema(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on an empty database with the schema at the newest migration."""
    with engine_at_head(db_url) as eng:
        yield eng


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty SQLite file with the current schema (SQLite-only tests)."""
    with engine_at_head(f"sqlite:///{tmp_path / 'spaops.db'}") as eng:
        yield eng


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small seeded demo database file, built once per test session."""
    from seed.demo import seed_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    eng = make_engine(f"sqlite:///{path}")
    upgrade_schema(eng)
    seed_demo(eng, seed=7, bookings=DEMO_BOOKINGS, today=DEMO_TODAY)
    with eng.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    eng.dispose()
    return path


@pytest.fixture
def demo_url(demo_template: Path, tmp_path: Path) -> str:
    """URL of a private copy of the seeded demo database (tests may write to it)."""
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def demo_engine(demo_url: str) -> Iterator[Engine]:
    """An engine on a private copy of the seeded demo database."""
    eng = make_engine(demo_url)
    yield eng
    eng.dispose()


# Browser tests: these override pytest-playwright's fixtures (a conftest wins over a plugin).
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Launch Debian's Chromium headless, with nothing that reaches for the network."""
    require_chromium()
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS,
            "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """A tall viewport: Streamlit scrolls an inner container, so full-page shots miss rows."""
    return {**browser_context_args, "viewport": {"width": 1440, "height": 2000}}


@pytest.fixture
def app_database(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the in-process app (AppTest) at a private demo copy, with empty caches."""
    import streamlit as st

    monkeypatch.setenv("SPAOPS_DATABASE_URL", demo_url)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield demo_url
    st.cache_data.clear()
    st.cache_resource.clear()
