"""Who changed which shift, and the column choices remembered for an export's header."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel


class ShiftChange(SQLModel, table=True):
    """One change to the rota made in the week grid: added, changed or removed."""

    __tablename__ = "shift_change"

    id: int | None = Field(default=None, primary_key=True)
    changed_at: datetime
    username: str = Field(default="", max_length=80)
    location_id: int = Field(foreign_key="location.id", index=True, ondelete="CASCADE")
    therapist: str = Field(max_length=120, description="the therapist's name at the time")
    shift_date: date
    action: str = Field(max_length=16, description="added, changed or removed")
    before: str = Field(default="", max_length=40, description="e.g. 09:00-17:00")
    after: str = Field(default="", max_length=40)


class HeaderMapping(SQLModel, table=True):
    """The columns a person chose for an export whose header was not recognised."""

    __tablename__ = "header_mapping"

    signature: str = Field(primary_key=True, max_length=64,
                           description="SHA-256 of the file kind and its header keys")
    kind: str = Field(max_length=16, description="bookings, therapists or shifts")
    mapping: str = Field(description="JSON of field -> header")
    saved_by: str = Field(default="", max_length=80)
    saved_at: datetime
