"""Locations of the chain and the market price bands their tier is compared against."""

from datetime import time

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from spaops.choices import TIERS as TIERS  # re-exported; the CLI reads it without SQLModel


class Location(SQLModel, table=True):
    """A spa or clinic of the chain, with the settings its dashboards use."""

    __table_args__ = (
        CheckConstraint("tier IN ('urban', 'suburban', 'rural')", name="ck_location_tier"),
        CheckConstraint("rooms >= 0", name="ck_location_rooms"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    name_key: str = Field(max_length=120, unique=True, description="normalised name for matching")
    tier: str = Field(default="suburban", max_length=16)
    timezone: str = Field(default="America/New_York", max_length=64)
    rooms: int = Field(default=4)
    opens_at: time = Field(default=time(9, 0))
    closes_at: time = Field(default=time(21, 0))
    turnover_buffer_min: int = Field(default=15)
    lmt_required: bool = Field(default=True, description="false where the state licenses no LMT")


class MarketBand(SQLModel, table=True):
    """Market price band per 60 minutes for one tier and one massage family."""

    __tablename__ = "market_band"
    __table_args__ = (
        UniqueConstraint("tier", "category", name="uq_market_band_tier_category"),
        CheckConstraint("low <= high", name="ck_market_band_order"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tier: str = Field(max_length=16)
    category: str = Field(max_length=16)
    low: float
    high: float
    source: str = Field(default="", max_length=300)
