"""Sign-in: argon2 password hashes, lockout, users, roles and the locations each may see."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from sqlmodel import Session, delete, select

from models import ROLES, Location, Setting, User, UserLocation
from spaops import clock
from spaops.names import name_key
from spaops.sessions import (  # noqa: F401  (idle expiry lives with the sessions now)
    IDLE_TIMEOUT,
    revoke_user_sessions,
    session_idle_expired,
)

if TYPE_CHECKING:
    from argon2 import PasswordHasher

log = logging.getLogger(__name__)

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
# Role -> page keys it may open; st.navigation shows nothing else.
PAGES_BY_ROLE: dict[str, tuple[str, ...]] = {
    "owner": ("overview", "actions", "utilisation", "service_mix", "pricing", "therapists",
              "assign", "shifts", "import", "settings"),
    "manager": ("overview", "actions", "utilisation", "service_mix", "pricing", "therapists",
                "assign", "shifts", "import"),
    "staff": ("import",),
}
# Role -> kinds of file it may import: the front desk brings in booking exports; the roster
# and the rota belong to those who can open the Therapists and Rota pages.
IMPORT_KINDS_BY_ROLE: dict[str, tuple[str, ...]] = {
    "owner": ("bookings", "therapists", "shifts"),
    "manager": ("bookings", "therapists", "shifts"),
    "staff": ("bookings",),
}


class SignInFailed(Exception):
    """Sign-in refused; deliberately says nothing about why."""


class NotAllowed(Exception):
    """The signed-in person's role does not allow this."""


@dataclass(frozen=True)
class Viewer:
    """Who is signed in: their role and the locations they may see (None = every one)."""

    user_id: int
    username: str
    role: str
    location_ids: frozenset[int] | None

    @property
    def is_owner(self) -> bool:
        """Owners see and edit everything."""
        return self.role == "owner"

    def may_see(self, location_id: int) -> bool:
        """Tell whether a location is within this person's scope."""
        return self.location_ids is None or location_id in self.location_ids


# A password check keeps argon2's four lanes busy: twenty at once share the cores and all
# finish late; as many at once as there are cores, they finish roughly in the order they
# came (20 sign-ins at once on 2 cores: median 0.9 s against 2.7 s, the last 1.6 s vs 2.9 s).
_CHECKING = threading.BoundedSemaphore(os.cpu_count() or 1)


@cache
def _hasher() -> PasswordHasher:
    """argon2's hasher, loaded by the first sign-in or password change only."""
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    """Return the argon2id hash of a password."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Tell whether a password matches its stored hash, never raising on a bad hash."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        with _CHECKING:
            return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    """A hash verified against when the username is unknown, so both paths cost the same."""
    return hash_password("not a password anyone has")


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def viewer_for(session: Session, user: User) -> Viewer:
    """The Viewer of a user: owners see every location, others their own."""
    if user.role == "owner":
        locations = None
    else:
        locations = frozenset(session.exec(
            select(UserLocation.location_id).where(UserLocation.user_id == user.id)).all())
    return Viewer(user_id=user.id, username=user.username, role=user.role,
                  location_ids=locations)


def viewer_now(session: Session, user_id: int) -> Viewer | None:
    """The viewer as the database has them now: None once disabled or removed."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    return viewer_for(session, user)


def authenticate(
    session: Session, username: str, password: str, *, now: datetime | None = None
) -> Viewer:
    """Check a username and password; five failures lock the account for 15 minutes.

    Nothing is held while argon2 checks the password (0.15 s alone, half a second and more
    when many sign in at once): the account is read in one short transaction and the outcome
    written in another, against the account as it is by then. A password reset, a disabling
    or a lockout by other attempts that landed meanwhile refuses the sign-in.
    """
    now = now or clock.now()
    user = session.exec(select(User).where(User.username == username)).first()
    seen = None if user is None else (user.id, user.password_hash, user.active,
                                      _aware(user.locked_until))
    session.commit()  # end the read: on SQLite a write session holds the write lock
    if seen is None:
        verify_password(_dummy_hash(), password)  # same work whether or not the user exists
        log.info("sign-in refused")
        raise SignInFailed
    user_id, password_hash, active, locked = seen
    if not active or (locked is not None and locked > now):
        log.info("sign-in refused: inactive or locked account")
        raise SignInFailed
    right = verify_password(password_hash, password)
    rehashed = (hash_password(password)
                if right and _hasher().check_needs_rehash(password_hash) else None)
    user = session.get(User, user_id, with_for_update=True, populate_existing=True)
    locked = None if user is None else _aware(user.locked_until)
    if user is None or not user.active or (locked is not None and locked > now):
        session.commit()
        raise SignInFailed
    if not right:
        user.failed_attempts += 1
        if user.failed_attempts >= MAX_FAILED_ATTEMPTS:
            user.locked_until = now + LOCKOUT
            user.failed_attempts = 0
            log.warning("account locked for %s after repeated failures", LOCKOUT)
        session.add(user)
        session.commit()
        raise SignInFailed
    if user.password_hash != password_hash:  # reset while the old one was being checked
        session.commit()
        raise SignInFailed
    user.failed_attempts = 0
    user.locked_until = None
    if rehashed is not None:
        user.password_hash = rehashed
    session.add(user)
    session.commit()
    return viewer_for(session, user)


