"""Passwords, lockout, roles and location scoping; the users command."""

import io
import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from models import Location, User
from spaops import auth
from spaops.auth import (
    NotAllowed,
    SignInFailed,
    Viewer,
    authenticate,
    create_user,
    hash_password,
    list_users,
    scope_location_ids,
    session_idle_expired,
    verify_password,
)
from spaops.cli import main
from spaops.db import session_scope

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _locations(session: Session) -> tuple[int, int]:
    a = Location(name="Alpha Spa", name_key="alpha spa")
    b = Location(name="Beta Clinic", name_key="beta clinic")
    session.add_all([a, b])
    session.commit()
    return a.id, b.id


def test_hash_is_argon2_and_verifies_only_the_right_password():
    hashed = hash_password("s3cret")
    assert hashed.startswith("$argon2id$") and "s3cret" not in hashed
    assert verify_password(hashed, "s3cret")
    assert not verify_password(hashed, "S3cret")
    assert not verify_password("not a hash", "s3cret")


def test_five_failures_lock_for_fifteen_minutes(engine):
    with Session(engine) as s:
        _locations(s)
        create_user(s, "ann", "right", "owner")
        s.commit()
        for minute in range(5):
            with pytest.raises(SignInFailed):
                authenticate(s, "ann", "wrong", now=T0 + timedelta(minutes=minute))
        # Locked: even the right password fails, with the same generic error.
        with pytest.raises(SignInFailed):
            authenticate(s, "ann", "right", now=T0 + timedelta(minutes=10))
        viewer = authenticate(s, "ann", "right", now=T0 + timedelta(minutes=4 + 15, seconds=1))
        assert viewer.role == "owner" and viewer.location_ids is None
        user = s.exec(select(User)).one()
        assert user.failed_attempts == 0 and user.locked_until is None


def test_four_failures_then_success_resets_the_count(engine):
    with Session(engine) as s:
        create_user(s, "ann", "right", "owner")
        s.commit()
        for _ in range(4):
            with pytest.raises(SignInFailed):
                authenticate(s, "ann", "wrong", now=T0)
        authenticate(s, "ann", "right", now=T0)
        for _ in range(4):
            with pytest.raises(SignInFailed):
                authenticate(s, "ann", "wrong", now=T0)
        assert authenticate(s, "ann", "right", now=T0).username == "ann"


def test_unknown_and_disabled_users_fail_like_a_wrong_password(engine):
    with Session(engine) as s:
        user = create_user(s, "ann", "right", "owner")
        s.commit()
        with pytest.raises(SignInFailed) as unknown:
            authenticate(s, "nobody", "right")
        user.active = False
        s.add(user)
        s.commit()
        with pytest.raises(SignInFailed) as disabled:
            authenticate(s, "ann", "right")
        assert str(unknown.value) == str(disabled.value) == ""


def _during_the_check(monkeypatch: pytest.MonkeyPatch, action) -> None:
    """Run `action` while argon2 checks a password (the real check runs after it)."""
    real = auth.verify_password

    def checking(password_hash: str, password: str) -> bool:
        action()
        return real(password_hash, password)

    monkeypatch.setattr(auth, "verify_password", checking)


def _set(engine, username: str, **values) -> None:
    """Change an account in a transaction of its own, as another person's click would."""
    with session_scope(engine, write=True) as other:
        user = other.exec(select(User).where(User.username == username)).one()
        for name, value in values.items():
            setattr(user, name, value)
        other.add(user)


def test_the_database_takes_writes_while_a_password_is_checked(engine, monkeypatch):
    # The app signs in through a write session, which on SQLite holds the write lock:
    # argon2's check (0.15 s, seconds when twenty sign in at once) runs outside it.
    with Session(engine) as s:
        create_user(s, "ann", "right", "owner")
        create_user(s, "bob", "right", "owner")
        s.commit()
    _during_the_check(monkeypatch, lambda: _set(engine, "bob", failed_attempts=3))
    with session_scope(engine, write=True) as s:
        assert authenticate(s, "ann", "right", now=T0).username == "ann"
    with Session(engine) as s:
        bob = s.exec(select(User).where(User.username == "bob")).one()
        assert bob.failed_attempts == 3


