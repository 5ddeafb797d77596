"""Roster and shift files: created by name, updated on re-import, bad rows named."""

from datetime import date, time

from sqlalchemy import select
from sqlmodel import Session

from models import Credential, Shift, Therapist
from spaops.ingest import import_shifts, import_therapists

ROSTER = (
    b"name,location,license_number,license_state,license_expires,credentials,gender,active\n"
    b"Ava Reyes,Harbor Day Spa,MT-9,ny,2027-05-01,prenatal;deep_tissue:2027-01-01,female,yes\n"
    b"Bob Stone,Harbor Day Spa,MT-1,NY,2027-13-01,,male,\n"
    b"Cy Park,Harbor Day Spa,MT-2,NY,2027-01-01,reiki,,\n"
)
SHIFTS = (
    b"therapist,location,date,start,end\n"
    b"Ava Reyes,Harbor Day Spa,2026-11-24,09:00,17:00\n"
    b"Ava Reyes,Harbor Day Spa,2026-11-25,5pm,9am\n"
    b"Dee New,Harbor Day Spa,11/26/2026,12:00 PM,8:00 PM\n"
)


def test_roster_import_creates_updates_and_names_bad_rows(engine):
    first = import_therapists(engine, ROSTER)
    assert (first["inserted"], first["rejected"]) == (1, 2)
    assert first["new_locations"] == ["Harbor Day Spa"]
    assert first["new_therapists"] == ["Ava Reyes"]
    reasons = {r["booking_ref"]: r["reason"] for r in first["rejections"]}
    assert reasons["Bob Stone"] == "the license expiry '2027-13-01' is not a date"
    assert reasons["Cy Park"].startswith("unknown credential 'reiki'")
    with Session(engine) as s:
        ava = s.scalars(select(Therapist)).one()
        assert (ava.license_state, ava.license_expires, ava.gender) == (
            "NY", date(2027, 5, 1), "female")
        creds = sorted((c.kind, c.expires) for c in s.scalars(select(Credential)))
    assert creds == [("deep_tissue", date(2027, 1, 1)), ("prenatal", None)]
    again = import_therapists(engine, ROSTER)
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 1)
    renewed = import_therapists(engine, ROSTER.replace(b"2027-05-01", b"2028-05-01"))
    assert renewed["updated"] == 1


def test_shift_import_round_trip(engine):
    import_therapists(engine, ROSTER)
    document = import_shifts(engine, SHIFTS)
    assert (document["inserted"], document["rejected"]) == (2, 1)
    assert document["new_therapists"] == ["Dee New"]
    assert document["rejections"][0]["reason"] == "the shift ends before it starts"
    with Session(engine) as s:
        shifts = sorted((sh.shift_date, sh.start_time, sh.end_time)
                        for sh in s.scalars(select(Shift)))
    assert shifts == [(date(2026, 11, 24), time(9), time(17)),
                      (date(2026, 11, 26), time(12), time(20))]
    again = import_shifts(engine, SHIFTS)
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 2)
