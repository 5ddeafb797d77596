"""The `spaops` command: every subcommand takes --db, prints JSON with --json, exits 0/1/2.

One module per command group (setup, imports, report, matching, users, actions), the shared
helpers in `spaops.cli.common`. Building the parser imports no database code: each handler
imports what it uses, so `spaops --help` starts at once.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from spaops.cli import actions, imports, matching, report, setup, users
from spaops.cli.common import Parser, add_common
from spaops.errors import RuleRefusal, UsageError

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of every subcommand."""
    parser = Parser(prog="spaops", description="Spa Ops command line")
    add_common(parser)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    # The order here is the order `spaops --help` lists the commands in.
    for group in (setup, imports, report, matching, users, actions):
        group.register(sub)
    return parser


def _database_error(exc: Exception) -> str | None:
    """The one-line message of a SQLAlchemy error, or None when `exc` is not one."""
    errors = sys.modules.get("sqlalchemy.exc")  # loaded if any database code has run
    if errors is None or not isinstance(exc, errors.SQLAlchemyError):
        return None
    if isinstance(exc, errors.OperationalError):
        reason = str(exc.orig).splitlines()[0] if exc.orig else str(exc).splitlines()[0]
        return f"cannot use the database: {reason}"
    return f"database error: {str(exc).splitlines()[0]}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; never lets a traceback reach the user."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error already printed (2)
        return int(exc.code or 0)
    args.json = getattr(args, "json", False)
    try:
        if not getattr(args, "db", None):
            from spaops.db import default_url

            args.db = default_url()
        return args.handler(args)
    except UsageError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    except RuleRefusal as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted; nothing was written\n")
        return 130
    except Exception as exc:
        database = _database_error(exc)
        if database is not None:
            sys.stderr.write(f"error: {database}\n")
            return 2
        if isinstance(exc, (OSError, ValueError)):
            sys.stderr.write(f"error: {exc}\n")
            return 2
        # A bug of ours: still one line, never a traceback.
        sys.stderr.write(f"error: unexpected failure ({type(exc).__name__}: {exc}); "
                         "nothing was written\n")
        return 1
