"""The Import page in-process: each kind of file, preview, confirm, column choices, history."""

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from models import Booking, HeaderMapping, ImportBatch, Shift, Therapist
from spaops.db import make_engine
from tests.utils.apptest import metric_values, open_page, sign_in

PAGE = "pages/import_bookings.py"
EXPORT = (
    b"Appointment #,Location,Staff Member,Service Name,Client Name,Date & Time,Duration,"
    b"Price,Status,Email\n"
    b"UP-1,Harbor Day Spa,,Swedish Massage 60,New Client,11/03/2026 2:30 PM,60,$120.00,"
    b"Confirmed,x@example.com\n"
    b"UP-2,Harbor Day Spa,,Swedish Massage 60,New Client,02/30/2026 2:30 PM,60,$120.00,"
    b"Confirmed,\n"
    b"UP-3,Pinecrest Retreat,,Reflexology,Other,11/04/2026 9:00 AM,45,$80.00,Confirmed,\n"
)
ROSTER = (
    b"name,location,license_number,license_state,license_expires,credentials,gender\n"
    b"Iris Vale,Harbor Day Spa,MT-71,NY,2027-05-01,prenatal;deep_tissue:2027-01-01,female\n"
    b"Jon Reed,Harbor Day Spa,MT-72,NY,2027-06-01,,male\n"
    b"Kai Moss,Pinecrest Retreat,MT-73,NY,2027-07-01,,\n"
)
SHIFTS = (
    b"therapist,location,date,start,end\n"
    b"Iris Vale,Harbor Day Spa,2026-12-01,09:00,17:00\n"
    b"Iris Vale,Harbor Day Spa,2026-12-02,10:00,18:00\n"
    b"Iris Vale,Harbor Day Spa,2026-12-03,18:00,09:00\n"
)
# A layout whose service and start no synonym recognises: the person maps them once.
ODD = (b"Ref,Branch name,Svc done,Slot,Mins,Charge,Outcome\n"
       b"OD-1,Harbor Day Spa,Swedish Massage 60,11/05/2026 10:00 AM,60,$95.00,Completed\n")
ODD_AGAIN = (b"Ref,Branch name,Svc done,Slot,Mins,Charge,Outcome\n"
             b"OD-2,Harbor Day Spa,Swedish Massage 60,11/06/2026 11:00 AM,60,$95.00,"
             b"Completed\n")


pytestmark = pytest.mark.usefixtures("app_database")


def _count(url: str, model, *where) -> int:
    engine = make_engine(url)
    with Session(engine) as s:
        n = s.scalar(select(func.count()).select_from(model).where(*where))
    engine.dispose()
    return n


def _open(username: str, kind: str = "bookings"):
    at = open_page(sign_in(username), PAGE)
    assert not at.exception, at.exception
    if kind != "bookings":
        at.radio(key="import_kind").set_value(kind).run()
        assert not at.exception, at.exception
    return at


def _upload(at, kind: str, name: str, data: bytes):
    # The kind's uploader: a new key after each import of the kind (it starts empty).
    [uploader] = [u for u in at.get("file_uploader") if u.key.startswith(f"import_upload_{kind}")]
    uploader.upload(name, data, "text/csv")
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_page_offers_a_manager_three_kinds_of_file():
    at = _open("manager")
    assert at.title[0].value == "Import"
    assert "therapist roster or a shift file" in at.caption[0].value
    radio = at.radio(key="import_kind")
    assert radio.options == ["Bookings", "Therapist roster", "Shifts"]
    assert radio.value == "bookings"
    # Before any upload the page says what a file must hold, in the person's words.
    assert any("needs a **service** and a **start**" in c.value for c in at.caption)
    radio.set_value("shifts").run()
    assert any("**therapist**, **location**, **date**" in c.value for c in at.caption)


def test_staff_import_booking_exports_only():
    # The front desk brings in bookings; the roster and the rota are for those who can
    # open the Therapists and Rota pages.
    at = _open("staff")
    assert "import_kind" not in [radio.key for radio in at.radio], "no choice of kind"
    assert at.caption[0].value.startswith("Upload your booking software's export.")
    assert any("needs a **service** and a **start**" in c.value for c in at.caption)
    assert [u.key for u in at.get("file_uploader")] == ["import_upload_bookings"]


