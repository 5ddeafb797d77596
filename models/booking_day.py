"""A daily rollup of bookings, so owner reports never scan every booking."""

from datetime import date

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class BookingDay(SQLModel, table=True):
    """Bookings of one location and day alike in service, status, therapist, length and price.

    Derived from `booking` and rebuilt for the days a write touches (spaops.rollup), so
    figures stay exact while tiers, bands and service categories are still joined live.
    No foreign keys: a row exists only while bookings of its location and service do, and
    theirs hold; checked again row by row, they cost most of each refresh.
    """

    __tablename__ = "booking_day"
    __table_args__ = (Index("ix_booking_day_day_location", "day", "location_id"),)

    id: int | None = Field(default=None, primary_key=True)
    location_id: int
    day: date
    service_id: int
    status: str = Field(max_length=16)
    with_therapist: bool
    duration_min: int
    price_cents: int | None = None
    bookings: int
