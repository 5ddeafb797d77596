"""Owner settings: each location's tier, hours and buffer; the chain's targets and cadences."""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from models import TIERS, Location
from spaops.auth import NotAllowed, Viewer
from spaops.revision import bump_data_revision
from spaops.settings import save_setting


def _owner(viewer: Viewer) -> None:
    if not viewer.is_owner:
        raise NotAllowed("only an owner can change settings")


def update_location_settings(session: Session, location_id: int, *, tier: str, timezone: str,
                             rooms: int, opens_at: time, closes_at: time,
                             turnover_buffer_min: int, viewer: Viewer) -> None:
    """Validate and store one location's settings (the caller commits)."""
    _owner(viewer)
    location = session.get(Location, location_id)
    if location is None:
        raise ValueError("no such location")
    if tier not in TIERS:
        raise ValueError(f"tier must be one of {', '.join(TIERS)}")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown timezone {timezone!r}: use an IANA name such as "
                         "America/New_York") from exc
    if rooms < 0:
        raise ValueError("rooms must be 0 or more")
    if not opens_at < closes_at:
        raise ValueError("the location must open before it closes")
    if not 0 <= turnover_buffer_min <= 60:
        raise ValueError("the turnover buffer must be 0 to 60 minutes")
    location.tier, location.timezone, location.rooms = tier, timezone, rooms
    location.opens_at, location.closes_at = opens_at, closes_at
    location.turnover_buffer_min = turnover_buffer_min
    session.add(location)
    bump_data_revision(session)


def update_chain_settings(session: Session, values: dict[str, float], *,
                          viewer: Viewer) -> None:
    """Validate and store the utilisation band, cadence windows and daily cap."""
    _owner(viewer)
    low, high = values["utilisation_target_low"], values["utilisation_target_high"]
    burnout = values["utilisation_burnout"]
    if not 0 < low < high <= 1:
        raise ValueError("the utilisation band needs 0 < low < high <= 100%")
    if not high <= burnout <= 1:
        raise ValueError("the burnout threshold must sit at or above the band's top")
    for key in ("cadence_therapeutic_days", "cadence_relaxation_days"):
        if not 1 <= values[key] <= 180:
            raise ValueError("cadence windows must be 1 to 180 days")
    if not 60 <= values["daily_cap_min"] <= 720:
        raise ValueError("the daily cap must be 60 to 720 minutes")
    for key, value in values.items():
        save_setting(session, key, value)
    bump_data_revision(session)
