"""The `spaops` command: every subcommand takes --db, prints JSON with --json, exits 0/1/2."""

from __future__ import annotations

import argparse
import json
import sys
import time as clock
from collections.abc import Callable, Sequence
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlmodel import select

from models import TIERS, Location
from spaops.actions_commands import register as register_actions
from spaops.analytics.commands import register as register_report
from spaops.auth_commands import register as register_users
from spaops.clock import today
from spaops.db import (
    DEFAULT_DB_PATH,
    default_url,
    make_engine,
    schema_is_empty,
    session_scope,
    upgrade_schema,
)
from spaops.errors import RuleRefusal, UsageError
from spaops.import_commands import register as register_import
from spaops.matching_commands import register as register_matching
from spaops.names import display_name, name_key
from spaops.settings import ensure_reference_data


def emit(document: Any) -> None:
    """Print exactly one JSON document on stdout."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, default=str) + "\n")


def open_engine(args: argparse.Namespace) -> Engine:
    """Open the database named by --db and bring its schema up to date."""
    engine = make_engine(args.db)
    upgrade_schema(engine)
    return engine


# --- init -----------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    """Create or upgrade the schema; with --demo-if-new also seed an empty database."""
    from seed.demo import seed_demo

    engine = make_engine(args.db)
    was_empty = schema_is_empty(engine)
    upgrade_schema(engine)
    with engine.begin() as connection:  # bands or settings someone deleted come back
        ensure_reference_data(connection)
    seeded = None
    # Only the embedded file gets demo data unasked; a server database starts empty.
    if args.demo_if_new and was_empty and args.db == f"sqlite:///{DEFAULT_DB_PATH}":
        print("Creating the demo chain (first start)...", file=sys.stderr)
        seeded = seed_demo(engine, today=today(),
                           progress=lambda m: print(f"  {m}", file=sys.stderr)).bookings
    if args.json:
        emit({"database": engine.url.render_as_string(hide_password=True),
              "created": was_empty, "demo_bookings": seeded})
    else:
        print("schema created" if was_empty else "schema up to date")
    return 0


# --- location ---------------------------------------------------------------------------


def cmd_location(args: argparse.Namespace) -> int:
    """Create a location, or update the settings given for an existing one."""
    name = display_name(args.name)
    if not name:
        raise UsageError("location name is empty")
    if args.timezone is not None:
        try:
            ZoneInfo(args.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise UsageError(f"unknown timezone {args.timezone!r} (use an IANA name such as "
                             "America/New_York)") from exc
    if args.rooms is not None and args.rooms < 0:
        raise UsageError("--rooms must be 0 or more")
    engine = open_engine(args)
    with session_scope(engine, write=True) as session:
        location = session.exec(select(Location).where(Location.name_key == name_key(name))).first()
        created = location is None
        if location is None:
            location = Location(name=name, name_key=name_key(name))
        if args.tier is not None:
            location.tier = args.tier
        if args.timezone is not None:
            location.timezone = args.timezone
        if args.rooms is not None:
            location.rooms = args.rooms
        session.add(location)
        session.flush()
        document = {"location": location.name, "created": created, "tier": location.tier,
                    "timezone": location.timezone, "rooms": location.rooms}
    if args.json:
        emit(document)
    else:
        print(f"{'created' if created else 'updated'} location {document['location']}")
    return 0


# --- seed demo --------------------------------------------------------------------------


def cmd_seed_demo(args: argparse.Namespace) -> int:
    """Fill an empty database with the deterministic demo chain."""
    from seed.demo import seed_demo

    if args.bookings < 1:
        raise UsageError("--bookings must be at least 1")
    engine = open_engine(args)
    with session_scope(engine) as session:
        if session.exec(select(Location).limit(1)).first() is not None:
            raise UsageError("the database already has data; seed an empty database")
    began = clock.perf_counter()
    summary = seed_demo(
        engine, today=today(), seed=args.seed, bookings=args.bookings,
        progress=None if args.json else (lambda m: print(f"  {m}", file=sys.stderr)),
    )
    seconds = round(clock.perf_counter() - began, 2)
    document = {**summary.__dict__, "seconds": seconds}
    if args.json:
        emit(document)
    else:
        print(f"seeded {summary.bookings} bookings, {summary.therapists} therapists, "
              f"{summary.clients} clients in {seconds} s")
    return 0


# --- parser -----------------------------------------------------------------------------

Handler = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    """argparse whose usage errors follow the contract: one line, exit 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"error: {message} (see `{self.prog} --help`)\n")
        raise SystemExit(2)


def _common(parser: argparse.ArgumentParser, *, json_flag: bool = True) -> None:
    # SUPPRESS: an option not given after the subcommand keeps what was given before it
    # (`spaops --db URL init` and `spaops init --db URL` mean the same).
    parser.add_argument("--db", default=argparse.SUPPRESS, metavar="URL",
                        help="database URL (default: SPAOPS_DATABASE_URL or the embedded file)")
    if json_flag:
        parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                            help="print one JSON document")


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of every subcommand."""
    parser = _Parser(prog="spaops", description="Spa Ops command line")
    _common(parser)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("init", help="create or upgrade the schema (idempotent)")
    _common(p)
    p.add_argument("--demo-if-new", action="store_true",
                   help="seed the demo chain when the database is new")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("location", help="create or update a location")
    _common(p)
    p.add_argument("name")
    p.add_argument("--tier", choices=TIERS)
    p.add_argument("--timezone")
    p.add_argument("--rooms", type=int)
    p.set_defaults(handler=cmd_location)

    p = sub.add_parser("seed", help="fill the database with demo data")
    seed_sub = p.add_subparsers(dest="what", required=True, parser_class=_Parser)
    p = seed_sub.add_parser("demo", help="the deterministic demo chain")
    _common(p)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--bookings", type=int, default=50_000)
    p.set_defaults(handler=cmd_seed_demo)

    # Each group of commands is defined beside the logic it drives.
    for register in (register_import, register_report, register_matching, register_users,
                     register_actions):
        register(sub, _common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; never lets a traceback reach the user."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error already printed (2)
        return int(exc.code or 0)
    args.db = getattr(args, "db", None) or default_url()
    args.json = getattr(args, "json", False)
    try:
        return args.handler(args)
    except UsageError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    except RuleRefusal as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    except OperationalError as exc:
        reason = str(exc.orig).splitlines()[0] if exc.orig else str(exc).splitlines()[0]
        sys.stderr.write(f"error: cannot use the database: {reason}\n")
        return 2
    except SQLAlchemyError as exc:
        sys.stderr.write(f"error: database error: {str(exc).splitlines()[0]}\n")
        return 2
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted; nothing was written\n")
        return 130
    except Exception as exc:  # a bug of ours: still one line, never a traceback
        sys.stderr.write(f"error: unexpected failure ({type(exc).__name__}: {exc}); "
                         "nothing was written\n")
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
