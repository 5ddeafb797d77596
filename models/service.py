"""The service menu: massages of both families, add-ons and other treatments."""

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

CATEGORIES = ("therapeutic", "relaxation", "other")


class Service(SQLModel, table=True):
    """A bookable service with its category and the credentials it needs."""

    __table_args__ = (
        CheckConstraint(
            "category IN ('therapeutic', 'relaxation', 'other')", name="ck_service_category"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    name_key: str = Field(max_length=120, unique=True)
    category: str = Field(default="other", max_length=16)
    modality: str | None = Field(default=None, max_length=40)
    default_duration_min: int | None = None
    default_price_cents: int | None = None
    # ';' separates requirements that all apply, '|' separates alternatives within one.
    required_credentials: str = Field(default="", max_length=200)
    preferred_credentials: str = Field(default="", max_length=200)
    deep_pressure: bool = Field(default=False)
    needs_review: bool = Field(default=False)
