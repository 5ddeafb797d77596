"""`spaops import bookings|shifts|therapists FILE`: one JSON counts document per import."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from spaops.cli.common import Parser, Subparsers, add_common, emit, open_engine
from spaops.errors import UsageError


def _readable(path: str) -> Path:
    """The file named on the command line, checked to exist and be readable."""
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"no such file: {path}")
    try:
        with file.open("rb"):
            pass
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from exc
    return file


def _read_file(path: str) -> bytes:
    return _readable(path).read_bytes()


def _report(args: argparse.Namespace, document: dict[str, Any]) -> int:
    if args.json:
        emit(document)
    else:
        verb = "would import" if getattr(args, "dry_run", False) else "imported"
        print(f"{verb} {document['rows']} rows: {document['inserted']} new, "
              f"{document['updated']} updated, {document['unchanged']} unchanged, "
              f"{document['duplicates']} duplicates, {document['rejected']} rejected")
        for rejection in document["rejections"][:20]:
            print(f"  line {rejection['row']} ({rejection['booking_ref']}): "
                  f"{rejection['reason']}")
    return 0


def cmd_import_bookings(args: argparse.Namespace) -> int:
    """Import a booking export (or, with --dry-run, say what it would do)."""
    from spaops.ingest import import_bookings, read_bookings_file, remembered_for_file

    file = _readable(args.file)
    engine = open_engine(args)
    # Columns someone matched by hand for this layout (on the Import page) apply here too.
    preview = read_bookings_file(file, day_first=args.day_first, default_location=args.location,
                                 mapping_overrides=remembered_for_file(engine, "bookings", file))
    document = import_bookings(engine, preview, username="cli", dry_run=args.dry_run,
                               progress=_progress if preview.total_rows >= 10_000 else None)
    return _report(args, document)


def _progress(fraction: float, message: str) -> None:
    """Long imports say how far they are, on stderr (stdout stays one JSON document)."""
    print(f"import: {fraction:4.0%} {message}", file=sys.stderr, flush=True)


def cmd_import_roster(args: argparse.Namespace) -> int:
    """Import a shift file or the roster with licenses and credentials (args.kind)."""
    from spaops.ingest import import_roster, read_roster_export, remembered_for_file

    data = _read_file(args.file)
    engine = open_engine(args)
    preview = read_roster_export(
        data, Path(args.file).name, args.kind,
        mapping_overrides=remembered_for_file(engine, args.kind, data))
    return _report(args, import_roster(engine, preview, username="cli"))


def register(sub: Subparsers) -> None:
    """Add the `import` commands."""
    parser = sub.add_parser("import", help="import a CSV file")
    kinds = parser.add_subparsers(dest="kind", required=True, parser_class=Parser)
    p = kinds.add_parser("bookings", help="a booking export from any booking software")
    add_common(p)
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="report, write nothing")
    p.add_argument("--location", help="location of every row (exports without one)")
    order = p.add_mutually_exclusive_group()
    order.add_argument("--day-first", dest="day_first", action="store_true", default=None,
                       help="dates are day/month/year (default: detected)")
    order.add_argument("--month-first", dest="day_first", action="store_false",
                       help="dates are month/day/year")
    p.set_defaults(handler=cmd_import_bookings)
    p = kinds.add_parser("shifts", help="therapist shifts")
    add_common(p)
    p.add_argument("file")
    p.set_defaults(handler=cmd_import_roster)
    p = kinds.add_parser("therapists", help="the roster with licenses and credentials")
    add_common(p)
    p.add_argument("file")
    p.set_defaults(handler=cmd_import_roster)
