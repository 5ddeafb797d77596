"""Getting data in: booking exports, rosters and shift files, validated and upserted."""

from spaops.ingest.bookings import BookingsPreview, read_bookings_export, read_bookings_file
from spaops.ingest.remembered import (
    RememberedMapping,
    remembered_for_file,
    remembered_layout,
    remembered_mapping,
    save_mapping,
)
from spaops.ingest.roster import (
    RosterPlan,
    RosterPreview,
    import_roster,
    import_shifts,
    import_therapists,
    plan_roster,
    read_roster_export,
)
from spaops.ingest.upsert import ImportPlan, import_bookings, plan_bookings

__all__ = [
    "BookingsPreview",
    "ImportPlan",
    "RememberedMapping",
    "RosterPlan",
    "RosterPreview",
    "import_bookings",
    "import_roster",
    "import_shifts",
    "import_therapists",
    "plan_bookings",
    "plan_roster",
    "read_bookings_export",
    "read_bookings_file",
    "read_roster_export",
    "remembered_for_file",
    "remembered_layout",
    "remembered_mapping",
    "save_mapping",
]
