"""Fixtures for the real-browser tests: a live app on a free port, Debian's Chromium."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
# Chromium's headless shell (Debian's chromium-headless-shell): the same Blink and V8 without
# the full browser around them, and what Playwright itself runs for headless Chromium.
HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
RUN_DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def crowd_browser() -> str:
    """The browser for many sessions on one machine: the headless shell where installed,
    else Chromium."""
    return HEADLESS_SHELL if os.path.exists(HEADLESS_SHELL) else CHROMIUM


def require_chromium() -> None:
    """Fail under CI, skip elsewhere, when Debian's Chromium is missing."""
    if os.path.exists(CHROMIUM):
        return
    reason = "Chromium is not installed: sudo apt-get install -y chromium"
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("streamlit did not answer /_stcore/health in time")


@pytest.fixture(scope="session")
def full_demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo chain at its default size (about 50,000 bookings), built once."""
    from seed.demo import seed_demo
    from spaops.clock import today
    from spaops.db import make_engine, upgrade_schema

    require_chromium()
    path = tmp_path_factory.mktemp("full-demo") / "demo.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_schema(engine)
    seed_demo(engine, today=today())
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@contextmanager
def serve_url(database_url: str, log_path: Path) -> Iterator[dict]:
    """`streamlit run serve.py` (app and cookie route) on any database URL and a free port,
    its output in `log_path`; yields its url and pid, stops it afterwards."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "SPAOPS_DATABASE_URL": database_url,
           "STREAMLIT_SERVER_PORT": str(port), "SPAOPS_PREFETCH": "1"}
    log = open(log_path, "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py"),
         "--server.headless", "true", "--server.address", "127.0.0.1",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        _wait_healthy(url, process)
        yield {"url": url, "database": database_url, "log": log_path, "pid": process.pid}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextmanager
def serve_app(database: Path) -> Iterator[dict]:
    """The app on an SQLite file, its output beside the file (streamlit.log)."""
    require_chromium()
    with serve_url(f"sqlite:///{database}", database.parent / "streamlit.log") as app:
        yield app


@pytest.fixture(scope="module")
def live_app(full_demo_template: Path,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The app on a private copy of the full demo database."""
    require_chromium()
    database = tmp_path_factory.mktemp("live") / "demo.db"
    shutil.copyfile(full_demo_template, database)
    with serve_app(database) as app:
        yield app


def wait_for_run(page, timeout: float = 30_000) -> None:  # type: ignore[no-untyped-def]
    """Wait until Streamlit has finished running the script."""
    page.wait_for_selector(RUN_DONE, timeout=timeout)


def choose(page, opener, option: str) -> None:  # type: ignore[no-untyped-def]
    """Open a selectbox (a locator), narrow it by typing, pick the option; again if a
    rerun shut the list before the click landed."""
    for _ in range(4):
        wait_for_run(page)
        opener.click()
        page.keyboard.type(option[:12])  # long lists render only their visible rows
        choice = page.get_by_role("option", name=option, exact=True)
        try:
            choice.wait_for(timeout=5_000)
            choice.click(timeout=5_000)
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            continue
        wait_for_run(page)
        return
    raise AssertionError(f"could not choose {option!r}")


def open_page(page, title: str) -> None:  # type: ignore[no-untyped-def]
    """Click a page in the sidebar navigation and wait for its run to finish."""
    page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    page.wait_for_selector(f'h1:has-text("{title}")', timeout=30_000)
    wait_for_run(page)


def sign_in(page, url: str, username: str, password: str = "demo") -> None:  # type: ignore[no-untyped-def]
    """Open the app and sign in through its form (unless its session cookie already has)."""
    page.goto(url)
    form = page.get_by_label("Username")
    sign_out = page.get_by_role("button", name="Sign out")
    form.or_(sign_out).first.wait_for(timeout=30_000)
    if sign_out.count():  # the browser's session cookie signed someone in
        if page.get_by_text(re.compile(rf"^Signed in as {re.escape(username)}( ·|$)")).count():
            wait_for_run(page)
            return
        sign_out.click()
        form.wait_for(timeout=30_000)
    form.fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for(timeout=30_000)
    wait_for_run(page)
