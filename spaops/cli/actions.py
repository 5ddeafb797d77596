"""`spaops actions`: ranked actions with their value as one JSON document."""

from __future__ import annotations

import argparse

from spaops.cli.common import (
    Subparsers,
    add_common,
    add_period,
    check_period,
    emit,
    location_ids,
    open_engine,
)


def cmd_actions(args: argparse.Namespace) -> int:
    """Print the ranked actions of a period, for one location or every one."""
    check_period(args)
    from spaops.actions import actions_document
    from spaops.db import session_scope

    engine = open_engine(args)
    with session_scope(engine) as session:
        scope = location_ids(args, session)
    with session_scope(engine) as session:  # a fresh session: its readers run side by side
        document = actions_document(session, args.date_from, args.date_to,
                                    location_ids=scope)
    if args.json:
        emit(document)
    else:
        for action in document["actions"]:
            print(f"{action['value']:>10g} {action['unit']:<17} {action['instruction']}")
        if not document["actions"]:
            print("nothing to do: no action applies to this period")
    return 0


def register(sub: Subparsers) -> None:
    """Add the `actions` command."""
    p = sub.add_parser("actions", help="ranked actions with their value")
    add_common(p)
    add_period(p)
    p.set_defaults(handler=cmd_actions)
