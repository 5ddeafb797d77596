"""Roster and shift files: created by name, updated on re-import, bad rows named."""

from datetime import date, time

import pytest
from sqlalchemy import select
from sqlmodel import Session

from models import Credential, ImportBatch, Location, Shift, Therapist
from spaops.errors import UsageError
from spaops.ingest import (
    import_roster,
    import_shifts,
    import_therapists,
    plan_roster,
    read_roster_export,
)

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


def _counts(engine) -> tuple[int, ...]:
    with Session(engine) as s:
        return tuple(len(s.scalars(select(m)).all())
                     for m in (Location, Therapist, Credential, Shift, ImportBatch))


@pytest.mark.parametrize("kind, data", [("therapists", ROSTER), ("shifts", SHIFTS)])
def test_preview_and_dry_run_write_nothing_and_match_the_import(engine, kind, data):
    if kind == "shifts":
        import_therapists(engine, ROSTER.replace(b"Ava Reyes", b"Ann Other"))
    before = _counts(engine)
    preview = read_roster_export(data, f"{kind}.csv", kind)
    with Session(engine) as s:
        planned = plan_roster(s, preview).counts()
    dry = import_roster(engine, preview, dry_run=True)
    assert _counts(engine) == before
    assert dry == {"batch_id": None, **planned}
    real = import_roster(engine, preview, username="ann")
    assert {k: v for k, v in real.items() if k != "batch_id"} == planned
    assert real["rows"] == sum(real[k] for k in ("inserted", "updated", "unchanged",
                                                 "duplicates", "rejected"))
    with Session(engine) as s:
        planned_again = plan_roster(s, preview).counts()
    assert (planned_again["inserted"], planned_again["updated"]) == (0, 0)
    assert planned_again["unchanged"] == real["inserted"]


def _harbor_and_pinecrest(engine) -> tuple[int, int]:
    import_therapists(engine, ROSTER + b"Pia Lund,Pinecrest Retreat,MT-5,NY,2027-01-01,,,\n")
    with Session(engine) as s:
        ids = dict(s.execute(select(Location.name, Location.id)).all())
    return ids["Harbor Day Spa"], ids["Pinecrest Retreat"]


def test_a_roster_stays_inside_the_importers_locations(engine):
    harbor, _pinecrest = _harbor_and_pinecrest(engine)
    before = _counts(engine)
    roster = (b"name,location\n"
              b"Pia Lund,Harbor Day Spa\n"        # works at Pinecrest: not theirs to move
              b"Quinn Hart,Pinecrest Retreat\n"   # another location
              b"Rae Lin,Nowhere Spa\n"            # a new location: owners only
              b"Sol Dane,harbor day spa\n")
    document = import_therapists(engine, roster, allowed_location_ids={harbor},
                                 username="staff")
    reasons = {r["booking_ref"]: r["reason"] for r in document["rejections"]}
    assert reasons == {
        "Pia Lund": "'Pia Lund' works at a location that is not yours",
        "Quinn Hart": "the location 'Pinecrest Retreat' is not one of yours",
        "Rae Lin": "unknown location 'Nowhere Spa': an owner must add it first",
    }
    assert (document["inserted"], document["new_locations"]) == (1, [])
    assert _counts(engine)[0] == before[0]
    with Session(engine) as s:
        batch = s.scalars(select(ImportBatch).order_by(ImportBatch.id.desc())).first()
        assert (batch.kind, batch.location_id, batch.username) == ("therapists", harbor,
                                                                   "staff")


def test_shifts_stay_inside_the_importers_locations(engine):
    harbor, pinecrest = _harbor_and_pinecrest(engine)
    import_shifts(engine, b"therapist,location,date,start,end\n"
                          b"Pia Lund,Pinecrest Retreat,2026-11-24,09:00,17:00\n")
    shifts = (b"therapist,location,date,start,end\n"
              b"Pia Lund,Harbor Day Spa,2026-11-24,09:00,13:00\n"
              b"Pia Lund,Pinecrest Retreat,2026-11-25,09:00,13:00\n"
              b"Pia Lund,Harbor Day Spa,2026-11-26,09:00,13:00\n")
    document = import_shifts(engine, shifts, allowed_location_ids={harbor})
    assert [r["row"] for r in document["rejections"]] == [2, 3]
    assert "a location that is not yours" in document["rejections"][0]["reason"]
    assert document["inserted"] == 1
    with Session(engine) as s:
        stored = sorted((sh.shift_date.day, sh.location_id) for sh in s.scalars(select(Shift)))
    assert stored == [(24, pinecrest), (26, harbor)]


def test_roster_columns_can_be_chosen_by_hand(engine):
    odd = b"Who,Where,Card\nTia Moon,Harbor Day Spa,MT-8\n"
    with pytest.raises(UsageError, match="no column for name, location"):
        read_roster_export(odd, "odd.csv", "therapists")
    document = import_therapists(engine, odd, mapping_overrides={
        "name": "Who", "location": "Where", "license_number": "Card"})
    assert document["new_therapists"] == ["Tia Moon"]
    with Session(engine) as s:
        assert s.scalars(select(Therapist)).one().license_number == "MT-8"
    with pytest.raises(UsageError, match="no column 'Nope'"):
        read_roster_export(odd, "odd.csv", "therapists", mapping_overrides={"name": "Nope"})
