"""The app's engine and the one place that decides what is cached and for how long."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from spaops.clock import today
from spaops.db import DEFAULT_DB_PATH, default_url, make_engine, schema_is_empty, upgrade_schema
from spaops.db import session_scope as _session_scope
from spaops.revision import data_revision

T = TypeVar("T")
log = logging.getLogger(__name__)
PREFETCH = os.environ.get("SPAOPS_PREFETCH", "1") != "0"  # the in-process tests turn it off


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    engine = make_engine(url)
    new_embedded = url == f"sqlite:///{DEFAULT_DB_PATH}" and schema_is_empty(engine)
    upgrade_schema(engine)
    if new_embedded:
        # First start on a fresh machine: fill the embedded database with the demo chain.
        from seed.demo import seed_demo

        with st.spinner("First start: creating the demo chain (about 10 seconds)..."):
            seed_demo(engine, today=today())
    return engine


def engine() -> Engine:
    """The engine of SPAOPS_DATABASE_URL (or the embedded demo file), built once per process."""
    return _engine_for(default_url())


def session_scope(*, write: bool = False):  # type: ignore[no-untyped-def]
    """A session on the app's engine that commits on success."""
    return _session_scope(engine(), write=write)


def current_revision() -> int:
    """The data revision now; cached loaders take it as an argument so writes refresh them."""
    with session_scope() as session:
        return data_revision(session)


CACHE_TTL_S = 3600  # a cached answer is recomputed after an hour even if no data changed
CACHE_ENTRIES = 256  # answers kept (the least recently used go first)
_prefetched_lock = threading.Lock()


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES, ttl=CACHE_TTL_S)
def _cached(name: str, revision: int, args: tuple, kwargs: tuple, _fn: Callable[..., Any]) -> Any:
    # Keyed by loader name, data revision and the (hashable) arguments; `_fn` is not hashed.
    with session_scope() as session:
        return _fn(session, *args, **dict(kwargs))


def load(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run an analytics function ``fn(session, *args, **kwargs)``, cached until data changes."""
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list | set | frozenset) else v)
                          for k, v in kwargs.items()))
    return _cached(f"{fn.__module__}.{fn.__qualname__}", current_revision(), args, frozen,
                   fn)


@st.cache_resource(show_spinner=False)
def _prefetched(url: str) -> dict[tuple, float]:
    """The background fills started on this database by this process, and when (monotonic
    seconds); cleared with the caches."""
    return {}


def fresh(fn: Callable[[Session], T]) -> T:
    """Run a read that must never be cached (forms about to write, for example)."""
    with session_scope() as session:
        return fn(session)


def prefetch(name: str, loads: list[Callable[[], object]], key: tuple = ()) -> None:
    """Fill the cache for a page the person is likely to open next, in the background.

    Started once a page has been sent, so the browser draws it while the server works
    ahead. A page that asks for a loader still being filled waits for that computation
    (Streamlit locks each cache entry while it is computed), never repeats it; so the fill
    runs at the pages' own priority. Niced, it was starved when the machine was busy while
    a page waited on it (20 people signing in: sign-in to first page a median 17.0 s at
    nice 10, 7.9 s without). `key` names what the loads depend on besides the data and the
    day: once filled, the same fill is not started again (reading a filled answer back out
    of the cache cost up to 0.17 s, every time).
    """
    if not PREFETCH:
        return
    started, filled = _prefetched(default_url()), (name, key, current_revision(), today())
    now = time.monotonic()
    with _prefetched_lock:
        when = started.get(filled)
        if when is not None and now - when < CACHE_TTL_S:
            return
        if len(started) >= CACHE_ENTRIES:  # bounded like the cache itself
            started.clear()
        started[filled] = now

    def run() -> None:
        from ui.navigation import logged_if_slow

        with logged_if_slow("prefetch", name):  # beside the page runs, in the same words
            for fill in loads:
                try:
                    fill()
                except Exception:  # the page will compute it itself, and show any error then
                    log.exception("prefetch of %s failed", name)

    threading.Thread(target=run, name=f"prefetch-{name}", daemon=True).start()
