"""`spaops users ...`: manage who can sign in; passwords come from stdin, never arguments."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from spaops.choices import ROLES
from spaops.cli.common import Parser, Subparsers, add_common, emit, open_engine
from spaops.errors import UsageError


def read_password() -> str:
    """Read a password from stdin, or prompt twice without echo on a terminal."""
    if sys.stdin is None:
        raise UsageError("no password given on standard input")
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Repeat password: "):
            raise UsageError("the passwords do not match")
        password = first
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise UsageError("empty password: pass it on standard input")
    return password


def _run(args: argparse.Namespace, action: Callable, message: str) -> int:  # type: ignore[type-arg]
    from spaops.db import session_scope

    engine = open_engine(args)
    try:
        with session_scope(engine, write=True) as session:
            action(session)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    if getattr(args, "json", False):
        emit({"username": args.name, "ok": True})
    else:
        print(message)
    return 0


def cmd_users_add(args: argparse.Namespace) -> int:
    """Add a user with a role (and locations for managers and staff)."""
    from spaops.auth import create_user

    password = read_password()
    return _run(args, lambda s: create_user(s, args.name, password, args.role, args.location),
                f"added {args.role} {args.name}")


def cmd_users_disable(args: argparse.Namespace) -> int:
    """Stop a user from signing in."""
    from spaops.auth import disable_user

    return _run(args, lambda s: disable_user(s, args.name), f"disabled {args.name}")


def cmd_users_reset(args: argparse.Namespace) -> int:
    """Set a new password (from stdin) and lift any lockout."""
    from spaops.auth import reset_password

    password = read_password()
    return _run(args, lambda s: reset_password(s, args.name, password),
                f"password reset for {args.name}")


def cmd_users_list(args: argparse.Namespace) -> int:
    """List users with role, locations and status (never a hash)."""
    from spaops.auth import list_users
    from spaops.db import session_scope

    engine = open_engine(args)
    with session_scope(engine) as session:
        users = list_users(session)
    if args.json:
        emit({"users": users})
    else:
        for user in users:
            state = "active" if user["active"] else "disabled"
            where = ", ".join(user["locations"]) or "every location"
            print(f"{user['username']:<20} {user['role']:<8} {state:<9} {where}")
    return 0


def register(sub: Subparsers) -> None:
    """Add the `users` commands."""
    users = sub.add_parser("users", help="who can sign in")
    verbs = users.add_subparsers(dest="verb", required=True, parser_class=Parser)
    p = verbs.add_parser("add", help="add a user; the password is read from stdin")
    add_common(p)
    p.add_argument("name")
    p.add_argument("--role", choices=ROLES, required=True)
    p.add_argument("--location", action="append", default=[], metavar="NAME",
                   help="a location of a manager or staff member (repeatable)")
    p.set_defaults(handler=cmd_users_add)
    p = verbs.add_parser("list", help="list users")
    add_common(p)
    p.set_defaults(handler=cmd_users_list)
    p = verbs.add_parser("disable", help="stop a user from signing in")
    add_common(p)
    p.add_argument("name")
    p.set_defaults(handler=cmd_users_disable)
    p = verbs.add_parser("reset-password", help="new password from stdin; lifts a lockout")
    add_common(p)
    p.add_argument("name")
    p.set_defaults(handler=cmd_users_reset)
