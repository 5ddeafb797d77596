"""Booking exports of several vendors' shapes, read, validated and upserted on both databases."""

import json
from datetime import datetime

import pytest
from sqlalchemy import func, select, text
from sqlmodel import Session

from models import Booking, Client, ImportBatch, ImportRejection, Location, Service, Therapist
from spaops.cli import main
from spaops.errors import UsageError
from spaops.export import safe_csv
from spaops.ingest import import_bookings, read_bookings_export
from spaops.ingest.upsert import plan_bookings
from spaops.names import name_key

CONTRACT_KEYS = {"batch_id", "rows", "inserted", "updated", "unchanged", "duplicates",
                 "rejected", "rejections", "new_locations", "new_therapists", "new_services"}

# Mindbody-like: UTF-8 with BOM, CRLF, 12-hour times, dollar amounts, an email column,
# a quoted note spanning two lines, and statuses in the vendor's words.
MINDBODY = (
    "\ufeffAppointment #,Location,Staff Member,Service Name,Client Name,Date & Time,"
    "Duration (min),Price,Status,Email,Notes\r\n"
    'MB-1,Harbor Day Spa,José Álvarez,Swedish Massage 60,Client One,11/03/2026 2:30 PM,'
    '60 min,$120.00,Checked Out,one@example.com,"prefers\r\nlavender"\r\n'
    "MB-2,Harbor Day Spa,,Deep Tissue Massage 90,Client Two,11/04/2026 10:00 AM,90,"
    '"$1,180.00",Confirmed,two@example.com,\r\n'
    "MB-3,Harbor Day Spa,José Álvarez,Swedish Massage 60,Client One,11/05/2026 9:00 AM,60,"
    "$95.00,Late Cancel,,\r\n"
    "\r\n"
    "MB-4,Harbor Day Spa,José Álvarez,Hot Stone Ritual,Client Three,11/06/2026 4:15 pm,"
    "1h 30m,150,No Show,,\r\n"
).encode("utf-8")

# Vagaro-like: semicolons, cp1252, day-first dates, a date column plus a start-time column.
VAGARO = (
    "Booking ID;Business Location;Provider;Treatment;Customer;Appointment Day;Start Time;"
    "Length;Sale Price;Appointment Status;Phone\n"
    "VG-1;harbor  day spa;  josé  álvarez ;Swedish Massage 60;Renée;13/11/2026;14:00;60;"
    "USD 120;Completed;555-0100\n"
    "VG-2;Harbor Day Spa;José Álvarez;Aromatherapy Massage;Zoë;02/12/2026;09:30;60 mins;"
    "110,00;Booked;\n"
).encode("cp1252")

# Square-like: UTF-16 with BOM, tab-separated, h:mm durations, requested yes/no.
SQUARE = (
    "Reference\tSite\tTeam Member\tItem\tGuest\tStart\tDuration\tTotal\tStatus\t"
    "Staff Requested\n"
    "SQ-1\tPinecrest Retreat\tWren Sato\tReflexology\tG-1\t2026-11-03 09:00\t0:45\t80.00\t"
    "paid\tyes\n"
    "SQ-2\tPinecrest Retreat\tWren Sato\tReflexology\tG-2\t2026-11-03 10:00\t45\t"
    "80.00 USD\tscheduled\tno\n"
).encode("utf-16")


def _import(engine, data: bytes, **kwargs) -> dict:
    preview = read_bookings_export(data, "export.csv",
                                   now=datetime(2026, 11, 20, 12, 0),
                                   **{k: v for k, v in kwargs.items() if k in (
                                       "day_first", "default_location")})
    return import_bookings(engine, preview, username="tester",
                           **{k: v for k, v in kwargs.items() if k in (
                               "allowed_location_ids", "dry_run")})


def _seed_names(engine) -> None:
    with Session(engine) as s:
        s.add(Location(name="Harbor Day Spa", name_key="harbor day spa", tier="urban"))
        s.add(Service(name="Swedish Massage 60", name_key="swedish massage 60",
                      category="relaxation", default_duration_min=60))
        s.add(Service(name="Deep Tissue Massage 90", name_key="deep tissue massage 90",
                      category="therapeutic", default_duration_min=90))
        s.commit()
        harbor = s.scalars(select(Location)).one()
        s.add(Therapist(name="José Álvarez", name_key=name_key("José Álvarez"),
                        home_location_id=harbor.id))
        s.commit()


