"""From the demo to the owner's own chain: remove the demo data, and the setup steps left.

`remove_demo_data` deletes every row the demo seed made (and what hangs off its
locations) in the caller's transaction, children before parents so foreign keys hold on
SQLite and PostgreSQL alike. `setup_progress` tells which first-week steps are done.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from models import (
    AssignmentAudit,
    Booking,
    BookingDay,
    Client,
    Credential,
    ImportBatch,
    ImportRejection,
    Location,
    Service,
    Setting,
    Shift,
    ShiftChange,
    Therapist,
    User,
    UserLocation,
)
from seed.demo import DEMO_FLAG
from seed.reference import DEMO_LOCATIONS, DEMO_MENU
from spaops.auth import NotAllowed, Viewer, is_demo_database
from spaops.names import name_key
from spaops.revision import bump_data_revision

DEMO_USERS = ("owner", "manager", "staff")  # the sign-ins seed.demo.seed_demo creates
DEMO_CONFIRMATION = "REMOVE DEMO"
# Keys of DemoRemoval.removed, in the order a person reads them.
REMOVED_LABELS: dict[str, str] = {
    "locations": "demo locations",
    "bookings": "bookings",
    "booking_days": "daily rollup rows",
    "assignment_audits": "assignment records",
    "clients": "clients",
    "therapists": "therapists",
    "credentials": "therapist credentials",
    "shifts": "shifts",
    "shift_changes": "rota changes",
    "import_batches": "imports",
    "import_rejections": "rejected import rows",
    "user_locations": "user-location links",
    "users": "demo users",
    "services": "demo services",
    "settings": "demo flag",
}


@dataclass(frozen=True)
class DemoRemoval:
    """What removing the demo deleted, per kind of row, and what it kept."""

    removed: dict[str, int]
    kept_locations: tuple[str, ...]
    kept_therapists: int  # demo therapists still used by the owner's own rows (homeless now)
    kept_clients: int  # demo clients still used by the owner's own bookings (homeless now)

    def summary(self) -> str:
        """The counts in words, e.g. '4 demo locations, 300 bookings, ...'."""
        return ", ".join(f"{count:,} {REMOVED_LABELS[key]}"
                         for key, count in self.removed.items() if count)


def confirmation_matches(text: str) -> bool:
    """Tell whether a typed confirmation says REMOVE DEMO (case and spacing aside)."""
    return " ".join(text.split()).upper() == DEMO_CONFIRMATION


def _ids(session: Session, statement: object) -> list[int]:
    return [row for row in session.scalars(statement) if row is not None]  # type: ignore[arg-type]


def _count(session: Session, statement: object) -> int:
    return int(session.execute(statement).rowcount or 0)  # type: ignore[call-overload]


def _unused(column: ColumnElement, *referencing: ColumnElement) -> ColumnElement:
    """`column` not referenced by any non-null value of the referencing columns."""
    return ~or_(*(column.in_(select(ref).where(ref.is_not(None))) for ref in referencing))


def remove_demo_data(session: Session, confirmation: str, *, viewer: Viewer) -> DemoRemoval:
    """Delete the demo chain, its users but the signed-in owner, and the demo flag.

    Keeps the schema, market bands, other settings, the signed-in owner and every
    location the owner added with its data. The caller commits; on any error nothing
    is deleted. Raises NotAllowed for a non-owner, ValueError for a wrong confirmation
    or a database that is not the demo.
    """
    if not viewer.is_owner:
        raise NotAllowed("only an owner can remove the demo data")
    if not confirmation_matches(confirmation):
        raise ValueError(f"type {DEMO_CONFIRMATION} to confirm; nothing was removed")
    if not is_demo_database(session):
        raise ValueError("this database is not the demo (or its demo data is already gone)")

    b, bd, a = Booking.__table__.c, BookingDay.__table__.c, AssignmentAudit.__table__.c
    t, c = Therapist.__table__.c, Client.__table__.c
    demo_keys = [name_key(row[0]) for row in DEMO_LOCATIONS]
    locations = _ids(session, select(Location.id).where(Location.name_key.in_(demo_keys)))
    at_demo = b.location_id.in_(locations)
    removed: dict[str, int] = {}

    # Imports that wrote only demo rows: tied to a demo location, or (no location) whose
    # bookings all sit at demo locations; never one a surviving booking points at.
    survivors_batches = select(b.import_batch_id).where(~at_demo,
                                                        b.import_batch_id.is_not(None))
    demo_batches = select(b.import_batch_id).where(at_demo, b.import_batch_id.is_not(None))
    batches = _ids(session, select(ImportBatch.id).where(
        or_(ImportBatch.location_id.in_(locations),
            ImportBatch.location_id.is_(None) & ImportBatch.id.in_(demo_batches)),
        ImportBatch.id.not_in(survivors_batches)))

    removed["assignment_audits"] = _count(session, delete(AssignmentAudit).where(
        a.booking_id.in_(select(b.id).where(at_demo))))
    removed["booking_days"] = _count(session, delete(BookingDay).where(
        bd.location_id.in_(locations)))
    removed["bookings"] = _count(session, delete(Booking).where(at_demo))
    removed["import_rejections"] = _count(session, delete(ImportRejection).where(
        ImportRejection.batch_id.in_(batches)))
    removed["import_batches"] = _count(session, delete(ImportBatch).where(
        ImportBatch.id.in_(batches)))
    removed["shift_changes"] = _count(session, delete(ShiftChange).where(
        ShiftChange.location_id.in_(locations)))
    removed["shifts"] = _count(session, delete(Shift).where(Shift.location_id.in_(locations)))

    # Demo therapists the owner's own rows still use stay, without a home location.
    homed = t.home_location_id.in_(locations)
    unused = _unused(t.id, b.therapist_id, Shift.__table__.c.therapist_id, a.therapist_id,
                     a.previous_therapist_id)
    therapists = _ids(session, select(t.id).where(homed, unused))
    removed["credentials"] = _count(session, delete(Credential).where(
        Credential.therapist_id.in_(therapists)))
    removed["therapists"] = _count(session, delete(Therapist).where(t.id.in_(therapists)))
    kept_therapists = _count(session, update(Therapist).where(homed).values(
        home_location_id=None))

    removed["clients"] = _count(session, delete(Client).where(
        c.home_location_id.in_(locations), _unused(c.id, b.client_id)))
    kept_clients = _count(session, update(Client).where(
        c.home_location_id.in_(locations)).values(home_location_id=None))

    demo_users = _ids(session, select(User.id).where(
        User.username.in_(DEMO_USERS), User.id != viewer.user_id))
    removed["user_locations"] = _count(session, delete(UserLocation).where(
        or_(UserLocation.location_id.in_(locations), UserLocation.user_id.in_(demo_users))))
    removed["users"] = _count(session, delete(User).where(User.id.in_(demo_users)))
    removed["locations"] = _count(session, delete(Location).where(Location.id.in_(locations)))

    menu_keys = [name_key(row[0]) for row in DEMO_MENU]
    removed["services"] = _count(session, delete(Service).where(
        Service.name_key.in_(menu_keys), _unused(Service.id, b.service_id, bd.service_id)))
    removed["settings"] = _count(session, delete(Setting).where(Setting.key == DEMO_FLAG))
    bump_data_revision(session)
    session.flush()
    kept = tuple(session.scalars(select(Location.name).order_by(Location.name)))
    order = list(REMOVED_LABELS)
    return DemoRemoval(dict(sorted(removed.items(), key=lambda kv: order.index(kv[0]))),
                       kept, kept_therapists, kept_clients)


# --- the first-week guide ----------------------------------------------------------------

STEPS = ("locations", "roster", "shifts", "bookings")


@dataclass(frozen=True)
class SetupStep:
    """One step of setting up a chain and how many rows show it done."""

    key: str
    count: int

    @property
    def done(self) -> bool:
        """A step is done once anything of its kind exists."""
        return self.count > 0


@dataclass(frozen=True)
class SetupProgress:
    """The four first-week steps: locations, roster, shifts, bookings."""

    steps: tuple[SetupStep, ...]

    def step(self, key: str) -> SetupStep:
        """The step of a key in STEPS."""
        return next(s for s in self.steps if s.key == key)

    @property
    def needs_guide(self) -> bool:
        """An empty chain (no locations or no bookings) gets the guide instead of charts."""
        return not (self.step("locations").done and self.step("bookings").done)

    @property
    def next_step(self) -> str | None:
        """The first step not done yet, or None when all are."""
        return next((s.key for s in self.steps if not s.done), None)


def setup_progress(session: Session, *,
                   location_ids: Collection[int] | None = None) -> SetupProgress:
    """Count locations, therapists, shifts and bookings in scope (None = every location)."""
    def scoped(column: ColumnElement) -> ColumnElement:
        return column.is_not(None) if location_ids is None else column.in_(list(location_ids))

    counts = {
        "locations": select(func.count()).select_from(Location).where(scoped(Location.id)),
        "roster": select(func.count()).select_from(Therapist).where(
            Therapist.active.is_(True),
            Therapist.id.is_not(None) if location_ids is None
            else scoped(Therapist.home_location_id)),
        "shifts": select(func.count()).select_from(Shift).where(scoped(Shift.location_id)),
        # From the daily rollup (kept equal to the bookings): no scan of a large table.
        "bookings": select(func.coalesce(func.sum(BookingDay.bookings), 0)).where(
            scoped(BookingDay.location_id)),
    }
    return SetupProgress(tuple(SetupStep(key, int(session.scalar(counts[key]) or 0))
                               for key in STEPS))
