"""A small hand-built chain whose actions are worked out by hand in tests/test_actions.py.

The suite's day is 2026-11-24. Cedar Spa is urban (relaxation band $110-150, therapeutic
$120-165 per 60 min); Dune Clinic is rural (relaxation $60-100, therapeutic $70-110).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from models import Booking, Client, Credential, Location, Service, Shift, Therapist
from spaops.names import name_key


def _dt(day: str, hhmm: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(hhmm))


def build_actions_chain(engine: Engine) -> dict[str, int]:
    """Two locations, three therapists, six clients; one finding of every action kind."""
    with Session(engine) as s:
        cedar = Location(name="Cedar Spa", name_key="cedar spa", tier="urban", rooms=2)
        dune = Location(name="Dune Clinic", name_key="dune clinic", tier="rural", rooms=1)
        swedish = Service(name="Swedish 60", name_key="swedish 60", category="relaxation",
                          default_duration_min=60, default_price_cents=12000)
        deep = Service(name="Deep Tissue 60", name_key="deep tissue 60",
                       category="therapeutic", default_duration_min=60,
                       default_price_cents=13000)
        deep90 = Service(name="Deep Tissue 90", name_key="deep tissue 90",
                         category="therapeutic", default_duration_min=90,
                         default_price_cents=10000)
        prenatal = Service(name="Prenatal 60", name_key="prenatal 60", category="relaxation",
                           default_duration_min=60, default_price_cents=11500,
                           required_credentials="prenatal")
        s.add_all([cedar, dune, swedish, deep, deep90, prenatal])
        s.flush()

        def therapist(name: str, home: Location, expires: str) -> Therapist:
            return Therapist(name=name, name_key=name_key(name), home_location_id=home.id,
                             license_number=f"MT-{name}", license_state="NY",
                             license_expires=date.fromisoformat(expires))

        ann = therapist("Ann Ash", cedar, "2026-12-10")    # lapses within 60 days
        ben = therapist("Ben Birch", cedar, "2027-06-01")
        cy = therapist("Cy Cole", dune, "2028-01-01")
        clients = {ref: Client(external_ref=ref) for ref in
                   ("C1", "C2", "C3", "C4", "C5", "C6")}
        s.add_all([ann, ben, cy, *clients.values()])
        s.flush()
        s.add(Credential(therapist_id=ben.id, kind="prenatal", expires=date(2026, 12, 31)))
        s.add(Shift(therapist_id=ann.id, location_id=cedar.id, shift_date=date(2026, 11, 30),
                    start_time=time(9), end_time=time(18)))
        rows = [
            # ref, location, therapist, service, client, day, start, dollars, status
            # Prices: Swedish at Cedar in the 90 days to 2026-11-24, plus one before them.
            ("p0", cedar, ann, swedish, "C5", "2026-08-01", "10:00", 100, "completed"),
            ("p1", cedar, ann, swedish, "C5", "2026-09-15", "10:00", 100, "completed"),
            ("p2", cedar, ann, swedish, "C5", "2026-10-10", "10:00", 100, "completed"),
            ("p3", cedar, ann, swedish, "C5", "2026-11-05", "10:00", 100, "completed"),
            ("p4", cedar, ann, swedish, "C5", "2026-11-10", "10:00", 120, "completed"),
            ("p5", dune, cy, swedish, "C5", "2026-11-10", "10:00", 80, "completed"),
            # Over the rural therapeutic band ($110 top): Deep Tissue 60 at Dune, to watch.
            ("w1", dune, cy, deep, None, "2026-09-01", "10:00", 120, "completed"),
            ("w2", dune, cy, deep, None, "2026-10-01", "10:00", 120, "completed"),
            ("w3", dune, cy, deep, None, "2026-11-20", "10:00", 100, "completed"),
            # Therapeutic clients (Deep Tissue at $130 sits inside Cedar's band).
            ("c1a", cedar, ann, deep, "C1", "2026-10-01", "10:00", 130, "completed"),
            ("c1b", cedar, ben, deep, "C1", "2026-10-20", "10:00", 130, "completed"),
            ("c2a", cedar, ben, deep, "C2", "2026-10-25", "10:00", 130, "completed"),
            ("c2b", cedar, None, deep, "C2", "2026-12-01", "10:00", 130, "booked"),
            ("c3a", cedar, ben, deep, "C3", "2026-11-15", "10:00", 130, "completed"),
            ("c4a", dune, cy, deep90, "C4", "2026-09-10", "10:00", 100, "completed"),
            ("c6a", cedar, ann, deep, "C6", "2026-06-01", "10:00", 130, "completed"),
            # Booked after Ann's license lapses (the 10th itself is still covered).
            ("l0", cedar, ann, swedish, None, "2026-12-10", "10:00", 110, "booked"),
            ("l1", cedar, ann, swedish, None, "2026-12-11", "10:00", 120, "booked"),
            ("l2", cedar, ann, deep, None, "2026-12-15", "10:00", 130, "booked"),
            ("l3", cedar, ann, deep, None, "2026-12-12", "10:00", 130, "cancelled"),
            # After Ben's prenatal credential lapses: only the prenatal booking needs it.
            ("l4", cedar, ben, prenatal, None, "2027-01-05", "10:00", 115, "booked"),
            ("l5", cedar, ben, swedish, None, "2027-01-06", "10:00", 120, "booked"),
        ]
        # Ben is booked 7 x 60 = 420 minutes on Mon 30 Nov (cap 360); Cy 5 x 60 at Dune.
        for i in range(7):
            start = (datetime(2026, 11, 30, 9) + timedelta(minutes=75 * i)).strftime("%H:%M")
            rows.append((f"o{i}", cedar, ben, swedish, None, "2026-11-30", start, 120,
                         "booked"))
        for i in range(5):
            start = (datetime(2026, 12, 1, 9) + timedelta(minutes=75 * i)).strftime("%H:%M")
            rows.append((f"d{i}", dune, cy, swedish, None, "2026-12-01", start, 80, "booked"))
        for ref, location, who, service, client, day, start, dollars, status in rows:
            starts = _dt(day, start)
            minutes = service.default_duration_min
            s.add(Booking(external_ref=ref, location_id=location.id,
                          therapist_id=who.id if who else None, service_id=service.id,
                          client_id=clients[client].id if client else None,
                          starts_at=starts, ends_at=starts + timedelta(minutes=minutes),
                          duration_min=minutes, price_cents=dollars * 100, status=status))
        s.commit()
        return {"cedar": cedar.id, "dune": dune.id}


def build_staffing_chain(engine: Engine) -> dict[str, int]:
    """Elm Spa (open 09:00-17:00): the same Monday for each of the 8 weeks to 2026-11-24.

    Fay works 09:00-17:00 and Gus 09:00-13:00. Booked, by start hour: 09 one 30-min booking;
    10, 11 and 12 Fay 60 + Gus 30; 13 Fay 60; 14, 15 and 16 Fay 45.
    """
    with Session(engine) as s:
        elm = Location(name="Elm Spa", name_key="elm spa", tier="suburban", rooms=2,
                       opens_at=time(9), closes_at=time(17))
        swedish = Service(name="Swedish", name_key="swedish", category="relaxation")
        s.add_all([elm, swedish])
        s.flush()
        fay = Therapist(name="Fay Fir", name_key="fay fir", home_location_id=elm.id,
                        license_expires=date(2029, 1, 1))
        gus = Therapist(name="Gus Gale", name_key="gus gale", home_location_id=elm.id,
                        license_expires=date(2029, 1, 1))
        s.add_all([fay, gus])
        s.flush()
        plan = [(fay, "09:00", 30), (fay, "10:00", 60), (gus, "10:00", 30),
                (fay, "11:00", 60), (gus, "11:00", 30), (fay, "12:00", 60),
                (gus, "12:00", 30), (fay, "13:00", 60), (fay, "14:00", 45),
                (fay, "15:00", 45), (fay, "16:00", 45)]
        monday = date(2026, 10, 5)  # the first Monday on or after 2026-09-30
        for week in range(8):
            day = monday + timedelta(days=7 * week)
            for who, start, finish in ((fay, 9, 17), (gus, 9, 13)):
                s.add(Shift(therapist_id=who.id, location_id=elm.id, shift_date=day,
                            start_time=time(start), end_time=time(finish)))
            for i, (who, start, minutes) in enumerate(plan):
                starts = _dt(day.isoformat(), start)
                s.add(Booking(external_ref=f"e{week}-{i}", location_id=elm.id,
                              therapist_id=who.id, service_id=swedish.id, starts_at=starts,
                              ends_at=starts + timedelta(minutes=minutes),
                              duration_min=minutes, price_cents=minutes * 100 * 100 // 60,
                              status="completed"))
        s.commit()
        return {"elm": elm.id}
