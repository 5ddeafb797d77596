"""Which therapist may take a booking, who fits best and why; assigning safely.

Hard rules (each an exclusion code of DESIGN.md): license_expired, missing_credential,
not_on_shift, busy, daily_cap, gender_preference. Eligible therapists get a 0-100 score
with a plain-word reason for every point that counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models import (
    AssignmentAudit,
    Booking,
    Client,
    Credential,
    Location,
    Service,
    Shift,
    Therapist,
)
from spaops import clock
from spaops.db import session_scope
from spaops.errors import RuleRefusal, UsageError
from spaops.names import name_key
from spaops.revision import bump_data_revision
from spaops.settings import load_settings

CODE_TEXT = {
    "license_expired": "no valid LMT license on the booking date",
    "missing_credential": "lacks a credential the service requires",
    "not_on_shift": "no shift here covering the whole booking",
    "busy": "overlaps another booking (turnover buffer included)",
    "daily_cap": "would exceed the daily hands-on cap",
    "gender_preference": "the client asked for another therapist gender",
}
CONTRAINDICATION_TEXT = {
    "acute_inflammation": "acute inflammation",
    "fever": "fever",
    "blood_clots": "blood clots",
    "open_wounds": "open wounds",
    "recent_surgery": "recent surgery",
}
DEEP_PRESSURE_RULED_OUT = ("blood_clots", "recent_surgery")
FIRM_PRESSURE_SKILLS = ("deep_tissue", "sports", "neuromuscular", "trigger_point",
                        "myofascial_release")


@dataclass(frozen=True)
class Candidate:
    """An eligible therapist with a score and the reasons behind it."""

    therapist_id: int
    therapist: str
    score: int
    reasons: list[str]


@dataclass(frozen=True)
class Exclusion:
    """A therapist of the location who may not take the booking, with every rule failed."""

    therapist_id: int
    therapist: str
    codes: list[str]
    reason: str


@dataclass
class Suggestion:
    """Ranked candidates and exclusions for one booking, plus its intake warnings."""

    booking_ref: str
    booking_id: int
    warnings: list[str]
    blocked: str | None
    candidates: list[Candidate] = field(default_factory=list)
    excluded: list[Exclusion] = field(default_factory=list)

    def document(self, top: int | None = None) -> dict:
        """The `suggest --json` document of DESIGN.md."""
        return {
            "booking_ref": self.booking_ref,
            "candidates": [{"therapist": c.therapist, "score": c.score, "reasons": c.reasons}
                           for c in self.candidates[:top]],
            "excluded": [{"therapist": e.therapist, "codes": e.codes, "reason": e.reason}
                         for e in self.excluded],
        }


@dataclass
class _Day:
    """Everything the rules need about one location's day, loaded in a few queries."""

    day: date
    location: Location
    buffer: timedelta
    cap_min: int
    therapists: dict[int, Therapist]
    credentials: dict[int, dict[str, date | None]]
    shifts: dict[int, list[tuple[time, time]]]  # at this location
    bookings: dict[int, list[tuple[int, datetime, datetime, int]]]  # id, start, end, minutes
    week_booked: dict[int, int]
    week_scheduled: dict[int, float]


def _flags(text: str | None) -> list[str]:
    return [f.strip() for f in (text or "").split(";") if f.strip()]


def find_booking(session: Session, booking_ref: str, *,
                 allowed_location_ids: Collection[int] | None = None) -> Booking:
    """The booking with this external ref, if the caller may see its location."""
    booking = session.scalars(select(Booking).where(Booking.external_ref == booking_ref)).first()
    if booking is None or (allowed_location_ids is not None
                           and booking.location_id not in set(allowed_location_ids)):
        raise UsageError(f"no booking {booking_ref!r}")
    return booking


