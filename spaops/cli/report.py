"""`spaops report kpis`: the owner's figures as one JSON document."""

from __future__ import annotations

import argparse

from spaops.cli.common import (
    Parser,
    Subparsers,
    add_common,
    add_period,
    check_period,
    emit,
    location_ids,
    open_engine,
)


def cmd_report_kpis(args: argparse.Namespace) -> int:
    """Print KPIs per location and for the chain over a period."""
    check_period(args)
    from spaops.analytics.report import Period, kpi_report
    from spaops.db import session_scope

    period = Period(args.date_from, args.date_to)
    engine = open_engine(args)
    with session_scope(engine) as session:
        document = kpi_report(session, period, location_ids=location_ids(args, session))
    if args.json:
        emit(document)
    else:
        chain = document["chain"]
        print(f"{period.start} .. {period.end}: revenue ${chain['revenue']:,.2f}, "
              f"{chain['completed']} completed, utilisation {chain['utilisation']}")
    return 0


def register(sub: Subparsers) -> None:
    """Add the `report` commands."""
    report = sub.add_parser("report", help="owner reports")
    kinds = report.add_subparsers(dest="report", required=True, parser_class=Parser)
    p = kinds.add_parser("kpis", help="KPIs per location and for the chain")
    add_common(p)
    add_period(p)
    p.set_defaults(handler=cmd_report_kpis)
