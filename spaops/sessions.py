"""Server-side sign-in sessions: create, hand over to the browser, check, touch, revoke.

A sign-in makes one `sign_in_session` row. The browser gets its token in two steps, so the
token itself never travels through the page: the sign-in form's run creates a one-time
handoff code (valid for HANDOFF_TTL); the browser exchanges it over plain HTTP for the
token, which comes back as an HttpOnly cookie. The database keeps only SHA-256 hashes
(the values are 256-bit random, so a plain hash is enough). A session ends when it has
been idle for IDLE_TIMEOUT, after SESSION_LIFETIME, or when revoked: by signing out, by a
password reset, by disabling the user, or by removing the user (rows cascade).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, delete, select

from models import SignInSession, User
from spaops import clock

IDLE_TIMEOUT = timedelta(hours=12)
SESSION_LIFETIME = timedelta(days=30)
HANDOFF_TTL = timedelta(minutes=2)
# Writing last_seen on every click would make every run a write: once a minute is enough.
TOUCH_EVERY = timedelta(minutes=1)

ACTIVE, EXPIRED, REVOKED, USER_GONE, UNKNOWN = (
    "active", "expired", "revoked", "user_gone", "unknown")


@dataclass(frozen=True)
class SessionCheck:
    """What a session is now: its status, whose it is, and whether the browser holds it."""

    status: str
    session_id: int | None = None
    user_id: int | None = None
    handed_over: bool = False
    last_seen_at: datetime | None = None

    @property
    def active(self) -> bool:
        """Tell whether the session still signs its person in."""
        return self.status == ACTIVE

    def due_for_touch(self, now: datetime) -> bool:
        """Tell whether last_seen is old enough to be written again."""
        return self.active and (self.last_seen_at is None
                                or now - self.last_seen_at >= TOUCH_EVERY)


def hash_secret(value: str) -> str:
    """SHA-256 hex digest of a token or handoff code."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def session_idle_expired(last_seen: datetime | None, now: datetime,
                         idle: timedelta = IDLE_TIMEOUT) -> bool:
    """Tell whether a session has been idle too long."""
    return last_seen is not None and now - _aware(last_seen) > idle


def create_session(session: Session, user_id: int, *,
                   now: datetime | None = None) -> tuple[int, str]:
    """Start a session for a user who just signed in: its id and a one-time handoff code."""
    now = now or clock.now()
    # Rows nobody can use any more go when a new one comes, so the table stays small.
    session.exec(delete(SignInSession).where(or_(
        SignInSession.last_seen_at < now - SESSION_LIFETIME,
        SignInSession.revoked_at < now - IDLE_TIMEOUT)))
    code = secrets.token_urlsafe(32)
    row = SignInSession(user_id=user_id, handoff_hash=hash_secret(code),
                        handoff_expires_at=now + HANDOFF_TTL, created_at=now,
                        last_seen_at=now)
    session.add(row)
    session.commit()
    return row.id, code


def exchange_handoff(session: Session, code: str, *, now: datetime | None = None) -> str | None:
    """Trade a one-time handoff code for the session's cookie token; None if it is unusable."""
    now = now or clock.now()
    if not code:
        return None
    row = session.exec(
        select(SignInSession).where(SignInSession.handoff_hash == hash_secret(code))).first()
    if row is None:
        return None
    row.handoff_hash = None  # one use only, whatever happens next
    usable = (_aware(row.handoff_expires_at) or now) >= now and \
        _check(session, row, now).active
    token = None
    if usable:
        token = secrets.token_urlsafe(32)
        row.token_hash = hash_secret(token)
    session.add(row)
    session.commit()
    return token


def session_for_token(session: Session, token: str | None) -> int | None:
    """The id of the session a cookie token belongs to, whatever its state; None if none."""
    if not token:
        return None
    return session.exec(select(SignInSession.id).where(
        SignInSession.token_hash == hash_secret(token))).first()


def _check(session: Session, row: SignInSession, now: datetime) -> SessionCheck:
    found = {"session_id": row.id, "user_id": row.user_id,
             "handed_over": row.token_hash is not None,
             "last_seen_at": _aware(row.last_seen_at)}
    user = session.get(User, row.user_id)
    if user is None or not user.active:  # first: disabling also revokes, this says why
        return SessionCheck(USER_GONE, **found)
    if row.revoked_at is not None:
        return SessionCheck(REVOKED, **found)
    if session_idle_expired(row.last_seen_at, now) or \
            now - _aware(row.created_at) > SESSION_LIFETIME:
        return SessionCheck(EXPIRED, **found)
    return SessionCheck(ACTIVE, **found)


def check_session(session: Session, session_id: int | None, *,
                  now: datetime | None = None) -> SessionCheck:
    """Whether a session still signs its person in (a read: see touch_session)."""
    now = now or clock.now()
    row = session.get(SignInSession, session_id) if session_id is not None else None
    if row is None:
        return SessionCheck(UNKNOWN, session_id=session_id)
    return _check(session, row, now)


def touch_session(session: Session, session_id: int, *, now: datetime | None = None) -> bool:
    """Mark a session as seen now, at most once a minute; tell whether it wrote."""
    now = now or clock.now()
    result = session.exec(update(SignInSession).where(
        SignInSession.id == session_id, SignInSession.revoked_at.is_(None),
        SignInSession.last_seen_at <= now - TOUCH_EVERY).values(last_seen_at=now))
    session.commit()
    return bool(result.rowcount)


def revoke_session(session: Session, session_id: int | None, *,
                   now: datetime | None = None) -> None:
    """End one session (signing out): its cookie no longer signs anyone in."""
    if session_id is None:
        return
    session.exec(update(SignInSession)
                 .where(SignInSession.id == session_id, SignInSession.revoked_at.is_(None))
                 .values(revoked_at=now or clock.now(), handoff_hash=None))
    session.commit()


def revoke_user_sessions(session: Session, user_id: int, *,
                         now: datetime | None = None) -> None:
    """End every session of a user (password reset, disabled account); the caller commits."""
    session.exec(update(SignInSession)
                 .where(SignInSession.user_id == user_id, SignInSession.revoked_at.is_(None))
                 .values(revoked_at=now or clock.now(), handoff_hash=None))
