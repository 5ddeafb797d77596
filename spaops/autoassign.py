"""Assigning a whole day's open bookings at once, maximising placements, then total score.

Method: an integer programme solved by HiGHS (through highspy, a maintained MIT-licensed
solver with exact MIP and proven gaps; small to install, no licence to manage). One binary
per booking and eligible therapist (eligibility, credentials, shifts and existing bookings
are decided by the matching rules first). Rows: a booking gets at most one therapist; per
therapist, at most one of the bookings that overlap any booking's start, turnover buffer
included (the cliques of an interval graph, which make the overlap rows tight), and the
hands-on minutes within what the daily cap leaves. The objective weighs a placement above
any possible total of scores, so the plan places as many bookings as it can, then
maximises the total score. HiGHS proves optimality (a zero gap) or stops at the time limit
with the best plan found, reported as not proven and never worse than greedy.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models import Booking, Client, Location, Service
from spaops.db import session_scope
from spaops.errors import RuleRefusal, UsageError
from spaops.matching import (
    CODE_TEXT,
    _Day,
    _score,
    _visits,
    assign_therapist,
    intake_warnings,
    load_day,
    rule_codes,
)
from spaops.names import name_key

PLACEMENT_WEIGHT = 1000
TIME_LIMIT_S = 1.5  # a day the solver cannot prove in this long keeps its best plan


@dataclass(frozen=True)
class Option:
    """One therapist who may take one open booking, with its score."""

    therapist_id: int
    therapist: str
    score: int


@dataclass
class OpenBooking:
    """An open booking of the day with the therapists eligible for it."""

    booking_ref: str
    start: datetime
    end: datetime
    minutes: int
    options: list[Option]
    why_not: str = ""


@dataclass
class DayPlan:
    """The assignments proposed for a day, what could not be placed and why."""

    location: str
    day: date
    assignments: list[tuple[str, str, int]] = field(default_factory=list)  # ref, who, score
    unplaced: list[tuple[str, str]] = field(default_factory=list)  # ref, reason
    total_score: int = 0
    optimal: bool = True

    def document(self) -> dict:
        """The `autoassign --json` document."""
        return {
            "location": self.location, "date": self.day.isoformat(),
            "assigned": [{"booking_ref": r, "therapist": t, "score": s}
                         for r, t, s in self.assignments],
            "unplaced": [{"booking_ref": r, "reason": why} for r, why in self.unplaced],
            "total_score": self.total_score, "optimal": self.optimal,
        }


def open_bookings_of_day(session: Session, location: Location, day: date,
                         ctx: _Day | None = None) -> list[OpenBooking]:
    """The day's open bookings (no therapist, booked, not requested) with eligible options."""
    begin = datetime.combine(day, time())
    rows = session.scalars(select(Booking).where(
        Booking.location_id == location.id, Booking.therapist_id.is_(None),
        Booking.status == "booked", Booking.starts_at >= begin,
        Booking.starts_at < begin + timedelta(days=1)).order_by(Booking.starts_at,
                                                                Booking.external_ref)).all()
    ctx = ctx or load_day(session, location, day)
    result = []
    for booking in rows:
        service = session.get(Service, booking.service_id)
        client = session.get(Client, booking.client_id) if booking.client_id else None
        warnings, blocked = intake_warnings(client, service)
        entry = OpenBooking(booking.external_ref, booking.starts_at, booking.ends_at,
                            booking.duration_min, [])
        if blocked or warnings:
            entry.why_not = blocked or "contraindication on intake: needs a manager's override"
            result.append(entry)
            continue
        visits = _visits(session, booking.client_id, sorted(ctx.therapists), booking.starts_at)
        failures: dict[str, int] = {}
        for therapist in ctx.therapists.values():
            codes = rule_codes(ctx, therapist, booking, service, client)
            if codes:
                for code in codes:
                    failures[code] = failures.get(code, 0) + 1
                continue
            score, _reasons = _score(ctx, therapist, service, client,
                                     visits.get(therapist.id, 0))
            entry.options.append(Option(therapist.id, therapist.name, score))
        entry.options.sort(key=lambda o: (-o.score, o.therapist))
        if not entry.options:
            common = max(failures, key=failures.get) if failures else None
            entry.why_not = ("no therapist of the location is eligible"
                             + (f" (most often: {CODE_TEXT[common]})" if common else ""))
        result.append(entry)
    return result