def load_day(session: Session, location: Location, day: date) -> _Day:
    """Everything the rules need about one location's day, for rule_codes and evaluate."""
    settings = load_settings(session)
    th, sh, bk = Therapist.__table__, Shift.__table__, Booking.__table__
    on_shift_here = select(sh.c.therapist_id).where(sh.c.location_id == location.id,
                                                    sh.c.shift_date == day)
    pool = {t.id: t for t in session.scalars(select(Therapist).where(
        Therapist.active, or_(th.c.home_location_id == location.id, th.c.id.in_(on_shift_here))))}
    ids = sorted(pool)
    credentials: dict[int, dict[str, date | None]] = defaultdict(dict)
    shifts: dict[int, list[tuple[time, time]]] = defaultdict(list)
    bookings: dict[int, list] = defaultdict(list)
    week_booked: dict[int, int] = defaultdict(int)
    week_scheduled: dict[int, float] = defaultdict(float)
    if ids:
        for c in session.scalars(select(Credential).where(Credential.therapist_id.in_(ids))):
            credentials[c.therapist_id][c.kind] = c.expires
        for s in session.scalars(select(Shift).where(Shift.therapist_id.in_(ids),
                                                     Shift.shift_date == day)):
            if s.location_id == location.id:
                shifts[s.therapist_id].append((s.start_time, s.end_time))
        begin = datetime.combine(day, time())
        rows = session.execute(select(bk.c.id, bk.c.therapist_id, bk.c.starts_at, bk.c.ends_at,
                                      bk.c.duration_min)
                               .where(bk.c.therapist_id.in_(ids), bk.c.status != "cancelled",
                                      bk.c.starts_at >= begin,
                                      bk.c.starts_at < begin + timedelta(days=1)))
        for booking_id, tid, start, end, minutes in rows:
            bookings[tid].append((booking_id, start, end, minutes))
        monday = day - timedelta(days=day.weekday())
        week = (datetime.combine(monday, time()), datetime.combine(monday + timedelta(days=7),
                                                                   time()))
        for tid, minutes in session.execute(
                select(bk.c.therapist_id, func.sum(bk.c.duration_min))
                .where(bk.c.therapist_id.in_(ids), bk.c.status != "cancelled",
                       bk.c.starts_at >= week[0], bk.c.starts_at < week[1])
                .group_by(bk.c.therapist_id)):
            week_booked[tid] = int(minutes or 0)
        for s in session.scalars(select(Shift).where(
                Shift.therapist_id.in_(ids), Shift.shift_date >= monday,
                Shift.shift_date < monday + timedelta(days=7))):
            week_scheduled[s.therapist_id] += (
                datetime.combine(day, s.end_time) - datetime.combine(day, s.start_time)
            ).total_seconds() / 60
    return _Day(day=day, location=location,
                buffer=timedelta(minutes=location.turnover_buffer_min),
                cap_min=int(settings["daily_cap_min"]), therapists=pool,
                credentials=credentials, shifts=shifts, bookings=bookings,
                week_booked=week_booked, week_scheduled=week_scheduled)


def _valid(expires: date | None, day: date) -> bool:
    return expires is None or expires >= day


def rule_codes(ctx: _Day, therapist: Therapist, booking: Booking, service: Service,
               client: Client | None, *, extra: list[tuple[datetime, datetime, int]] = ()
               ) -> list[str]:
    """Every hard rule this therapist fails for this booking (empty: eligible)."""
    codes = []
    day = ctx.day
    if ctx.location.lmt_required and (therapist.license_expires is None
                                      or therapist.license_expires < day):
        codes.append("license_expired")
    held = {k for k, exp in ctx.credentials.get(therapist.id, {}).items() if _valid(exp, day)}
    for group in filter(None, service.required_credentials.split(";")):
        if not any(alt in held for alt in group.split("|")):
            codes.append("missing_credential")
            break
    start, end = booking.starts_at, booking.ends_at
    if not any(s <= start.time() and end.time() <= e and end.date() == start.date()
               for s, e in ctx.shifts.get(therapist.id, [])):
        codes.append("not_on_shift")
    others = [(s, e, m) for (bid, s, e, m) in ctx.bookings.get(therapist.id, [])
              if bid != booking.id] + list(extra)
    if any(s < end + ctx.buffer and start < e + ctx.buffer for s, e, _m in others):
        codes.append("busy")
    if sum(m for _s, _e, m in others) + booking.duration_min > ctx.cap_min:
        codes.append("daily_cap")
    wanted = client.gender_preference if client else None
    if wanted and (therapist.gender or "").lower() != wanted.lower():
        codes.append("gender_preference")
    return codes


def _score(ctx: _Day, therapist: Therapist, service: Service, client: Client | None,
           visits: int) -> tuple[int, list[str]]:
    """0-100 and the reasons: continuity first, then specialties, pressure, lighter load."""
    score, reasons = 10, ["eligible: licensed, credentialed, on shift and free"]
    if visits:
        bonus = 40 + min(visits, 5) * 2
        score += bonus
        reasons.append(f"has treated this client {visits} time{'s' if visits > 1 else ''} "
                       f"before (+{bonus})")
    held = {k for k, exp in ctx.credentials.get(therapist.id, {}).items()
            if _valid(exp, ctx.day)}
    for preferred in filter(None, service.preferred_credentials.split(";")):
        if preferred in held:
            score += 15
            reasons.append(f"holds {preferred.replace('_', ' ')}, preferred for "
                           f"{service.name} (+15)")
    pressure = (client.pressure_preference or "").lower() if client else ""
    if pressure in ("firm", "deep") and held & set(FIRM_PRESSURE_SKILLS):
        score += 10
        reasons.append(f"trained for the {pressure} pressure the client prefers (+10)")
    scheduled = ctx.week_scheduled.get(therapist.id, 0)
    load = min(1.0, ctx.week_booked.get(therapist.id, 0) / scheduled) if scheduled else 1.0
    balance = round(20 * (1 - load))
    if balance:
        score += balance
        reasons.append(f"lighter week: {load:.0%} of shift time booked (+{balance})")
    return min(score, 100), reasons


def intake_warnings(client: Client | None, service: Service) -> tuple[list[str], str | None]:
    """Contraindication warnings, and a reason the service is ruled out altogether."""
    flags = _flags(client.contraindications if client else "")
    warnings = [f"Contraindication on intake: {CONTRAINDICATION_TEXT.get(f, f)}. Massage may "
                "not be advisable; a manager must override with a reason." for f in flags]
    ruled_out = [f for f in flags if f in DEEP_PRESSURE_RULED_OUT]
    blocked = None
    if ruled_out and service.deep_pressure:
        blocked = (f"{service.name} uses deep pressure, which "
                   f"{' and '.join(CONTRAINDICATION_TEXT[f] for f in ruled_out)} rule out: "
                   "change the service to a gentle one")
    return warnings, blocked


def _visits(session: Session, client_id: int | None, therapist_ids: list[int],
            before: datetime) -> dict[int, int]:
    if client_id is None or not therapist_ids:
        return {}
    bk = Booking.__table__
    return dict(session.execute(
        select(bk.c.therapist_id, func.count())
        .where(bk.c.client_id == client_id, bk.c.status == "completed",
               bk.c.starts_at < before, bk.c.therapist_id.in_(therapist_ids))
        .group_by(bk.c.therapist_id)).all())


def evaluate(session: Session, booking: Booking, ctx: _Day | None = None) -> Suggestion:
    """Split the location's therapists into ranked candidates and exclusions."""
    location = session.get(Location, booking.location_id)
    service = session.get(Service, booking.service_id)
    client = session.get(Client, booking.client_id) if booking.client_id else None
    ctx = ctx or load_day(session, location, booking.starts_at.date())
    warnings, blocked = intake_warnings(client, service)
    suggestion = Suggestion(booking.external_ref, booking.id, warnings, blocked)
    visits = _visits(session, booking.client_id, sorted(ctx.therapists), booking.starts_at)
    for therapist in sorted(ctx.therapists.values(), key=lambda t: t.name):
        if booking.requested and booking.therapist_id and therapist.id != booking.therapist_id:
            continue  # a requested therapist is never suggested away
        codes = rule_codes(ctx, therapist, booking, service, client)
        if codes:
            suggestion.excluded.append(Exclusion(
                therapist.id, therapist.name, codes,
                "; ".join(CODE_TEXT[c] for c in codes)))
            continue
        score, reasons = _score(ctx, therapist, service, client, visits.get(therapist.id, 0))
        if booking.requested and booking.therapist_id == therapist.id:
            reasons.insert(0, "requested by the client")
        suggestion.candidates.append(Candidate(therapist.id, therapist.name, score, reasons))
    suggestion.candidates.sort(key=lambda c: (-c.score, c.therapist))
    return suggestion


