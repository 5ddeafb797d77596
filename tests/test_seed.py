"""The demo chain is deterministic and looks like a real spa chain."""

import hashlib
from datetime import date, timedelta

from sqlalchemy import text
from sqlmodel import Session, func, select

from models import Booking, Location, MarketBand, Service, Therapist, User
from seed.demo import seed_demo
from spaops.db import make_engine, upgrade_schema

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
        today = date.today()
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