def _fits(state: dict[int, tuple[datetime, int]], option: Option, booking: OpenBooking,
          buffer: timedelta, cap: int) -> bool:
    last_end, minutes = state.get(option.therapist_id, (None, 0))
    if last_end is not None and booking.start < last_end + buffer:
        return False
    return minutes + booking.minutes <= cap


def greedy_plan(bookings: list[OpenBooking], buffer: timedelta, cap: int,
                base_minutes: dict[int, int]) -> list[Option | None]:
    """Earliest booking first, each to its best-scoring therapist still free."""
    state = {tid: (None, m) for tid, m in base_minutes.items()}
    chosen: list[Option | None] = []
    for booking in bookings:
        pick = next((o for o in booking.options if _fits(state, o, booking, buffer, cap)), None)
        if pick is not None:
            _last, minutes = state.get(pick.therapist_id, (None, 0))
            state[pick.therapist_id] = (booking.end, minutes + booking.minutes)
        chosen.append(pick)
    return chosen


def placement_weight(bookings: list[OpenBooking]) -> int:
    """What placing one booking is worth: more than any total of scores (each at most 100),
    so the plan places as many bookings as it can first, then maximises the total score."""
    return max(PLACEMENT_WEIGHT, 100 * len(bookings) + 1)


def _weight(choice: list[Option | None], per_placement: int) -> int:
    return sum(per_placement + o.score for o in choice if o is not None)


def _conflict_rows(bookings: list[OpenBooking], columns: dict[tuple[int, int], int],
                   buffer: timedelta, cap: int, base_minutes: dict[int, int]
                   ) -> list[tuple[list[int], list[float], float]]:
    """The rules as rows (columns, coefficients, upper bound): one therapist per booking;
    per therapist, at most one of the bookings overlapping any booking's start (buffer
    included: the cliques of an interval graph), and the hands-on minutes under the cap."""
    rows: list[tuple[list[int], list[float], float]] = []
    per_therapist: dict[int, list[tuple[int, int]]] = {}
    for (i, k), column in columns.items():
        per_therapist.setdefault(bookings[i].options[k].therapist_id, []).append((i, column))
    for i, booking in enumerate(bookings):
        if len(booking.options) > 1:
            cols = [columns[(i, k)] for k in range(len(booking.options))]
            rows.append((cols, [1.0] * len(cols), 1.0))
    for therapist_id, items in per_therapist.items():
        seen: set[tuple[int, ...]] = set()
        for j, _column in items:
            point = bookings[j].start
            clique = tuple(sorted(c for i, c in items
                                  if bookings[i].start <= point < bookings[i].end + buffer))
            if len(clique) > 1 and clique not in seen:
                seen.add(clique)
                rows.append((list(clique), [1.0] * len(clique), 1.0))
        room = cap - base_minutes.get(therapist_id, 0)
        if sum(bookings[i].minutes for i, _c in items) > room:
            rows.append(([c for _i, c in items],
                         [float(bookings[i].minutes) for i, _c in items], float(room)))
    return rows


