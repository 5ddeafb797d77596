"""What every command group shares: the parser class, --db/--json, JSON output, the engine.

Light on purpose: only the standard library and small spaops modules at module level, so
`spaops --help` starts at once; SQLAlchemy, SQLModel and the models load inside the
functions that touch the database.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

from spaops.argtypes import iso_date
from spaops.errors import UsageError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

Handler = Callable[[argparse.Namespace], int]
Subparsers = argparse._SubParsersAction  # what `add_subparsers` returns


class Parser(argparse.ArgumentParser):
    """argparse whose usage errors follow the contract: one line, exit 2."""

    def error(self, message: str) -> NoReturn:
        """Print one `error: ...` line on stderr and exit 2."""
        sys.stderr.write(f"error: {message} (see `{self.prog} --help`)\n")
        raise SystemExit(2)


def add_common(parser: argparse.ArgumentParser, *, json_flag: bool = True) -> None:
    """Add --db (and --json) to a parser, keeping a value given before the subcommand."""
    # SUPPRESS: an option not given after the subcommand keeps what was given before it
    # (`spaops --db URL init` and `spaops init --db URL` mean the same).
    parser.add_argument("--db", default=argparse.SUPPRESS, metavar="URL",
                        help="database URL (default: SPAOPS_DATABASE_URL or the embedded file)")
    if json_flag:
        parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                            help="print one JSON document")


def add_period(parser: argparse.ArgumentParser) -> None:
    """Add --from, --to (ISO dates, both required) and --location NAME."""
    parser.add_argument("--from", dest="date_from", type=iso_date, required=True)
    parser.add_argument("--to", dest="date_to", type=iso_date, required=True)
    parser.add_argument("--location")


def emit(document: Any) -> None:
    """Print exactly one JSON document on stdout."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, default=str) + "\n")


def open_engine(args: argparse.Namespace) -> Engine:
    """Open the database named by --db and bring its schema up to date."""
    from spaops.db import make_engine, upgrade_schema

    engine = make_engine(args.db)
    upgrade_schema(engine)
    return engine


def check_period(args: argparse.Namespace) -> None:
    """Refuse a period whose --to comes before its --from (before the database is opened)."""
    if args.date_to < args.date_from:
        raise UsageError(f"--to {args.date_to} is before --from {args.date_from}")


def location_ids(args: argparse.Namespace, session: Session) -> list[int] | None:
    """The id of the location named by --location as a one-item list; None for every one."""
    if not args.location:
        return None
    from sqlmodel import select

    from models import Location
    from spaops.names import name_key

    location = session.exec(
        select(Location).where(Location.name_key == name_key(args.location))
    ).first()
    if location is None:
        raise UsageError(f"no location named {args.location!r}")
    return [location.id]
