"""The one place the product reads today's date and the time, so tests can set it.

`SPAOPS_TODAY=YYYY-MM-DD` moves the whole product to that day (the clock still runs,
so idle expiry and audit times behave); without it the machine's clock is used.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta

TODAY_ENV = "SPAOPS_TODAY"


def _set_day() -> date | None:
    value = os.environ.get(TODAY_ENV, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{TODAY_ENV} must be a date such as 2026-11-24, not {value!r}") from None


def _shift(real: date) -> timedelta:
    day = _set_day()
    return timedelta(0) if day is None else day - real


def today() -> date:
    """Today's date: SPAOPS_TODAY when set, else the machine's."""
    return _set_day() or date.today()


def now() -> datetime:
    """The current time in UTC, moved to SPAOPS_TODAY's date when that is set."""
    real = datetime.now(UTC)
    return real + _shift(real.date())


def local_now() -> datetime:
    """The current naive local time, moved to SPAOPS_TODAY's date when that is set."""
    real = datetime.now()
    return real + _shift(real.date())