def test_a_reset_or_lockout_during_the_check_refuses_the_old_password(engine, monkeypatch):
    with Session(engine) as s:
        create_user(s, "ann", "right", "owner")
        s.commit()
    _during_the_check(monkeypatch, lambda: _set(engine, "ann",
                                                password_hash=hash_password("new one")))
    with session_scope(engine, write=True) as s, pytest.raises(SignInFailed):
        authenticate(s, "ann", "right", now=T0)
    _during_the_check(monkeypatch, lambda: _set(engine, "ann",
                                                locked_until=T0 + timedelta(minutes=15)))
    with session_scope(engine, write=True) as s, pytest.raises(SignInFailed):
        authenticate(s, "ann", "new one", now=T0)
    monkeypatch.undo()
    with session_scope(engine, write=True) as s:
        later = T0 + timedelta(minutes=15, seconds=1)
        assert authenticate(s, "ann", "new one", now=later).username == "ann"


def test_manager_scope_is_their_locations_only(engine):
    with Session(engine) as s:
        alpha, beta = _locations(s)
        create_user(s, "max", "pw12", "manager", ["  ALPHA spa"])
        s.commit()
        viewer = authenticate(s, "max", "pw12")
    assert viewer.location_ids == frozenset({alpha})
    assert scope_location_ids(viewer, [beta]) == []
    assert scope_location_ids(viewer, [alpha, beta]) == [alpha]
    assert scope_location_ids(viewer, None) == [alpha]


def test_only_owners_manage_users_and_managers_need_a_location(engine):
    with Session(engine) as s:
        _locations(s)
        manager = Viewer(user_id=99, username="max", role="manager", location_ids=frozenset())
        with pytest.raises(NotAllowed):
            create_user(s, "eve", "pw12", "owner", actor=manager)
        with pytest.raises(ValueError, match="needs at least one location"):
            create_user(s, "sam", "pw12", "staff")
        with pytest.raises(ValueError, match="no location named"):
            create_user(s, "sam", "pw12", "staff", ["Gamma"])


def test_idle_sessions_expire_after_twelve_hours():
    assert not session_idle_expired(T0, T0 + timedelta(hours=12))
    assert session_idle_expired(T0, T0 + timedelta(hours=12, seconds=1))
    assert not session_idle_expired(None, T0)


def test_users_command_round_trip_never_prints_a_hash(db_url, capsys, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    assert main(["location", "Alpha Spa", "--db", db_url]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("hunter22\n"))
    assert main(["users", "add", "sam", "--role", "staff", "--location", "alpha spa",
                 "--db", db_url]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("topsecret\n"))
    assert main(["users", "add", "ann", "--role", "owner", "--db", db_url]) == 0
    capsys.readouterr()
    assert main(["users", "list", "--db", db_url, "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out)["users"] == [
        {"username": "ann", "role": "owner", "locations": [], "active": True, "locked": False},
        {"username": "sam", "role": "staff", "locations": ["Alpha Spa"], "active": True,
         "locked": False},
    ]
    from spaops.db import make_engine
    engine = make_engine(db_url)
    with Session(engine) as s:
        with pytest.raises(SignInFailed):
            authenticate(s, "sam", "wrong")
        hashes = [u.password_hash for u in s.exec(select(User))]
        assert list_users(s)[1]["username"] == "sam"
    engine.dispose()
    everything = out + caplog.text
    for secret in ("hunter22", "topsecret", *hashes, "$argon2"):
        assert secret not in everything


def test_users_add_refuses_empty_password_and_duplicates(db_url, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    assert main(["users", "add", "ann", "--role", "owner", "--db", db_url]) == 2
    assert capsys.readouterr().err.startswith("error: empty password")
    monkeypatch.setattr("sys.stdin", io.StringIO("pw1234\n"))
    assert main(["users", "add", "ann", "--role", "owner", "--db", db_url]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("pw1234\n"))
    assert main(["users", "add", "ann", "--role", "owner", "--db", db_url]) == 2
    assert "already exists" in capsys.readouterr().err
