"""Clients and the intake the matching engine reads."""

from sqlmodel import Field, SQLModel

CONTRAINDICATIONS = (
    "acute_inflammation",
    "fever",
    "blood_clots",
    "open_wounds",
    "recent_surgery",
)
PRESSURES = ("light", "medium", "firm", "deep")


class Client(SQLModel, table=True):
    """A client known by the reference their booking software exports."""

    id: int | None = Field(default=None, primary_key=True)
    external_ref: str = Field(max_length=200, unique=True)
    home_location_id: int | None = Field(default=None, foreign_key="location.id")
    pressure_preference: str | None = Field(default=None, max_length=16)
    focus_areas: str = Field(default="", max_length=300)
    contraindications: str = Field(default="", max_length=300)
    gender_preference: str | None = Field(default=None, max_length=16)