def _booking(engine, ref: str) -> Booking:
    with Session(engine) as s:
        return s.scalars(select(Booking).where(Booking.external_ref == ref)).one()


def test_mindbody_shape(engine):
    _seed_names(engine)
    preview = read_bookings_export(MINDBODY, "mb.csv")
    assert preview.encoding == "utf-8-sig" and preview.delimiter == ","
    assert preview.ignored_columns == ["Email", "Notes"]
    assert preview.mapping["booking_ref"] == "Appointment #"
    assert preview.day_first is False
    document = _import(engine, MINDBODY)
    assert set(document) == CONTRACT_KEYS
    assert (document["rows"], document["inserted"], document["rejected"]) == (4, 4, 0)
    assert document["new_services"] == ["Hot Stone Ritual"]
    assert document["new_therapists"] == [] and document["new_locations"] == []
    first = _booking(engine, "MB-1")
    assert first.starts_at == datetime(2026, 11, 3, 14, 30)
    assert first.duration_min == 60 and first.price_cents == 12000
    assert first.status == "completed"
    assert _booking(engine, "MB-2").price_cents == 118000
    assert _booking(engine, "MB-2").therapist_id is None  # open for assignment
    assert _booking(engine, "MB-3").status == "cancelled"
    fourth = _booking(engine, "MB-4")
    assert (fourth.status, fourth.duration_min) == ("no_show", 90)
    assert fourth.starts_at == datetime(2026, 11, 6, 16, 15)
    with Session(engine) as s:
        ritual = s.scalars(select(Service).where(Service.name == "Hot Stone Ritual")).one()
        assert ritual.needs_review and ritual.category == "relaxation"
    # Personal data the product does not need is stored nowhere.
    with engine.connect() as conn:
        for table in ("booking", "client", "import_rejection", "import_batch"):
            dump = repr(conn.execute(text(f"SELECT * FROM {table}")).all())
            assert "example.com" not in dump


def test_vagaro_shape_semicolons_cp1252_day_first(engine):
    _seed_names(engine)
    preview = read_bookings_export(VAGARO, "vg.csv")
    assert (preview.encoding, preview.delimiter, preview.day_first) == ("cp1252", ";", True)
    document = _import(engine, VAGARO)
    assert document["inserted"] == 2 and document["rejected"] == 0
    # "  josé  álvarez " and "harbor  day spa" are the records already there.
    assert document["new_therapists"] == [] and document["new_locations"] == []
    vg1 = _booking(engine, "VG-1")
    assert vg1.starts_at == datetime(2026, 11, 13, 14, 0) and vg1.price_cents == 12000
    vg2 = _booking(engine, "VG-2")
    assert vg2.starts_at == datetime(2026, 12, 2, 9, 30) and vg2.price_cents == 11000
    with Session(engine) as s:
        assert s.scalars(select(Client.external_ref).order_by(Client.external_ref)).all() == [
            "Renée", "Zoë"]


def test_square_shape_utf16_tabs(engine):
    document = _import(engine, SQUARE)
    assert document["inserted"] == 2
    assert document["new_locations"] == ["Pinecrest Retreat"]
    assert document["new_therapists"] == ["Wren Sato"]
    sq1 = _booking(engine, "SQ-1")
    assert (sq1.duration_min, sq1.requested, sq1.status) == (45, True, "completed")
    with Session(engine) as s:
        location = s.scalars(select(Location)).one()
        assert location.tier == "suburban"  # until the owner sets it


def test_reimport_changes_nothing_then_an_edit_updates(engine):
    _seed_names(engine)
    _import(engine, MINDBODY)
    again = _import(engine, MINDBODY)
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 4)
    edited = MINDBODY.replace(b"$95.00", b"$99.00")
    third = _import(engine, edited)
    assert (third["inserted"], third["updated"], third["unchanged"]) == (0, 1, 3)
    assert _booking(engine, "MB-3").price_cents == 9900


