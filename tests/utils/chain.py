"""A small hand-built chain whose KPI figures are worked out by hand in tests/test_kpis.py."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models import Booking, Client, Location, MarketBand, Service, Shift, Therapist
from seed.reference import MARKET_BANDS
from spaops.names import name_key


def _dt(day: str, hhmm: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(hhmm))


def build_small_chain(engine: Engine) -> dict[str, int]:
    """Two locations (urban Alpha Spa, rural Beta Clinic), three services, 12 bookings."""
    with Session(engine) as s:
        # The market bands come with every database (migration 0003): the defaults.
        assert len(s.exec(select(MarketBand)).all()) == len(MARKET_BANDS)
        alpha = Location(name="Alpha Spa", name_key="alpha spa", tier="urban", rooms=2)
        beta = Location(name="Beta Clinic", name_key="beta clinic", tier="rural", rooms=1)
        swedish = Service(name="Swedish 60", name_key="swedish 60", category="relaxation",
                          default_duration_min=60, default_price_cents=11000)
        deep = Service(name="Deep Tissue 90", name_key="deep tissue 90", category="therapeutic",
                       default_duration_min=90, default_price_cents=18000,
                       preferred_credentials="deep_tissue", deep_pressure=True)
        facial = Service(name="Signature Facial", name_key="signature facial",
                         category="other", default_duration_min=60, default_price_cents=9000)
        s.add_all([alpha, beta, swedish, deep, facial])
        s.flush()
        t1 = Therapist(name="Tess One", name_key=name_key("Tess One"), home_location_id=alpha.id,
                       license_number="MT-1", license_state="NY",
                       license_expires=date(2027, 1, 1))
        t2 = Therapist(name="Tom Two", name_key=name_key("Tom Two"), home_location_id=beta.id,
                       license_number="MT-2", license_state="CO",
                       license_expires=date(2027, 1, 1))
        client = Client(external_ref="CLIENT-1")
        s.add_all([t1, t2, client])
        s.flush()
        for therapist, location, day, start, end in (
            (t1, alpha, "2026-03-02", "09:00", "17:00"),
            (t1, alpha, "2026-03-03", "09:00", "13:00"),
            (t1, alpha, "2026-03-10", "09:00", "17:00"),  # outside the week
            (t2, beta, "2026-03-02", "10:00", "16:00"),
        ):
            s.add(Shift(therapist_id=therapist.id, location_id=location.id,
                        shift_date=date.fromisoformat(day), start_time=time.fromisoformat(start),
                        end_time=time.fromisoformat(end)))
        rows = (
            # ref, location, therapist, service, day, start, minutes, dollars, status
            ("a1", alpha, t1, swedish, "2026-03-02", "09:00", 60, 100, "completed"),
            ("a2", alpha, t1, deep, "2026-03-02", "11:00", 90, 180, "completed"),
            ("a3", alpha, t1, swedish, "2026-03-03", "09:00", 60, 160, "completed"),
            ("a4", alpha, t1, facial, "2026-03-03", "11:00", 60, 90, "completed"),
            ("a5", alpha, t1, swedish, "2026-03-02", "14:00", 60, 120, "no_show"),
            ("a6", alpha, t1, deep, "2026-03-02", "15:00", 90, 180, "cancelled"),
            ("a7", alpha, None, swedish, "2026-03-06", "10:00", 60, 120, "booked"),
            ("a8", alpha, t1, swedish, "2026-03-07", "23:30", 60, 110, "booked"),
            ("a9", alpha, t1, swedish, "2026-03-08", "00:00", 60, 110, "completed"),
            ("b1", beta, t2, deep, "2026-03-02", "10:00", 90, 90, "completed"),
            ("b2", beta, t2, swedish, "2026-03-02", "12:00", 60, 80, "completed"),
            ("b3", beta, t2, swedish, "2026-03-02", "14:00", 60, 75, "cancelled"),
        )
        for ref, location, therapist, service, day, start, minutes, dollars, status in rows:
            starts = _dt(day, start)
            s.add(Booking(external_ref=ref, location_id=location.id,
                          therapist_id=therapist.id if therapist else None,
                          service_id=service.id, client_id=client.id, starts_at=starts,
                          ends_at=starts + timedelta(minutes=minutes), duration_min=minutes,
                          price_cents=dollars * 100, status=status))
        s.commit()
        return {"alpha": alpha.id, "beta": beta.id}
