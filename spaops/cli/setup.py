"""`spaops init`, `location` and `seed demo`: create the schema, the locations, demo data."""

from __future__ import annotations

import argparse
import sys
import time as clock

from spaops.choices import TIERS
from spaops.cli.common import Parser, Subparsers, add_common, emit, open_engine
from spaops.errors import UsageError


def cmd_init(args: argparse.Namespace) -> int:
    """Create or upgrade the schema; with --demo-if-new also seed an empty database."""
    from spaops.clock import today
    from spaops.db import DEFAULT_DB_PATH, make_engine, schema_is_empty, upgrade_schema
    from spaops.settings import ensure_reference_data

    engine = make_engine(args.db)
    was_empty = schema_is_empty(engine)
    upgrade_schema(engine)
    with engine.begin() as connection:  # bands or settings someone deleted come back
        ensure_reference_data(connection)
    seeded = None
    # Only the embedded file gets demo data unasked; a server database starts empty.
    if args.demo_if_new and was_empty and args.db == f"sqlite:///{DEFAULT_DB_PATH}":
        from seed.demo import seed_demo

        print("Creating the demo chain (first start)...", file=sys.stderr)
        seeded = seed_demo(engine, today=today(),
                           progress=lambda m: print(f"  {m}", file=sys.stderr)).bookings
    if args.json:
        emit({"database": engine.url.render_as_string(hide_password=True),
              "created": was_empty, "demo_bookings": seeded})
    else:
        print("schema created" if was_empty else "schema up to date")
    if args.demo_if_new and was_empty and seeded is None:  # asked for, not given: say why
        print(f"no demo chain: only the app's own file ({DEFAULT_DB_PATH}) gets one unasked; "
              f"fill this database with `spaops --db URL seed demo`", file=sys.stderr)
    return 0


def cmd_location(args: argparse.Namespace) -> int:
    """Create a location, or update the settings given for an existing one."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from spaops.names import display_name, name_key

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

    from sqlmodel import select

    from models import Location
    from spaops.db import session_scope

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


def cmd_seed_demo(args: argparse.Namespace) -> int:
    """Fill an empty database with the deterministic demo chain."""
    if args.bookings < 1:
        raise UsageError("--bookings must be at least 1")

    from sqlmodel import select

    from models import Location
    from seed.demo import seed_demo
    from spaops.clock import today
    from spaops.db import session_scope

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


def register(sub: Subparsers) -> None:
    """Add the `init`, `location` and `seed demo` commands."""
    p = sub.add_parser("init", help="create or upgrade the schema (idempotent)")
    add_common(p)
    p.add_argument("--demo-if-new", action="store_true",
                   help="seed the demo chain when the database is new")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("location", help="create or update a location")
    add_common(p)
    p.add_argument("name")
    p.add_argument("--tier", choices=TIERS)
    p.add_argument("--timezone")
    p.add_argument("--rooms", type=int)
    p.set_defaults(handler=cmd_location)

    p = sub.add_parser("seed", help="fill the database with demo data")
    seed_sub = p.add_subparsers(dest="what", required=True, parser_class=Parser)
    p = seed_sub.add_parser("demo", help="the deterministic demo chain")
    add_common(p)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--bookings", type=int, default=50_000)
    p.set_defaults(handler=cmd_seed_demo)
