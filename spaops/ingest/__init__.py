"""Getting data in: booking exports, rosters and shift files, validated and upserted."""

from spaops.ingest.bookings import BookingsPreview, read_bookings_export, read_bookings_file
from spaops.ingest.roster import import_shifts, import_therapists
from spaops.ingest.upsert import ImportPlan, import_bookings, plan_bookings

__all__ = [
    "BookingsPreview",
    "ImportPlan",
    "import_bookings",
    "import_shifts",
    "import_therapists",
    "plan_bookings",
    "read_bookings_export",
    "read_bookings_file",
]
