"""`spaops suggest`, `assign` and `autoassign`: the manager's matching from the shell."""

from __future__ import annotations

import argparse

from spaops.argtypes import iso_date
from spaops.cli.common import Subparsers, add_common, emit, open_engine


def cmd_suggest(args: argparse.Namespace) -> int:
    """Print ranked therapists with reasons, and the excluded ones with their codes."""
    from spaops.db import session_scope
    from spaops.matching import suggest_therapists

    engine = open_engine(args)
    with session_scope(engine) as session:
        suggestion = suggest_therapists(session, args.booking_ref)
    document = suggestion.document(top=args.top)
    if args.json:
        emit(document)
        return 0
    for warning in suggestion.warnings:
        print(f"WARNING: {warning}")
    for c in document["candidates"]:
        print(f"{c['score']:>3}  {c['therapist']}: {'; '.join(c['reasons'])}")
    for e in document["excluded"]:
        print(f"  -  {e['therapist']}: {e['reason']}")
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    """Assign a therapist; a rule that refuses exits 1 and changes nothing."""
    from spaops.matching import assign_therapist

    engine = open_engine(args)
    booking = assign_therapist(engine, args.booking_ref, args.therapist, username="cli",
                               override=args.override, override_reason=args.reason or "")
    if args.json:
        emit({"booking_ref": booking.external_ref, "therapist": args.therapist,
              "override": args.override})
    else:
        print(f"assigned {args.therapist} to {booking.external_ref}")
    return 0


def cmd_autoassign(args: argparse.Namespace) -> int:
    """Assign a day's open bookings to maximise placements, then total score."""
    from spaops.autoassign import autoassign_day

    engine = open_engine(args)
    plan = autoassign_day(engine, args.location, args.date, username="cli",
                          apply=not args.dry_run)
    if args.json:
        emit(plan.document())
    else:
        for ref, therapist, score in plan.assignments:
            print(f"{ref}: {therapist} (score {score})")
        for ref, reason in plan.unplaced:
            print(f"{ref}: not placed: {reason}")
    return 0


def register(sub: Subparsers) -> None:
    """Add the matching commands."""
    p = sub.add_parser("suggest", help="ranked therapists for a booking, with reasons")
    add_common(p)
    p.add_argument("booking_ref")
    p.add_argument("--top", type=int, default=None)
    p.set_defaults(handler=cmd_suggest)
    p = sub.add_parser("assign", help="assign a therapist to a booking")
    add_common(p)
    p.add_argument("booking_ref")
    p.add_argument("therapist")
    p.add_argument("--override", action="store_true",
                   help="waive contraindication warnings (never a license, credential, "
                        "shift, overlap or cap rule)")
    p.add_argument("--reason", help="why the override is safe (recorded in the audit)")
    p.set_defaults(handler=cmd_assign)
    p = sub.add_parser("autoassign", help="assign a day's open bookings")
    add_common(p)
    p.add_argument("--location", required=True)
    p.add_argument("--date", type=iso_date, required=True)
    p.add_argument("--dry-run", action="store_true", help="show the plan, assign nothing")
    p.set_defaults(handler=cmd_autoassign)