def test_staff_previews_then_imports_only_their_location(app_database):
    before = _count(app_database, Booking)
    at = _upload(_open("staff"), "bookings", "export.csv", EXPORT)
    shown = metric_values(at)
    # Staff belong to Harbor Day Spa: the Pinecrest row is refused, as is 02/30.
    assert (shown["New"], shown["Rejected"]) == ("1", "2")
    assert any("2 rows will be rejected" in w.value for w in at.warning)
    # Each rejected row says why beside it in the preview, the others say nothing.
    preview = next(d.value for d in at.dataframe if "Rejected because" in d.value.columns)
    why = dict(zip(preview["Line"], preview["Rejected because"], strict=True))
    assert pd.isna(why[2]) and "does not exist" in why[3]
    assert why[4] == "the location 'Pinecrest Retreat' is not one of yours"
    assert _count(app_database, Booking) == before  # the preview writes nothing
    assert at.button(key="import_confirm").label == "Import 1 booking"
    at.button(key="import_confirm").click().run()
    assert not at.exception, at.exception
    assert any("Imported export.csv: 1 new" in s.value for s in at.success)
    # The file is in: the uploader is empty again and the preview has gone.
    assert not at.get("file_uploader")[0].value
    assert "import_confirm" not in [b.key for b in at.button]
    assert _count(app_database, Booking) == before + 1
    assert _count(app_database, ImportBatch) == 1


def test_a_file_imported_already_says_so_and_a_wholly_rejected_one_too():
    at = _upload(_open("owner"), "bookings", "export.csv", EXPORT)
    at.button(key="import_confirm").click().run()
    assert not at.info
    at = _upload(at, "bookings", "export.csv", EXPORT)
    assert metric_values(at)["Unchanged"] == "2"
    assert at.button(key="import_confirm").disabled
    assert [i.value for i in at.info] == [
        "Every booking in this file is imported already, as it is: importing it again "
        "would change nothing."]
    at = _upload(at, "bookings", "bad.csv", EXPORT.replace(b"Confirmed", b"Maybe"))
    assert [w.value for w in at.warning] == [
        "Every row would be rejected (3 rows): nothing in this file can be imported until "
        "the reasons below are put right."]


def test_a_booking_that_would_move_location_is_named_before_the_import():
    at = _upload(_open("owner"), "bookings", "export.csv", EXPORT)
    at.button(key="import_confirm").click().run()
    moved = EXPORT.replace(b"UP-1,Harbor Day Spa", b"UP-1,Pinecrest Retreat")
    at = _upload(at, "bookings", "moved.csv", moved)
    assert metric_values(at)["Updated"] == "1"
    assert [w.value for w in at.warning] == [
        "1 booking stored at one location would move to another: UP-1 from Harbor Day Spa "
        "to Pinecrest Retreat. If this file comes from another booking system than the one "
        "that made them, their ids only look alike: do not import it.",
        "1 row will be rejected; the rest still import."]


def test_an_export_without_locations_asks_for_one_in_the_persons_words():
    no_location = (b"Appointment ID,Service,Start Time,Price\n"
                   b"NL-1,Swedish Massage 60,2026-11-03 10:00,$90.00\n")
    at = _upload(_open("owner"), "bookings", "no_location.csv", no_location)
    assert not at.error
    assert [w.value for w in at.warning] == [
        "This export has no location column: choose its location under **Location for "
        "rows without one** above."]
    assert at.subheader[-1].value == "Import history"  # the page goes on below it
    at.selectbox(key="import_location").set_value("Harbor Day Spa").run()
    assert not at.exception and not at.warning
    assert metric_values(at)["New"] == "1"


def test_booking_preview_speaks_dollars_and_plain_words():
    at = _upload(_open("owner"), "bookings", "export.csv", EXPORT)
    table = at.dataframe[0].value
    assert "Booking ID" in table.columns and "booking_ref" not in table.columns
    assert table["Price"].tolist()[0] == 120.0


