"""Argument types shared by the command groups."""

import argparse
from datetime import date


def iso_date(text: str) -> date:
    """A YYYY-MM-DD date, or a usage error argparse reports on one line."""
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc
