"""The demo chain is deterministic, looks like a real spa chain, and keeps its promises on
any day it is planned for."""

import hashlib
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import text
from sqlmodel import Session, func, select

from models import Booking, Location, MarketBand, Service, Therapist, User
from seed.demo import OPEN_UPCOMING, OPEN_WINDOW_DAYS, DemoPlan, plan_demo, seed_demo
from spaops.db import make_engine, upgrade_schema
from tests.conftest import DEMO_TODAY

TODAY = date(2026, 6, 15)


def _fingerprint(engine) -> str:
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT b.external_ref, t.name, s.name, b.starts_at, b.duration_min, b.price_cents, "
            "b.status, c.external_ref FROM booking b LEFT JOIN therapist t ON t.id = "
            "b.therapist_id JOIN service s ON s.id = b.service_id LEFT JOIN client c ON "
            "c.id = b.client_id ORDER BY b.external_ref")).all()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _seeded(tmp_path, name: str, **kwargs):
    engine = make_engine(f"sqlite:///{tmp_path / name}")
    upgrade_schema(engine)
    seed_demo(engine, today=TODAY, **kwargs)
    return engine


def test_same_seed_same_chain_other_seed_other_chain(tmp_path):
    first = _seeded(tmp_path, "a.db", seed=3, bookings=800)
    second = _seeded(tmp_path, "b.db", seed=3, bookings=800)
    third = _seeded(tmp_path, "c.db", seed=4, bookings=800)
    assert _fingerprint(first) == _fingerprint(second)
    assert _fingerprint(first) != _fingerprint(third)


def test_demo_chain_has_what_the_dashboards_need(demo_engine):
    with Session(demo_engine) as s:
        tiers = sorted(s.exec(select(Location.tier)).all())
        assert tiers == ["rural", "suburban", "urban", "urban"]
        categories = [svc.category for svc in s.exec(select(Service))]
        assert len(categories) >= 12
        assert {"therapeutic", "relaxation", "other"} <= set(categories)
        assert s.exec(select(func.count()).select_from(MarketBand)).one() == 6
        therapists = s.exec(select(Therapist)).all()
        assert 30 <= len(therapists) <= 45
        today = DEMO_TODAY
        expired = [t for t in therapists if t.license_expires < today]
        expiring = [t for t in therapists
                    if today <= t.license_expires <= today + timedelta(days=30)]
        assert len(expired) == 1 and len(expiring) >= 2
        statuses = dict(s.exec(select(Booking.status, func.count()).group_by(Booking.status)).all())
        assert set(statuses) == {"booked", "completed", "cancelled", "no_show"}
        assert statuses["no_show"] < statuses["cancelled"] < statuses["completed"]
        open_upcoming = s.exec(select(func.count()).select_from(Booking).where(
            Booking.therapist_id.is_(None), Booking.status == "booked")).one()
        assert open_upcoming >= 4
        assert sorted(u.username for u in s.exec(select(User))) == ["manager", "owner", "staff"]


def test_no_therapist_is_double_booked_and_every_booking_is_in_a_shift(demo_engine):
    with demo_engine.connect() as conn:
        overlaps = conn.execute(text(
            "SELECT count(*) FROM booking a JOIN booking b ON a.therapist_id = b.therapist_id "
            "AND a.id < b.id AND a.status != 'cancelled' AND b.status != 'cancelled' "
            "AND a.starts_at < datetime(b.ends_at, '+15 minutes') "
            "AND b.starts_at < datetime(a.ends_at, '+15 minutes')")).scalar_one()
        outside = conn.execute(text(
            "SELECT count(*) FROM booking b WHERE b.therapist_id IS NOT NULL AND NOT EXISTS ("
            "SELECT 1 FROM shift s WHERE s.therapist_id = b.therapist_id "
            "AND s.shift_date = date(b.starts_at) "
            "AND time(b.starts_at) >= time(s.start_time) "
            "AND time(b.ends_at) <= time(s.end_time))")).scalar_one()
    assert overlaps == 0
    assert outside == 0


def test_seed_runs_on_every_database(engine):
    summary = seed_demo(engine, seed=1, bookings=300, today=TODAY)
    assert summary.bookings == 300
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Booking)).one() == 300


def _broken_promises(plan: DemoPlan, bookings: int) -> list[str]:
    """Every promise the demo makes that this plan breaks (an empty list when it keeps all)."""
    today, broken = plan.today, []
    expires = [t["license_expires"] for t in plan.therapists]
    if sum(e < today for e in expires) != 1:
        broken.append("not exactly one expired license")
    if sum(today <= e <= today + timedelta(days=30) for e in expires) < 2:
        broken.append("fewer than two licenses expiring within 30 days")
    if len(plan.bookings) != bookings:
        broken.append(f"{len(plan.bookings)} bookings, not {bookings}")
    status = Counter(b["status"] for b in plan.bookings)
    if not status["no_show"] < status["cancelled"] < status["completed"] or not status["booked"]:
        broken.append(f"statuses out of proportion: {dict(status)}")
    soon = today + timedelta(days=OPEN_WINDOW_DAYS)
    open_soon = [b for b in plan.bookings if b["therapist"] is None and b["status"] == "booked"
                 and b["location"] == 0 and today <= b["starts_at"].date() <= soon]
    if len(open_soon) < OPEN_UPCOMING:
        broken.append(f"{len(open_soon)} open bookings in the next days, not {OPEN_UPCOMING}")
    shifts = {(s["therapist"], s["shift_date"]): s for s in plan.shifts}
    held = defaultdict(list)
    for b in plan.bookings:
        if b["therapist"] is None:
            continue
        shift = shifts.get((b["therapist"], b["starts_at"].date()))
        if shift is None or not (
                datetime.combine(shift["shift_date"], shift["start_time"]) <= b["starts_at"]
                and b["ends_at"] <= datetime.combine(shift["shift_date"], shift["end_time"])):
            broken.append(f"{b['external_ref']} outside its therapist's shift")
        if b["status"] != "cancelled":
            held[b["therapist"]].append((b["starts_at"], b["ends_at"]))
    for spans in held.values():
        spans.sort()
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            if start < end + timedelta(minutes=15):
                broken.append(f"overlap at {start}")
    return broken


def test_the_demo_keeps_its_promises_on_every_day_of_a_year():
    days = [date(2027, 1, 1) + timedelta(days=i) for i in range(365)] + [date(2028, 2, 29)]
    failures = {}
    for day in days:
        broken = _broken_promises(plan_demo(today=day, seed=7, bookings=1200), 1200)
        if broken:
            failures[day] = broken[:3]
    assert not failures, f"{len(failures)} days break a promise, e.g. {list(failures.items())[:3]}"


def test_the_promise_checker_sees_a_broken_promise():
    plan = plan_demo(today=date(2027, 3, 31), seed=7, bookings=1200)
    assert _broken_promises(plan, 1200) == []
    for booking in plan.bookings:
        if booking["therapist"] is None:
            booking["status"] = "cancelled"
    plan.therapists[0]["license_expires"] = date(2027, 1, 1)
    assert _broken_promises(plan, 1200) == [
        "not exactly one expired license", "0 open bookings in the next days, not 4"]
