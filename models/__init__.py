"""SQLModel tables of Spa Ops; importing this package registers every table."""

from sqlmodel import SQLModel

# Stable constraint names, so Alembic migrations behave the same on SQLite and PostgreSQL.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

from models.booking import STATUSES, AssignmentAudit, Booking
from models.booking_day import BookingDay
from models.client import CONTRAINDICATIONS, PRESSURES, Client
from models.imports import ImportBatch, ImportRejection
from models.location import TIERS, Location, MarketBand
from models.rota import HeaderMapping, ShiftChange
from models.service import CATEGORIES, Service
from models.settings import Setting
from models.sign_in import SignInSession
from models.therapist import CREDENTIAL_KINDS, Credential, Shift, Therapist
from models.user import ROLES, User, UserLocation

__all__ = [
    "CATEGORIES",
    "CONTRAINDICATIONS",
    "CREDENTIAL_KINDS",
    "PRESSURES",
    "ROLES",
    "STATUSES",
    "TIERS",
    "AssignmentAudit",
    "Booking",
    "BookingDay",
    "Client",
    "Credential",
    "HeaderMapping",
    "ImportBatch",
    "ImportRejection",
    "Location",
    "MarketBand",
    "Service",
    "Setting",
    "Shift",
    "SignInSession",
    "ShiftChange",
    "Therapist",
    "User",
    "UserLocation",
]