def optimal_plan(bookings: list[OpenBooking], buffer: timedelta, cap: int,
                 base_minutes: dict[int, int], time_limit: float = TIME_LIMIT_S
                 ) -> tuple[list[Option | None], bool]:
    """The day as an integer programme solved by HiGHS (a choice per booking and eligible
    therapist; placements first, then total score); True when optimality is proven, else
    the best plan found in the time limit, never worse than greedy."""
    import numpy as np
    from highspy import HighsModelStatus, HighsVarType, kHighsInf
    from highspy._core import _Highs  # the bare solver: no banner on stdout

    greedy = greedy_plan(bookings, buffer, cap, base_minutes)
    columns = {(i, k): n for n, (i, k) in enumerate(
        (i, k) for i, b in enumerate(bookings) for k in range(len(b.options)))}
    if not columns:
        return greedy, True
    per_placement = placement_weight(bookings)
    solver = _Highs()
    for option, value in (("output_flag", False), ("time_limit", float(time_limit)),
                          ("mip_rel_gap", 0.0), ("threads", 1)):
        solver.setOptionValue(option, value)
    n = len(columns)
    index = np.arange(n, dtype=np.int32)
    solver.addVars(n, np.zeros(n), np.ones(n))
    solver.changeColsIntegrality(n, index, np.array([HighsVarType.kInteger] * n))
    solver.changeColsCost(n, index, np.array(  # HiGHS minimises: the negated weights
        [-float(per_placement + bookings[i].options[k].score) for (i, k) in columns]))
    for cols, coefficients, upper in _conflict_rows(bookings, columns, buffer, cap,
                                                    base_minutes):
        solver.addRow(-kHighsInf, upper, len(cols), np.array(cols, dtype=np.int32),
                      np.array(coefficients))
    solver.run()
    status = solver.getModelStatus()
    values = solver.getSolution().col_value
    if status != HighsModelStatus.kOptimal and not solver.getInfo().primal_solution_status:
        return greedy, False  # nothing feasible found in time: the greedy plan stands
    choice: list[Option | None] = [None] * len(bookings)
    for (i, k), column in columns.items():
        if values[column] > 0.5:
            choice[i] = bookings[i].options[k]
    if _weight(choice, per_placement) < _weight(greedy, per_placement):
        return greedy, False
    return choice, status == HighsModelStatus.kOptimal


def plan_day(session: Session, location_name: str, day: date, *,
             allowed_location_ids: Collection[int] | None = None) -> DayPlan:
    """The best assignment of a day's open bookings, writing nothing."""
    location = session.scalars(select(Location).where(
        Location.name_key == name_key(location_name))).first()
    if location is None or (allowed_location_ids is not None
                            and location.id not in set(allowed_location_ids)):
        raise UsageError(f"no location named {location_name!r}")
    ctx = load_day(session, location, day)
    bookings = open_bookings_of_day(session, location, day, ctx)
    base = {tid: sum(m for *_x, m in rows) for tid, rows in ctx.bookings.items()}
    candidates = [b for b in bookings if b.options]
    choice, proven = optimal_plan(candidates, ctx.buffer, ctx.cap_min, base)
    plan = DayPlan(location.name, day, optimal=proven)
    for booking, option in zip(candidates, choice, strict=True):
        if option is None:
            plan.unplaced.append((booking.booking_ref, "every eligible therapist is taken at "
                                  "that time or at their daily cap"))
        else:
            plan.assignments.append((booking.booking_ref, option.therapist, option.score))
            plan.total_score += option.score
    plan.unplaced.extend((b.booking_ref, b.why_not) for b in bookings if not b.options)
    return plan


def autoassign_day(engine: Engine, location_name: str, day: date, *, username: str,
                   apply: bool = True,
                   allowed_location_ids: Collection[int] | None = None) -> DayPlan:
    """Plan the day and (unless apply=False) assign it, each assignment re-checked."""
    with session_scope(engine) as session:
        plan = plan_day(session, location_name, day, allowed_location_ids=allowed_location_ids)
    if apply:
        apply_plan(engine, plan, username=username, allowed_location_ids=allowed_location_ids)
    return plan


def apply_plan(engine: Engine, plan: DayPlan, *, username: str,
               allowed_location_ids: Collection[int] | None = None) -> DayPlan:
    """Assign a previewed plan; each assignment is re-checked, refusals become unplaced."""
    for entry in list(plan.assignments):
        ref, therapist, _score = entry
        try:
            assign_therapist(engine, ref, therapist, username=username, method="auto",
                             allowed_location_ids=allowed_location_ids)
        except RuleRefusal as exc:  # someone changed the day since the preview
            plan.assignments.remove(entry)
            plan.total_score -= _score
            plan.unplaced.append((ref, str(exc)))
    return plan
