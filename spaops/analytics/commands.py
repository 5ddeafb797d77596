"""`spaops report kpis`: the owner's figures as one JSON document."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from sqlmodel import select

from models import Location
from spaops.analytics.report import Period, kpi_report
from spaops.argtypes import iso_date
from spaops.db import session_scope
from spaops.errors import UsageError
from spaops.names import name_key


def cmd_report_kpis(args: argparse.Namespace) -> int:
    """Print KPIs per location and for the chain over a period."""
    from spaops.cli import emit, open_engine

    if args.date_to < args.date_from:
        raise UsageError(f"--to {args.date_to} is before --from {args.date_from}")
    period = Period(args.date_from, args.date_to)
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
        document = kpi_report(session, period, location_ids=location_ids)
    if args.json:
        emit(document)
    else:
        chain = document["chain"]
        print(f"{period.start} .. {period.end}: revenue ${chain['revenue']:,.2f}, "
              f"{chain['completed']} completed, utilisation {chain['utilisation']}")
    return 0


def register(sub: argparse._SubParsersAction, common: Callable[..., None]) -> None:
    """Add the `report` commands."""
    report = sub.add_parser("report", help="owner reports")
    kinds = report.add_subparsers(dest="report", required=True, parser_class=type(report))
    p = kinds.add_parser("kpis", help="KPIs per location and for the chain")
    common(p)
    p.add_argument("--from", dest="date_from", type=iso_date, required=True)
    p.add_argument("--to", dest="date_to", type=iso_date, required=True)
    p.add_argument("--location")
    p.set_defaults(handler=cmd_report_kpis)
