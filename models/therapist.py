"""Therapists, their specialty credentials and their shifts."""

from datetime import date, time

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

CREDENTIAL_KINDS = (
    "deep_tissue",
    "trigger_point",
    "myofascial_release",
    "neuromuscular",
    "medical",
    "sports",
    "prenatal",
    "hot_stone",
    "aromatherapy",
    "reflexology",
    "lymphatic_drainage",
)


class Therapist(SQLModel, table=True):
    """A massage therapist with an LMT license and a home location."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    name_key: str = Field(max_length=120, unique=True)
    home_location_id: int | None = Field(default=None, foreign_key="location.id", index=True)
    license_number: str | None = Field(default=None, max_length=40)
    license_state: str | None = Field(default=None, max_length=8)
    license_expires: date | None = None
    gender: str | None = Field(default=None, max_length=16)
    active: bool = Field(default=True)


class Credential(SQLModel, table=True):
    """A specialty credential of a therapist, valid through its optional expiry."""

    __table_args__ = (UniqueConstraint("therapist_id", "kind", name="uq_credential_kind"),)

    id: int | None = Field(default=None, primary_key=True)
    therapist_id: int = Field(foreign_key="therapist.id", ondelete="CASCADE")
    kind: str = Field(max_length=40)
    expires: date | None = None


class Shift(SQLModel, table=True):
    """A scheduled shift of a therapist at a location on one local date."""

    __table_args__ = (
        UniqueConstraint("therapist_id", "shift_date", "start_time", name="uq_shift_start"),
        CheckConstraint("end_time > start_time", name="ck_shift_order"),
        Index("ix_shift_location_date", "location_id", "shift_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    therapist_id: int = Field(foreign_key="therapist.id", ondelete="CASCADE")
    location_id: int = Field(foreign_key="location.id")
    shift_date: date
    start_time: time
    end_time: time