def scope_location_ids(viewer: Viewer, requested: Iterable[int] | None) -> list[int]:
    """Intersect what a filter asks for with what the viewer may see."""
    if requested is None:
        if viewer.location_ids is None:
            raise ValueError("an owner's 'every location' is None, not a list")
        return sorted(viewer.location_ids)
    return sorted(i for i in set(requested) if viewer.may_see(i))


def is_demo_database(session: Session) -> bool:
    """Tell whether this database was filled by the demo seed."""
    row = session.get(Setting, "demo_database")
    return row is not None and row.value == "true"


def has_any_user(session: Session) -> bool:
    """Tell whether anyone can sign in yet."""
    return session.exec(select(User.id).limit(1)).first() is not None


def _require_owner(actor: Viewer | None) -> None:
    if actor is not None and not actor.is_owner:
        raise NotAllowed("only an owner can manage users")


def _location_ids(session: Session, names: Iterable[str]) -> list[int]:
    ids = []
    for name in names:
        location = session.exec(
            select(Location).where(Location.name_key == name_key(name))).first()
        if location is None:
            raise ValueError(f"no location named {name!r}")
        ids.append(location.id)
    return ids


def _validate(username: str, role: str, password: str | None, locations: list[int]) -> None:
    if not username.strip() or len(username) > 80:
        raise ValueError("the username must be 1 to 80 characters")
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    if password is not None and len(password) < 4:
        raise ValueError("the password must have at least 4 characters")
    if role != "owner" and not locations:
        raise ValueError(f"a {role} needs at least one location (--location NAME)")


def create_user(session: Session, username: str, password: str, role: str,
                location_names: Iterable[str] = (), *, actor: Viewer | None = None) -> User:
    """Add a user (the caller commits); actor None means the command line."""
    _require_owner(actor)
    username = username.strip()
    locations = _location_ids(session, location_names)
    _validate(username, role, password, locations)
    if session.exec(select(User).where(User.username == username)).first() is not None:
        raise ValueError(f"a user named {username!r} already exists")
    user = User(username=username, password_hash=hash_password(password), role=role,
                created_at=clock.now())
    session.add(user)
    session.flush()
    for location_id in ([] if role == "owner" else locations):
        session.add(UserLocation(user_id=user.id, location_id=location_id))
    session.flush()
    return user


def _user(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username.strip())).first()
    if user is None:
        raise ValueError(f"no user named {username!r}")
    return user


def list_users(session: Session, *, actor: Viewer | None = None) -> list[dict]:
    """Every user with role, locations and status; never a hash."""
    _require_owner(actor)
    names = dict(session.exec(select(Location.id, Location.name)).all())
    rows = []
    for user in session.exec(select(User).order_by(User.username)):
        located = session.exec(
            select(UserLocation.location_id).where(UserLocation.user_id == user.id)).all()
        locked = _aware(user.locked_until)
        rows.append({
            "username": user.username, "role": user.role,
            "locations": sorted(names[i] for i in located), "active": user.active,
            "locked": locked is not None and locked > clock.now(),
        })
    return rows


def disable_user(session: Session, username: str, *, actor: Viewer | None = None) -> None:
    """Stop a user from signing in and end their sessions (the caller commits)."""
    _require_owner(actor)
    user = _user(session, username)
    if actor is not None and user.id == actor.user_id:
        raise ValueError("you cannot disable your own account")
    user.active = False
    session.add(user)
    revoke_user_sessions(session, user.id)


def reset_password(session: Session, username: str, password: str, *,
                   actor: Viewer | None = None) -> None:
    """Set a new password, lift any lockout, end every session (the caller commits)."""
    _require_owner(actor)
    user = _user(session, username)
    _validate(user.username, "owner", password, [])
    user.password_hash = hash_password(password)
    user.failed_attempts = 0
    user.locked_until = None
    user.active = True
    session.add(user)
    revoke_user_sessions(session, user.id)  # a stolen cookie dies with the old password


def set_role_and_locations(session: Session, username: str, role: str,
                           location_names: Iterable[str], *,
                           actor: Viewer | None = None) -> None:
    """Change a user's role and locations (the caller commits)."""
    _require_owner(actor)
    user = _user(session, username)
    locations = _location_ids(session, location_names)
    _validate(user.username, role, None, locations)
    user.role = role
    session.add(user)
    session.exec(delete(UserLocation).where(UserLocation.user_id == user.id))
    for location_id in ([] if role == "owner" else locations):
        session.add(UserLocation(user_id=user.id, location_id=location_id))
    session.flush()