def suggest_therapists(session: Session, booking_ref: str, *,
                       allowed_location_ids: Collection[int] | None = None) -> Suggestion:
    """Ranked therapists with reasons for one booking."""
    booking = find_booking(session, booking_ref, allowed_location_ids=allowed_location_ids)
    return evaluate(session, booking)


def _therapist(session: Session, name: str) -> Therapist:
    therapist = session.scalars(select(Therapist).where(
        Therapist.name_key == name_key(name))).first()
    if therapist is None:
        raise UsageError(f"no therapist named {name!r}")
    return therapist


def assign_therapist(
    engine: Engine, booking_ref: str, therapist_name: str, *, username: str,
    override: bool = False, override_reason: str = "",
    allowed_location_ids: Collection[int] | None = None, method: str = "manual",
) -> Booking:
    """Assign after re-checking every rule inside the write transaction; audit it."""
    with session_scope(engine, write=True) as session:
        booking = find_booking(session, booking_ref, allowed_location_ids=allowed_location_ids)
        therapist = _therapist(session, therapist_name)
        if session.get_bind().dialect.name == "postgresql":
            # Serialise concurrent assignments of one therapist (SQLite: BEGIN IMMEDIATE).
            session.execute(select(Therapist.id).where(Therapist.id == therapist.id)
                            .with_for_update())
            session.refresh(booking, with_for_update=True)
        _check_assignable(session, booking, therapist, override, override_reason)
        previous = booking.therapist_id
        booking.therapist_id = therapist.id
        session.add(booking)
        session.add(AssignmentAudit(
            booking_id=booking.id, therapist_id=therapist.id, previous_therapist_id=previous,
            username=username, assigned_at=clock.now(), method=method,
            override=override, override_reason=override_reason))
        bump_data_revision(session)
        return booking


def _check_assignable(session: Session, booking: Booking, therapist: Therapist,
                      override: bool, override_reason: str) -> None:
    if booking.status in ("cancelled", "completed", "no_show"):
        raise RuleRefusal(f"booking {booking.external_ref} is {booking.status.replace('_', '-')}")
    if booking.requested and booking.therapist_id and booking.therapist_id != therapist.id:
        requested = session.get(Therapist, booking.therapist_id)
        raise RuleRefusal(f"the client requested {requested.name}; a request is kept")
    location = session.get(Location, booking.location_id)
    service = session.get(Service, booking.service_id)
    client = session.get(Client, booking.client_id) if booking.client_id else None
    ctx = load_day(session, location, booking.starts_at.date())
    if therapist.id not in ctx.therapists:
        raise RuleRefusal(f"{therapist.name} neither works at {location.name} nor has a "
                          "shift there that day" if therapist.active
                          else f"{therapist.name} is not active")
    codes = rule_codes(ctx, therapist, booking, service, client)
    if codes:
        raise RuleRefusal(f"{therapist.name}: " + "; ".join(
            f"{CODE_TEXT[c]} ({c})" for c in codes))
    warnings, blocked = intake_warnings(client, service)
    if blocked:
        raise RuleRefusal(blocked)
    if warnings and not override:
        raise RuleRefusal("the client's intake lists a contraindication ("
                          + ", ".join(CONTRAINDICATION_TEXT.get(f, f) for f in _flags(
                              client.contraindications)) + "): assign with an override")


__all__ = [
    "Candidate", "Exclusion", "Suggestion", "assign_therapist", "evaluate", "find_booking",
    "intake_warnings", "rule_codes", "suggest_therapists",
]
