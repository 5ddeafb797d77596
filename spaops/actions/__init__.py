"""Analytics turned into ranked actions: what to do this week and what it is worth.

Kinds (DESIGN.md `actions --json`): price_below_band, staffing_trim, staffing_add,
license_risk, over_cap, clients_drifting. Each action names its evidence (figures with
their period), its value in the unit that fits, and the assumptions behind that value; the
debatable ones are settings.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

from spaops.actions.base import UNITS, Action
from spaops.actions.capacity import over_cap_actions
from spaops.actions.clients import call_list, drifting_actions
from spaops.actions.licenses import license_actions
from spaops.actions.pricing import price_actions, watch_volume
from spaops.actions.staffing import shift_plan, staffing_actions
from spaops.clock import today as clock_today
from spaops.settings import load_settings

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["UNITS", "Action", "actions_document", "build_actions", "call_list",
           "shift_plan_for", "watch_volume"]


def build_actions(session: Session, start: date, end: date, *,
                  location_ids: Collection[int] | None = None,
                  today: date | None = None) -> list[Action]:
    """Every action for the locations in scope, sorted by value within each unit."""
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    side_by_side = _side_by_side(session)
    settings = load_settings(session)
    today = today or clock_today()
    scope = {"location_ids": location_ids}
    groups: list[Callable[[Session], list[Action]]] = [
        lambda s: drifting_actions(s, end, settings, **scope),
        lambda s: staffing_actions(s, end, today, settings, **scope),
        lambda s: [*price_actions(s, end, settings, **scope),
                   *license_actions(s, today, settings, **scope),
                   *over_cap_actions(s, today, settings, **scope)],
    ]
    if side_by_side:
        with ThreadPoolExecutor(max_workers=len(groups), thread_name_prefix="actions") as pool:
            found = list(pool.map(lambda group: _on_own_session(session, group), groups))
    else:
        found = [group(session) for group in groups]
    actions = [action for group in found for action in group]
    return sorted(actions, key=lambda a: (UNITS.index(a.unit), -a.value, a.location,
                                          a.subject))


def _side_by_side(session: Session) -> bool:
    """Whether the readers may run side by side, each on a connection of its own: when
    that sees what `session` sees, i.e. a session that has not begun yet (so it holds no
    unflushed or uncommitted writes) on an engine with a pool of connections.

    The two slowest readers (drifting clients, staffing) then overlap: the database
    works on both while Python waits, so the page waits for the slowest, not the sum.
    """
    bind = session.get_bind()
    return not session.in_transaction() and isinstance(bind, Engine) \
        and not isinstance(bind.pool, StaticPool)


def _on_own_session(session: Session, reader: Callable[[Session], list[Action]]
                    ) -> list[Action]:
    with Session(session.get_bind()) as own:
        return reader(own)


def actions_document(session: Session, start: date, end: date, *,
                     location_ids: Collection[int] | None = None) -> dict:
    """The `spaops actions --json` document of DESIGN.md and the README."""
    actions = build_actions(session, start, end, location_ids=location_ids)
    return {"from": start.isoformat(), "to": end.isoformat(),
            "actions": [a.document() for a in actions]}


def shift_plan_for(session: Session, end: date, *,
                   location_ids: Collection[int] | None = None,
                   today: date | None = None) -> pd.DataFrame:
    """The coming week's shift file with the staffing actions applied (shift import reads it)."""
    return shift_plan(session, end, location_ids=location_ids, today=today or clock_today(),
                      settings=load_settings(session))