def test_an_update_without_a_therapist_keeps_the_one_assigned_here(engine):
    _seed_names(engine)
    _import(engine, MINDBODY)
    with Session(engine) as s:
        jose = s.scalars(select(Therapist)).one()
        jose_id, harbor_id = jose.id, jose.home_location_id
        mb2 = s.scalars(select(Booking).where(Booking.external_ref == "MB-2")).one()
        mb2.therapist_id = jose_id  # a manager assigns the open booking
        s.add(Therapist(name="Wren Sato", name_key="wren sato", home_location_id=harbor_id))
        s.commit()
    edited = (MINDBODY.replace(b'"$1,180.00"', b"$180.00")
              .replace(b"MB-3,Harbor Day Spa,Jos\xc3\xa9 \xc3\x81lvarez", b"MB-3,Harbor Day Spa,"
                       b"Wren Sato").replace(b"Late Cancel", b"Checked Out"))
    document = _import(engine, edited)
    assert (document["inserted"], document["updated"], document["unchanged"]) == (0, 2, 2)
    mb2, mb3 = _booking(engine, "MB-2"), _booking(engine, "MB-3")
    assert (mb2.price_cents, mb2.therapist_id) == (18000, jose_id)  # kept, price changed
    assert (mb3.status, mb3.therapist_id != jose_id) == ("completed", True)  # replaced
    assert (mb2.ends_at, mb3.ends_at) == (datetime(2026, 11, 4, 11, 30),
                                          datetime(2026, 11, 5, 10, 0))
    with engine.connect() as conn:  # the daily rollup follows the set-wise update
        rolled = dict(conn.execute(text(
            "SELECT status, SUM(bookings) FROM booking_day GROUP BY status")).all())
    assert rolled == {"completed": 2, "booked": 1, "no_show": 1}


def test_duplicates_last_valid_occurrence_wins(engine):
    data = (
        b"id,location,therapist,service,client,start,duration,price,status\n"
        b"D-1,Spa,Ann,Swedish 60,c1,2026-11-01 09:00,60,100,completed\n"
        b"D-1,Spa,Ann,Swedish 60,c1,2026-11-01 09:00,60,110,completed\n"
        b"D-2,Spa,Ann,Swedish 60,c2,2026-11-01 11:00,60,100,completed\n"
        b"D-1,Spa,Ann,Swedish 60,c1,2026-13-01 09:00,60,120,completed\n"
    )
    document = _import(engine, data)
    assert (document["rows"], document["inserted"], document["duplicates"],
            document["rejected"]) == (4, 2, 1, 1)
    assert sum(document[k] for k in ("inserted", "updated", "unchanged", "duplicates",
                                     "rejected")) == document["rows"]
    assert _booking(engine, "D-1").price_cents == 11000


BAD_ROWS = (
    "id,location,therapist,service,client,start,duration,price,status\n"
    "OK-1,Spa,Ann,Swedish 60,c1,2026-11-01 09:00,60,100,completed\n"
    "B-1,Spa,Ann,Swedish 60,c1,02/30/2026 09:00,60,100,completed\n"
    "B-2,Spa,Ann,Swedish 60,c1,2026-11-01 09:00,0,100,completed\n"
    "B-3,Spa,Ann,Swedish 60,c1,2026-11-01 09:00,700,100,completed\n"
    "B-4,Spa,Ann,Swedish 60,c1,2026-11-01 09:00,60,-5,completed\n"
    "B-5,Spa,Ann,Swedish 60,c1,2026-11-01 09:00,60,,completed\n"
    "B-6,Spa,Ann,Swedish 60,c1,2026-11-01 09:00,60,100,maybe\n"
    "B-7,Spa,Ann,,c1,2026-11-01 09:00,60,100,completed\n"
    "B-8,Spa,Ann,Swedish 60,c1,2026-11-01 09:00,60,100\n"
    "B-9,Spa,Ann,Swedish 60,c1,2026-11-01 25:00,60,100,completed\n"
    "B-10,,Ann,Swedish 60,c1,2026-11-01 09:00,60,100,completed\n"
    "OK-2,Spa,,Swedish 60,c1,2026-11-02 09:00,60,,booked\n"
)


