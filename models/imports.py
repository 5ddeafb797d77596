"""Import batches and the rows they rejected, so nothing a user uploaded is lost."""

from datetime import datetime

from sqlmodel import Field, SQLModel


class ImportBatch(SQLModel, table=True):
    """One uploaded file and what importing it did."""

    __tablename__ = "import_batch"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default="bookings", max_length=16)
    file_name: str = Field(max_length=255)
    sha256: str = Field(max_length=64, index=True)
    username: str = Field(default="", max_length=80)
    imported_at: datetime
    location_id: int | None = Field(default=None, foreign_key="location.id")
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: int = 0
    new_names: str = Field(default="{}", description="JSON of new locations/therapists/services")


class ImportRejection(SQLModel, table=True):
    """A row an import refused, with its raw text and the reason."""

    __tablename__ = "import_rejection"

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="import_batch.id", index=True, ondelete="CASCADE")
    row: int
    booking_ref: str = Field(default="", max_length=200)
    reason: str = Field(max_length=500)
    raw_line: str = ""