def test_a_file_that_is_not_csv_gets_a_clear_error(app_database):
    at = _upload(_open("owner"), "bookings", "photo.csv", b"\x89PNG\x00\x00" * 50)
    assert at.error and "cannot be imported" in at.error[0].value
    assert _count(app_database, ImportBatch) == 0


def test_owner_imports_a_roster_after_a_preview_that_writes_nothing(app_database):
    before = _count(app_database, Therapist)
    at = _upload(_open("owner", "therapists"), "therapists", "roster.csv", ROSTER)
    shown = metric_values(at)
    assert (shown["New"], shown["Rejected"]) == ("3", "0")
    assert _count(app_database, Therapist) == before
    assert at.button(key="import_confirm").label == "Import 3 therapists"
    at.button(key="import_confirm").click().run()
    assert not at.exception, at.exception
    assert any("Imported roster.csv: 3 new" in s.value for s in at.success)
    assert _count(app_database, Therapist) == before + 3
    assert _count(app_database, ImportBatch, ImportBatch.kind == "therapists") == 1
    history = at.dataframe[-1].value
    assert history["Kind"].tolist()[0] == "Therapist roster"


def test_owner_imports_shifts(app_database):
    at = _upload(_open("owner", "therapists"), "therapists", "roster.csv", ROSTER)
    at.button(key="import_confirm").click().run()
    before = _count(app_database, Shift)
    at.radio(key="import_kind").set_value("shifts").run()
    at = _upload(at, "shifts", "shifts.csv", SHIFTS)
    shown = metric_values(at)
    assert (shown["New"], shown["Rejected"]) == ("2", "1")
    assert any("ends before it starts" in t.value for t in at.text)
    assert _count(app_database, Shift) == before
    assert at.button(key="import_confirm").label == "Import 2 shifts"
    at.button(key="import_confirm").click().run()
    assert not at.exception, at.exception
    assert any("Imported shifts.csv: 2 new" in s.value for s in at.success)
    assert _count(app_database, Shift) == before + 2
    assert "Shifts" in at.dataframe[-1].value["Kind"].tolist()


def test_a_manager_cannot_import_a_roster_row_for_another_location(app_database):
    before = _count(app_database, Therapist)
    at = _upload(_open("manager", "therapists"), "therapists", "roster.csv", ROSTER)
    shown = metric_values(at)
    assert (shown["New"], shown["Rejected"]) == ("2", "1")
    assert any("'Pinecrest Retreat' is not one of yours" in t.value for t in at.text)
    at.button(key="import_confirm").click().run()
    assert not at.exception, at.exception
    assert _count(app_database, Therapist) == before + 2
    assert _count(app_database, Therapist, Therapist.name == "Kai Moss") == 0


def test_unrecognised_columns_are_mapped_once_and_remembered(app_database):
    before = _count(app_database, Booking)
    at = _upload(_open("owner"), "bookings", "odd.csv", ODD)
    assert "cannot be imported" in at.error[0].value
    for field, column in (("booking_ref", "Ref"), ("location", "Branch name"),
                          ("service", "Svc done"), ("start", "Slot"),
                          ("duration", "Mins"), ("price", "Charge"), ("status", "Outcome")):
        at.selectbox(key=f"map_bookings_{field}").set_value(column)
    at.button(key="map_bookings_apply").click().run()
    assert not at.exception, at.exception
    assert not at.error
    assert metric_values(at)["New"] == "1"
    at.button(key="import_confirm").click().run()
    assert not at.exception, at.exception
    assert _count(app_database, Booking) == before + 1
    assert _count(app_database, HeaderMapping) == 1

    at = _upload(at, "bookings", "odd-again.csv", ODD_AGAIN)
    assert not at.error
    assert any("Using the columns you chose for this layout on" in i.value for i in at.info)
    assert metric_values(at)["New"] == "1"
    at.button(key="import_confirm").click().run()
    assert not at.exception, at.exception
    assert _count(app_database, Booking) == before + 2


def test_a_file_without_rows_is_refused_without_a_column_step():
    at = _upload(_open("owner", "shifts"), "shifts", "empty.csv", SHIFTS.split(b"\n")[0])
    assert "no data rows" in at.error[0].value
    assert not [b for b in at.button if b.key == "map_shifts_apply"]