def test_bad_rows_are_rejected_with_reasons_and_the_rest_imports(engine):
    document = _import(engine, BAD_ROWS.encode())
    reasons = {r["booking_ref"]: (r["row"], r["reason"]) for r in document["rejections"]}
    assert document["inserted"] == 2 and document["rejected"] == 10
    assert reasons["B-1"] == (3, "the date '02/30/2026 09:00' does not exist")
    assert "between 1 and 600" in reasons["B-2"][1]
    assert "between 1 and 600" in reasons["B-3"][1]
    assert reasons["B-4"][1] == "the price is negative"
    assert reasons["B-5"][1] == "the price is missing on a completed booking"
    assert reasons["B-6"][1].startswith("unknown status 'maybe'")
    assert reasons["B-7"][1] == "the service is empty"
    assert reasons["B-8"][1] == "the row has 8 fields but the header has 9"
    assert reasons["B-9"][1].startswith("cannot read the time")
    assert reasons["B-10"][1] == "the location is empty"
    with Session(engine) as s:
        stored = s.scalars(select(ImportRejection).order_by(ImportRejection.row)).all()
        batch = s.scalars(select(ImportBatch)).one()
    assert [r.row for r in stored] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert stored[0].raw_line == "B-1,Spa,Ann,Swedish 60,c1,02/30/2026 09:00,60,100,completed"
    assert (batch.rows, batch.inserted, batch.rejected, batch.username) == (
        12, 2, 10, "tester")


def test_export_without_status_or_id_infers_and_still_deduplicates(engine):
    data = (
        b"location,therapist,service,client,date,time,duration\n"
        b"Spa,Ann,Swedish 60,c1,2026-11-19,09:00,60\n"
        b"Spa,Ann,Swedish 60,c2,2026-11-21,09:00,60\n"
    )
    preview = read_bookings_export(data, "cal.csv", now=datetime(2026, 11, 20, 12))
    assert preview.status_inferred and any("no status column" in n for n in preview.notes)
    assert preview.rows["status"].tolist() == ["completed", "booked"]
    # Completed without a price is refused: a calendar export carries no money.
    first = import_bookings(engine, preview)
    assert first["inserted"] == 1 and first["rejected"] == 1
    second = import_bookings(engine, read_bookings_export(data, "cal.csv",
                                                          now=datetime(2026, 11, 20, 12)))
    assert (second["inserted"], second["updated"], second["unchanged"]) == (0, 0, 1)


def test_default_location_for_exports_without_one(engine):
    data = b"id,service,start,duration,price,status\nL-1,Swedish 60,2026-11-01 10:00,60,90,paid\n"
    with pytest.raises(UsageError, match="no location column"):
        read_bookings_export(data)
    document = _import(engine, data, default_location="  Maple   Grove Spa ")
    assert document["new_locations"] == ["Maple Grove Spa"]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "not a CSV"),
        (b"name,email\nAnn,a@x.com\n", "no recognisable booking columns"),
        (b"id,service,start,location\n", "no data rows"),
    ],
)
def test_files_that_are_not_booking_exports_are_refused_whole(data, message):
    with pytest.raises(UsageError, match=message):
        read_bookings_export(data)


def test_hostile_text_is_stored_verbatim_and_defused_on_export(engine):
    data = (b'id,location,service,client,start,duration,price,status\n'
            b'X-1,Spa,"=HYPERLINK(""http://evil"")",<script>alert(1)</script>,'
            b'2026-11-01 09:00,60,100,completed\n'
            b"X-2,Spa,Swedish'; DROP TABLE booking;--,c,2026-11-01 11:00,60,100,completed\n"
            )
    document = _import(engine, data)
    assert document["inserted"] == 2
    with Session(engine) as s:
        names = sorted(s.scalars(select(Service.name)).all())
        clients = s.scalars(select(Client.external_ref)).all()
        assert s.scalar(select(func.count()).select_from(Booking)) == 2
    assert names == ['=HYPERLINK("http://evil")', "Swedish'; DROP TABLE booking;--"]
    assert "<script>alert(1)</script>" in clients
    import pandas as pd
    exported = safe_csv(pd.DataFrame({"service": names, "n": [1, 2]})).decode("utf-8-sig")
    assert "'=HYPERLINK" in exported and "\n=HYPERLINK" not in exported


