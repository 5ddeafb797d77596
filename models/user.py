"""People who sign in, their role and the locations they belong to."""

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from spaops.choices import ROLES as ROLES  # re-exported; the CLI reads it without SQLModel


class User(SQLModel, table=True):
    """A person who signs in; the password is kept only as an argon2 hash."""

    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint("role IN ('owner', 'manager', 'staff')", name="ck_user_role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, unique=True)
    password_hash: str = Field(max_length=200)
    role: str = Field(max_length=16)
    active: bool = Field(default=True)
    failed_attempts: int = Field(default=0)
    locked_until: datetime | None = None
    created_at: datetime


class UserLocation(SQLModel, table=True):
    """A location a manager or staff member belongs to."""

    __tablename__ = "user_location"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True, ondelete="CASCADE")
    location_id: int = Field(foreign_key="location.id", primary_key=True, ondelete="CASCADE")
