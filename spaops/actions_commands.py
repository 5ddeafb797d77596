"""`spaops actions`: ranked actions with their value as one JSON document."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from sqlmodel import select

from models import Location
from spaops.actions import actions_document
from spaops.argtypes import iso_date
from spaops.db import session_scope
from spaops.errors import UsageError
from spaops.names import name_key


def cmd_actions(args: argparse.Namespace) -> int:
    """Print the ranked actions of a period, for one location or every one."""
    from spaops.cli import emit, open_engine

    if args.date_to < args.date_from:
        raise UsageError(f"--to {args.date_to} is before --from {args.date_from}")
    engine = open_engine(args)
    with session_scope(engine) as session:
        location_ids = None
        if args.location:
            location = session.exec(
                select(Location).where(Location.name_key == name_key(args.location))
            ).first()
            if location is None:
                raise UsageError(f"no location named {args.location!r}")
            location_ids = [location.id]
        document = actions_document(session, args.date_from, args.date_to,
                                    location_ids=location_ids)
    if args.json:
        emit(document)
    else:
        for action in document["actions"]:
            print(f"{action['value']:>10g} {action['unit']:<17} {action['instruction']}")
        if not document["actions"]:
            print("nothing to do: no action applies to this period")
    return 0


def register(sub: argparse._SubParsersAction, common: Callable[..., None]) -> None:
    """Add the `actions` command."""
    p = sub.add_parser("actions", help="ranked actions with their value")
    common(p)
    p.add_argument("--from", dest="date_from", type=iso_date, required=True)
    p.add_argument("--to", dest="date_to", type=iso_date, required=True)
    p.add_argument("--location")
    p.set_defaults(handler=cmd_actions)
