"""Owner settings: add, rename and configure locations; the chain's targets and cadences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from functools import cache
from zoneinfo import available_timezones

from sqlmodel import Session, select

from models import TIERS, Location
from spaops.auth import NotAllowed, Viewer
from spaops.names import display_name, name_key
from spaops.revision import bump_data_revision
from spaops.settings import save_setting

NAME_MAX = 120
# The US zones a spa chain most likely needs, offered before every other IANA zone.
US_TIMEZONES: dict[str, str] = {
    "America/New_York": "Eastern",
    "America/Chicago": "Central",
    "America/Denver": "Mountain",
    "America/Phoenix": "Arizona",
    "America/Los_Angeles": "Pacific",
    "America/Anchorage": "Alaska",
    "Pacific/Honolulu": "Hawaii",
    "America/Puerto_Rico": "Puerto Rico",
}


class LocationRefused(ValueError):
    """A location form that failed validation: nothing was written; `problems` says why."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class LocationForm:
    """What a person typed for a location, before validation."""

    name: str
    tier: str = "suburban"
    timezone: str = "America/New_York"
    rooms: int = 4
    opens_at: time = time(9)
    closes_at: time = time(21)
    lmt_required: bool = True
    turnover_buffer_min: int = 15


@cache
def _known_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def timezone_choices() -> list[str]:
    """Every IANA timezone name, the US zones first, then the rest alphabetically."""
    rest = sorted(_known_timezones() - US_TIMEZONES.keys())
    return [tz for tz in US_TIMEZONES if tz in _known_timezones()] + rest


def timezone_label(timezone: str) -> str:
    """A timezone as a selectbox shows it: 'America/New_York (Eastern)'."""
    words = US_TIMEZONES.get(timezone)
    return f"{timezone} ({words})" if words else timezone



def _owner(viewer: Viewer) -> None:
    if not viewer.is_owner:
        raise NotAllowed("only an owner can change settings")


def location_problems(session: Session, form: LocationForm,
                      location_id: int | None = None) -> list[str]:
    """Everything wrong with a location form, in plain words ([] when it may be saved)."""
    problems = []
    name = display_name(form.name)
    if not name:
        problems.append("the location needs a name")
    elif len(name) > NAME_MAX:
        problems.append(f"the name is too long ({len(name)} characters; at most {NAME_MAX})")
    else:
        other = session.exec(select(Location).where(Location.name_key == name_key(name))).first()
        if other is not None and other.id != location_id:
            problems.append(f"another location is already called {other.name!r}")
    if form.tier not in TIERS:
        problems.append(f"the market tier must be one of {', '.join(TIERS)}")
    if form.timezone not in _known_timezones():
        problems.append(f"unknown timezone {form.timezone!r}: use an IANA name such as "
                        "America/New_York")
    if form.rooms < 0:
        problems.append("treatment rooms cannot be negative")
    if not form.opens_at < form.closes_at:
        problems.append(f"closing time {form.closes_at:%H:%M} must be after opening time "
                        f"{form.opens_at:%H:%M}")
    if not 0 <= form.turnover_buffer_min <= 60:
        problems.append("the turnover buffer must be 0 to 60 minutes")
    return problems


def _apply(location: Location, form: LocationForm) -> None:
    location.name = display_name(form.name)
    location.name_key = name_key(form.name)
    location.tier, location.timezone, location.rooms = form.tier, form.timezone, form.rooms
    location.opens_at, location.closes_at = form.opens_at, form.closes_at
    location.lmt_required = form.lmt_required
    location.turnover_buffer_min = form.turnover_buffer_min


def add_location(session: Session, form: LocationForm, *, viewer: Viewer) -> Location:
    """Validate and add a new location (the caller commits); LocationRefused on bad input."""
    _owner(viewer)
    problems = location_problems(session, form)
    if problems:
        raise LocationRefused(problems)
    location = Location(name="", name_key="")
    _apply(location, form)
    session.add(location)
    session.flush()
    bump_data_revision(session)
    return location


def save_location(session: Session, location_id: int, form: LocationForm, *,
                  viewer: Viewer) -> Location:
    """Validate and store an existing location's name and settings (the caller commits)."""
    _owner(viewer)
    location = session.get(Location, location_id)
    if location is None:
        raise LocationRefused(["that location no longer exists"])
    problems = location_problems(session, form, location_id)
    if problems:
        raise LocationRefused(problems)
    _apply(location, form)
    session.add(location)
    session.flush()
    bump_data_revision(session)
    return location


def update_location_settings(session: Session, location_id: int, *, tier: str, timezone: str,
                             rooms: int, opens_at: time, closes_at: time,
                             turnover_buffer_min: int, viewer: Viewer) -> None:
    """Store one location's settings, keeping its name and LMT policy (the caller commits)."""
    _owner(viewer)
    location = session.get(Location, location_id)
    if location is None:
        raise ValueError("no such location")
    save_location(session, location_id, LocationForm(
        name=location.name, tier=tier, timezone=timezone, rooms=rooms, opens_at=opens_at,
        closes_at=closes_at, lmt_required=location.lmt_required,
        turnover_buffer_min=turnover_buffer_min), viewer=viewer)


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
