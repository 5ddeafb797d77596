"""Sign-in sessions on SQLite and PostgreSQL: create, hand over, check, expire, revoke."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlmodel import Session, select

from models import Location, SignInSession, User
from spaops.auth import create_user, disable_user, reset_password
from spaops.sessions import (
    ACTIVE,
    EXPIRED,
    HANDOFF_TTL,
    REVOKED,
    UNKNOWN,
    USER_GONE,
    check_session,
    create_session,
    exchange_handoff,
    hash_secret,
    revoke_session,
    session_for_token,
    touch_session,
)

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _user(s: Session, name: str = "ann", role: str = "owner") -> int:
    if role != "owner" and s.exec(select(Location)).first() is None:
        s.add(Location(name="Alpha Spa", name_key="alpha spa"))
        s.commit()
    user = create_user(s, name, "right", role, [] if role == "owner" else ["Alpha Spa"])
    s.commit()
    return user.id


def _signed_in(s: Session, user_id: int, now: datetime = T0) -> tuple[int, str]:
    """A session whose cookie the browser already holds: its id and the token."""
    session_id, code = create_session(s, user_id, now=now)
    token = exchange_handoff(s, code, now=now)
    assert token is not None
    return session_id, token


def test_a_sign_in_becomes_a_cookie_token_that_is_stored_only_hashed(engine):
    with Session(engine) as s:
        user_id = _user(s)
        session_id, code = create_session(s, user_id, now=T0)
        assert check_session(s, session_id, now=T0).status == ACTIVE
        assert not check_session(s, session_id, now=T0).handed_over
        token = exchange_handoff(s, code, now=T0 + timedelta(seconds=5))
        assert token and len(token) >= 40 and token != code
        assert session_for_token(s, token) == session_id
        check = check_session(s, session_id, now=T0)
        assert check.active and check.handed_over and check.user_id == user_id
    with engine.connect() as conn:
        stored = " ".join(str(v) for v in conn.execute(
            text("SELECT * FROM sign_in_session")).one())
    assert token not in stored and code not in stored and hash_secret(token) in stored


def test_a_handoff_code_works_once_and_only_for_a_short_while(engine):
    with Session(engine) as s:
        user_id = _user(s)
        _, code = create_session(s, user_id, now=T0)
        assert exchange_handoff(s, code, now=T0) is not None
        assert exchange_handoff(s, code, now=T0) is None  # replayed
        _, late = create_session(s, user_id, now=T0)
        assert exchange_handoff(s, late, now=T0 + HANDOFF_TTL + timedelta(seconds=1)) is None
        assert exchange_handoff(s, "made-up", now=T0) is None
        assert exchange_handoff(s, "", now=T0) is None
        assert session_for_token(s, None) is None
        assert session_for_token(s, "made-up") is None
        assert check_session(s, None, now=T0).status == UNKNOWN


def test_idle_sessions_expire_after_twelve_hours_and_a_touch_keeps_them(engine):
    with Session(engine) as s:
        user_id = _user(s)
        session_id, _ = _signed_in(s, user_id)
        assert check_session(s, session_id, now=T0 + timedelta(hours=12)).active
        assert check_session(s, session_id,
                             now=T0 + timedelta(hours=12, seconds=1)).status == EXPIRED
        # Seen at 11:00, the session runs until 12 idle hours after that.
        assert not touch_session(s, session_id, now=T0 + timedelta(seconds=30))  # too soon
        assert touch_session(s, session_id, now=T0 + timedelta(hours=11))
        assert check_session(s, session_id, now=T0 + timedelta(hours=23)).active
        assert check_session(s, session_id, now=T0 + timedelta(hours=23, seconds=1)).status \
            == EXPIRED
        assert check_session(s, session_id, now=T0 + timedelta(hours=11)).due_for_touch(
            T0 + timedelta(hours=11, minutes=1))


def test_signing_out_revokes_only_that_session(engine):
    with Session(engine) as s:
        user_id = _user(s)
        first, first_token = _signed_in(s, user_id)
        second, _ = _signed_in(s, user_id)  # another browser
        revoke_session(s, first, now=T0)
        # The stolen cookie of a signed-out session finds its row, which signs nobody in.
        assert session_for_token(s, first_token) == first
        assert check_session(s, first, now=T0).status == REVOKED
        assert not touch_session(s, first, now=T0 + timedelta(hours=1))
        assert check_session(s, second, now=T0).active
        revoke_session(s, None)  # signing out without a session is harmless


def test_a_password_reset_revokes_every_session_of_that_user_only(engine):
    with Session(engine) as s:
        ann = _user(s, "ann")
        bob = _user(s, "bob")
        sessions = [_signed_in(s, ann)[0], _signed_in(s, ann)[0]]
        _, pending = create_session(s, ann, now=T0)  # signed in, cookie not yet set
        kept, _ = _signed_in(s, bob)
        reset_password(s, "ann", "new-password")
        s.commit()
        assert all(check_session(s, i, now=T0).status == REVOKED for i in sessions)
        assert exchange_handoff(s, pending, now=T0) is None
        assert check_session(s, kept, now=T0).active


def test_disabling_or_removing_a_user_ends_their_sessions(engine):
    with Session(engine) as s:
        ann = _user(s, "ann")
        sam = _user(s, "sam", "staff")
        disabled, _ = _signed_in(s, sam)
        disable_user(s, "sam")
        s.commit()
        assert check_session(s, disabled, now=T0).status == USER_GONE
        row = s.get(SignInSession, disabled)
        s.refresh(row)
        assert row.revoked_at is not None
        # Enabling the account again (a password reset does) does not revive the old cookie.
        reset_password(s, "sam", "fresh-one")
        s.commit()
        assert check_session(s, disabled, now=T0).status == REVOKED

        removed, token = _signed_in(s, ann)
        s.delete(s.get(User, ann))
        s.commit()
        s.expunge_all()
        assert session_for_token(s, token) is None
        assert check_session(s, removed, now=T0).status == UNKNOWN


def test_old_rows_are_cleared_when_new_sessions_start(engine):
    with Session(engine) as s:
        user_id = _user(s)
        old, _ = _signed_in(s, user_id)
        revoke_session(s, old, now=T0)
        new, _ = create_session(s, user_id, now=T0 + timedelta(days=1))
        s.expunge_all()
        assert s.exec(select(SignInSession.id)).all() == [new]
        assert new != old  # ids are never reused, even on SQLite
