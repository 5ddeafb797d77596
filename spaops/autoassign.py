"""Assigning a whole day's open bookings at once, maximising placements, then total score.

Method: depth-first branch and bound over the open bookings in start order. Each booking
either gets one of its eligible therapists or stays open; a therapist's state is the end
of their latest booking and their hands-on minutes, which is all the overlap, buffer and
daily-cap rules need because bookings are visited in start order. The objective weighs a
placement above any score difference (1000 + score per booking), so it first places as many
bookings as possible, then maximises the total score. The search starts from the greedy
earliest-first plan and prunes every branch whose optimistic bound (current weight plus the
best weight of each remaining booking) cannot beat the best plan found. When the search
finishes it has proven optimality; a node budget caps it on pathological days, and then the
plan is the best found, reported as such, and never worse than greedy.
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
NODE_BUDGET = 400_000


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


def _weight(choice: list[Option | None]) -> int:
    return sum(PLACEMENT_WEIGHT + o.score for o in choice if o is not None)


def optimal_plan(bookings: list[OpenBooking], buffer: timedelta, cap: int,
                 base_minutes: dict[int, int],
                 node_budget: int = NODE_BUDGET) -> tuple[list[Option | None], bool]:
    """Branch and bound from the greedy plan; True when optimality is proven."""
    best = greedy_plan(bookings, buffer, cap, base_minutes)
    best_weight = _weight(best)
    best_each = [max((PLACEMENT_WEIGHT + o.score for o in b.options), default=0)
                 for b in bookings]
    suffix = [0] * (len(bookings) + 1)
    for i in range(len(bookings) - 1, -1, -1):
        suffix[i] = suffix[i + 1] + best_each[i]
    state = {tid: (None, m) for tid, m in base_minutes.items()}
    current: list[Option | None] = []
    nodes = 0
    exhausted = True

    def search(i: int, weight: int) -> None:
        nonlocal best, best_weight, nodes, exhausted
        if weight + suffix[i] <= best_weight:
            return
        if i == len(bookings):
            best, best_weight = list(current), weight
            return
        nodes += 1
        if nodes > node_budget:
            exhausted = False
            return
        booking = bookings[i]
        for option in booking.options:
            if not _fits(state, option, booking, buffer, cap):
                continue
            saved = state.get(option.therapist_id, (None, 0))
            state[option.therapist_id] = (max(booking.end, saved[0] or booking.end),
                                          saved[1] + booking.minutes)
            current.append(option)
            search(i + 1, weight + PLACEMENT_WEIGHT + option.score)
            current.pop()
            state[option.therapist_id] = saved
        current.append(None)
        search(i + 1, weight)
        current.pop()

    search(0, 0)
    return best, exhausted


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