def test_staff_cannot_import_into_another_location(engine):
    _seed_names(engine)
    with Session(engine) as s:
        harbor = s.scalars(select(Location)).one().id
    data = (
        b"id,location,service,start,duration,price,status\n"
        b"S-1,Harbor Day Spa,Swedish Massage 60,2026-11-01 09:00,60,100,completed\n"
        b"S-2,Elsewhere Spa,Swedish Massage 60,2026-11-01 09:00,60,100,completed\n"
    )
    document = _import(engine, data, allowed_location_ids=[harbor])
    assert document["inserted"] == 1
    assert document["rejections"] == [{"row": 3, "booking_ref": "S-2", "reason":
                                       "unknown location 'Elsewhere Spa': an owner must add "
                                       "it first"}]
    assert document["new_locations"] == []



def test_staff_cannot_take_over_another_locations_booking(engine):
    # A front desk's export without a location column (its rows get the desk's location)
    # carries booking ids another location's bookings already have.
    _seed_names(engine)
    with Session(engine) as s:
        harbor = s.scalars(select(Location)).one().id
        s.add(Location(name="Birch Clinic", name_key="birch clinic", tier="rural"))
        s.commit()
        birch = s.scalars(select(Location).where(Location.name == "Birch Clinic")).one().id
    stored = (b"id,location,service,start,duration,price,status\n"
              b"B1,Birch Clinic,Swedish Massage 60,2026-11-02 09:00,60,100,completed\n"
              b"H1,Harbor Day Spa,Swedish Massage 60,2026-11-02 11:00,60,100,completed\n")
    assert _import(engine, stored)["inserted"] == 2
    upload = (b"id,service,start,duration,price,status\n"
              b"B1,Swedish Massage 60,2026-11-03 10:00,60,90,completed\n"
              b"H1,Swedish Massage 60,2026-11-03 12:00,60,90,completed\n"
              b"C1,Swedish Massage 60,2026-11-03 14:00,60,90,completed\n")
    document = _import(engine, upload, default_location="Harbor Day Spa",
                       allowed_location_ids=[harbor])
    assert (document["inserted"], document["updated"], document["rejected"]) == (1, 1, 1)
    assert document["rejections"] == [{"row": 2, "booking_ref": "B1", "reason":
                                       "booking id 'B1' is a booking of Birch Clinic, which "
                                       "is not one of your locations"}]
    b1, h1 = _booking(engine, "B1"), _booking(engine, "H1")
    assert (b1.location_id, b1.price_cents, b1.starts_at) == (birch, 10000,
                                                               datetime(2026, 11, 2, 9, 0))
    assert (h1.location_id, h1.price_cents) == (harbor, 9000)  # their own: updated
    # The owner may move a booking between locations, as the booking software did; the
    # plan names the move, so the preview can say so before anyone confirms.
    with Session(engine) as s:
        plan = plan_bookings(s, read_bookings_export(upload, default_location="Harbor Day Spa"))
    assert plan.moves() == [("B1", "Birch Clinic", "Harbor Day Spa")]
    owner = _import(engine, upload, default_location="Harbor Day Spa")
    assert (owner["updated"], owner["unchanged"], owner["rejected"]) == (1, 2, 0)
    assert _booking(engine, "B1").location_id == harbor


def test_cli_import_dry_run_writes_nothing_and_prints_the_contract(engine, db_url, tmp_path,
                                                                   capsys):
    path = tmp_path / "export.csv"
    path.write_bytes(BAD_ROWS.encode())
    assert main(["import", "bookings", str(path), "--db", db_url, "--dry-run", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document) == CONTRACT_KEYS and document["inserted"] == 2
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Booking)) == 0
        assert s.scalar(select(func.count()).select_from(ImportBatch)) == 0
    assert main(["import", "bookings", str(path), "--db", db_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["batch_id"] is not None


def test_cli_refuses_a_non_csv_with_exit_2_and_writes_nothing(engine, db_url, tmp_path,
                                                              capsys):
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert main(["import", "bookings", str(path), "--db", db_url, "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("error: ")
    assert main(["import", "bookings", str(tmp_path / "missing.csv"), "--db", db_url]) == 2
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(ImportBatch)) == 0
