"""The Import page in-process: upload, preview with rejections, confirm, history."""

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from models import Booking, ImportBatch
from spaops.db import make_engine
from tests.utils.apptest import metric_values, open_page, sign_in

EXPORT = (
    b"Appointment #,Location,Staff Member,Service Name,Client Name,Date & Time,Duration,"
    b"Price,Status,Email\n"
    b"UP-1,Harbor Day Spa,,Swedish Massage 60,New Client,11/03/2026 2:30 PM,60,$120.00,"
    b"Confirmed,x@example.com\n"
    b"UP-2,Harbor Day Spa,,Swedish Massage 60,New Client,02/30/2026 2:30 PM,60,$120.00,"
    b"Confirmed,\n"
    b"UP-3,Pinecrest Retreat,,Reflexology,Other,11/04/2026 9:00 AM,45,$80.00,Confirmed,\n"
)


pytestmark = pytest.mark.usefixtures("app_database")


def _count(url: str, model) -> int:
    engine = make_engine(url)
    with Session(engine) as s:
        n = s.scalar(select(func.count()).select_from(model))
    engine.dispose()
    return n


def test_staff_previews_then_imports_only_their_location(app_database):
    before = _count(app_database, Booking)
    at = sign_in("staff")
    assert not at.exception
    open_page(at, "pages/import_bookings.py")
    at.file_uploader(key="import_upload").upload("export.csv", EXPORT, "text/csv")
    at.run()
    assert not at.exception, at.exception
    shown = metric_values(at)
    # Staff belong to Harbor Day Spa: the Pinecrest row is refused, as is 02/30.
    assert (shown["New"], shown["Rejected"]) == ("1", "2")
    assert any("2 rows will be rejected" in w.value for w in at.warning)
    assert _count(app_database, Booking) == before  # the preview writes nothing
    at.button(key="import_confirm").click().run()
    assert not at.exception, at.exception
    assert any("Imported batch" in s.value for s in at.success)
    assert _count(app_database, Booking) == before + 1
    assert _count(app_database, ImportBatch) == 1


def test_a_file_that_is_not_csv_gets_a_clear_error(app_database):
    at = sign_in("owner")
    open_page(at, "pages/import_bookings.py")
    at.file_uploader(key="import_upload").upload("photo.csv", b"\x89PNG\x00\x00" * 50,
                                                 "text/csv")
    at.run()
    assert not at.exception
    assert at.error and "cannot be imported" in at.error[0].value
    assert _count(app_database, ImportBatch) == 0
