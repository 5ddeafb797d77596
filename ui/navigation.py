"""The app's pages, and which of them a role may open."""

from __future__ import annotations

import ast
import functools
import importlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

from spaops.auth import PAGES_BY_ROLE

APP_DIR = Path(__file__).resolve().parents[1]
log = logging.getLogger(__name__)


def _slow_page_seconds(default: float = 2.0) -> float:
    """SPAOPS_SLOW_PAGE_S, or `default` (with a warning) when it is not a number."""
    text = os.environ.get("SPAOPS_SLOW_PAGE_S", "")
    try:
        return float(text) if text else default
    except ValueError:
        log.warning("SPAOPS_SLOW_PAGE_S=%r is not a number of seconds: using %g", text, default)
        return default


# A page run this long or longer is logged with its time (0: every run, as the
# concurrency bench asks, to tell the app's share of a page view from the browser's).
SLOW_PAGE_S = _slow_page_seconds()

# key -> (file relative to app.py, title, icon), in sidebar order.
PAGES: dict[str, tuple[str, str, str]] = {
    "overview": ("pages/overview.py", "Overview", ":material/dashboard:"),
    "actions": ("pages/actions.py", "Actions", ":material/checklist:"),
    "utilisation": ("pages/utilisation.py", "Utilisation", ":material/schedule:"),
    "service_mix": ("pages/service_mix.py", "Service mix", ":material/donut_small:"),
    "pricing": ("pages/pricing.py", "Pricing", ":material/sell:"),
    "therapists": ("pages/therapists.py", "Therapists", ":material/groups:"),
    "assign": ("pages/assign.py", "Assign", ":material/assignment_ind:"),
    "shifts": ("pages/shifts.py", "Rota", ":material/calendar_month:"),
    "import": ("pages/import_bookings.py", "Import", ":material/upload_file:"),
    "settings": ("pages/settings.py", "Settings", ":material/settings:"),
}


def pages_for(role: str) -> list[str]:
    """Page keys a role may open, in sidebar order."""
    return [key for key in PAGES if key in PAGES_BY_ROLE.get(role, ())]


def navigation_for(role: str) -> st.navigation:  # type: ignore[valid-type]
    """st.navigation over only the pages of a role: other pages have no URL at all."""
    keys = pages_for(role)
    return st.navigation(
        [st.Page(PAGES[k][0], title=PAGES[k][1], icon=PAGES[k][2], url_path=k,
                 default=(i == 0)) for i, k in enumerate(keys)]
    )


def signed_out_navigation(sign_in: Callable[[], None]) -> st.navigation:  # type: ignore[valid-type]
    """Every page's address shows the sign-in form, so a shared or bookmarked link (or a
    session that just ended) lands on sign-in, and on its own page right after it."""
    return st.navigation(
        [st.Page(sign_in, title="Sign in", icon=":material/login:", default=True),
         *(st.Page(sign_in, title=PAGES[k][1], url_path=k) for k in PAGES)],
        position="hidden")


@contextmanager
def logged_if_slow(what: str, name: str) -> Iterator[None]:
    """Time the block; log "what: name 1.234 s" when it took SLOW_PAGE_S or longer."""
    began = time.perf_counter()
    try:
        yield
    finally:  # a run cut short by a rerun or st.stop counts as run
        seconds = time.perf_counter() - began
        if seconds >= SLOW_PAGE_S:
            log.warning("%s: %s %.3f s", what, name, seconds)


def run_page(page: st.Page) -> None:  # type: ignore[valid-type]
    """Run the chosen page; log it with its time when the run took SLOW_PAGE_S or longer."""
    with logged_if_slow("page run", page.title):  # type: ignore[attr-defined]
        page.run()  # type: ignore[attr-defined]


def modules_of(page_file: str) -> list[str]:
    """The modules a page file imports, read from its source (so the list never drifts)."""
    tree = ast.parse((APP_DIR / page_file).read_text(encoding="utf-8"))
    found = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names]
    found += [node.module for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom) and node.module and node.level == 0]
    return list(dict.fromkeys(found))


@functools.cache  # once per process
def import_every_page() -> None:
    """Import what every page imports, once per process.

    The first page run in a new app process spent 0.57 s importing its analytics and
    figures. The sign-in page calls this after its form has been sent, so it happens
    while the person types. It runs in the page's own thread: in a background thread,
    plotly saw pandas half imported and failed.
    """
    for page_file, _title, _icon in PAGES.values():
        for module in modules_of(page_file):
            try:
                importlib.import_module(module)
            except Exception:  # the page itself will raise it, where it can be shown
                log.exception("importing %s for %s failed", module, page_file)
