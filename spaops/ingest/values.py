"""Vectorised parsing of export values: dates, times, durations, money, statuses, yes/no.

Every parser takes a Series of text and returns parsed values with NA where a value
does not parse, so the caller can name the row and the reason.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa

Parsed = TypeVar("Parsed", pd.Series, pd.DataFrame)

# Outcomes as the booking suites word them (after lower-casing, with runs of spaces,
# hyphens, underscores and brackets read as one space); compared once more without spaces.
STATUS_WORDS = {
    # happened: Mindbody "Completed"/"Arrived", Vagaro "Show", Boulevard "Final",
    # Zenoti "Closed"/"Checked In", Jane "Arrived", Fresha "Started", Phorest "Paid".
    "completed": "completed", "complete": "completed", "checked out": "completed",
    "paid": "completed", "arrived": "completed", "checked in": "completed",
    "show": "completed", "showed": "completed", "attended": "completed",
    "closed": "completed", "final": "completed", "finalized": "completed",
    "finalised": "completed", "done": "completed", "started": "completed",
    "in progress": "completed", "in service": "completed", "kept": "completed",
    "serviced": "completed", "fulfilled": "completed",
    # cancelled, by whoever, early or late; deleted, voided and declined bookings too.
    "cancelled": "cancelled", "canceled": "cancelled", "cancel": "cancelled",
    "late cancel": "cancelled", "late cancelled": "cancelled", "late canceled": "cancelled",
    "late cancellation": "cancelled", "cancellation": "cancelled",
    "cancelled by client": "cancelled", "canceled by client": "cancelled",
    "cancelled by customer": "cancelled", "canceled by customer": "cancelled",
    "cancelled by guest": "cancelled", "canceled by guest": "cancelled",
    "cancelled by patient": "cancelled", "canceled by patient": "cancelled",
    "cancelled by seller": "cancelled", "canceled by seller": "cancelled",
    "cancelled by business": "cancelled", "canceled by business": "cancelled",
    "cancelled by staff": "cancelled", "canceled by staff": "cancelled",
    "client cancelled": "cancelled", "client canceled": "cancelled",
    "customer cancelled": "cancelled", "customer canceled": "cancelled",
    "deleted": "cancelled", "void": "cancelled", "voided": "cancelled",
    "declined": "cancelled", "denied": "cancelled", "rejected": "cancelled",
    # no-show
    "no show": "no_show", "noshow": "no_show", "no showed": "no_show", "missed": "no_show",
    "did not show": "no_show", "didn't show": "no_show", "did not arrive": "no_show",
    "didn't arrive": "no_show", "not shown": "no_show", "absent": "no_show",
    # still ahead
    "booked": "booked", "confirmed": "booked", "unconfirmed": "booked",
    "not confirmed": "booked", "awaiting confirmation": "booked", "scheduled": "booked",
    "pending": "booked", "accepted": "booked", "requested": "booked", "request": "booked",
    "reserved": "booked", "new": "booked", "approved": "booked", "rescheduled": "booked",
    "upcoming": "booked", "unarrived": "booked", "not arrived": "booked", "open": "booked",
    "online booking": "booked",
}
_STATUS_COMPACT = {word.replace(" ", ""): status for word, status in STATUS_WORDS.items()}
YES_NO = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False,
          "false": False, "0": False}

_ISO = r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[ T]+(?P<time>.+))?$"
_SLASHED = r"^(?P<a>\d{1,2})[/.\-](?P<b>\d{1,2})[/.\-](?P<y>\d{4}|\d{2})(?:[ ,T]+(?P<time>.+))?$"
_TIME = (r"^(?P<h>\d{1,2})(?::(?P<mi>\d{2}))?(?::(?P<s>\d{2})(?:\.\d+)?)?\s*"
         r"(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?$")


@dataclass(frozen=True)
class Distinct:
    """The distinct values of a column (NA last), to parse once each and spread back.

    Exports repeat the same dates, times, durations, prices and statuses thousands of
    times, so parsing the distinct values costs a few thousand parses, not a million.
    """

    values: pd.Series
    codes: np.ndarray
    index: pd.Index

    @classmethod
    def of(cls, series: pd.Series) -> Distinct:
        """Factorise a column."""
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        values = pd.Series(pd.array([*uniques, pd.NA], dtype=series.dtype))
        return cls(values, np.where(codes < 0, len(uniques), codes), series.index)

    def spread(self, parsed: Parsed) -> Parsed:
        """Results per distinct value back onto the column's rows."""
        spread = parsed.iloc[self.codes]
        spread.index = self.index
        return spread


def per_distinct(parser: Callable[[pd.Series], Parsed]) -> Callable[[pd.Series], Parsed]:
    """Make a vectorised parser run once per distinct value of its column."""

    @functools.wraps(parser)
    def on_distinct(series: pd.Series) -> Parsed:
        distinct = Distinct.of(series)
        return distinct.spread(parser(distinct.values))

    return on_distinct


def categories_of(series: pd.Series, function: Callable[[str], str]) -> pd.Series:
    """A text function of each distinct value, as a categorical column.

    For matching keys repeated a million times: each row costs a small integer code, not
    a string. Compare it with other text only after `.astype("string")`.
    """
    distinct = Distinct.of(series)
    key_codes, keys = pd.factorize(pd.Series(
        [function(value) for value in distinct.values.iloc[:-1]], dtype=object))
    mapped = np.append(key_codes, -1)[distinct.codes]  # the NA entry, last, gets code -1
    return pd.Series(pd.Categorical.from_codes(mapped, categories=pd.Index(keys, dtype=object)),
                     index=distinct.index)


def no_text(rows: int) -> pd.arrays.ArrowStringArray:
    """A text column of `rows` missing values (from a list of Nones it took 18 ms a chunk)."""
    return pd.arrays.ArrowStringArray(pa.nulls(rows, pa.large_string()))


def clean(series: pd.Series) -> pd.Series:
    """Strip whitespace; empty text becomes NA."""
    text = series.astype("string").str.strip()
    return text.mask(text == "")


@per_distinct
def split_date_time(series: pd.Series) -> pd.DataFrame:
    """Split date(+time) text into year and two ambiguous day/month parts, and the time."""
    text = clean(series)
    iso = text.str.extract(_ISO)
    slashed = text.str.extract(_SLASHED)
    out = pd.DataFrame(index=series.index)
    is_iso = iso["y"].notna()
    out["iso"] = is_iso
    out["y"] = iso["y"].where(is_iso, slashed["y"])
    out["first"] = iso["m"].where(is_iso, slashed["a"])
    out["second"] = iso["d"].where(is_iso, slashed["b"])
    out["time"] = iso["time"].where(is_iso, slashed["time"])
    return out


def detect_day_first(parts: pd.DataFrame) -> bool:
    """Day-first when any non-ISO first field exceeds 12; month-first otherwise."""
    first = pd.to_numeric(parts.loc[~parts["iso"], "first"], errors="coerce")
    return bool((first > 12).any())


def build_dates(parts: pd.DataFrame, *, day_first: bool) -> pd.Series:
    """Dates from split parts; NaT where the date does not exist (02/30/2026)."""
    year = pd.to_numeric(parts["y"], errors="coerce")
    year = year.where(year >= 100, year + 2000)
    first = pd.to_numeric(parts["first"], errors="coerce")
    second = pd.to_numeric(parts["second"], errors="coerce")
    iso = parts["iso"]
    if day_first:
        month = first.where(iso, second)
        day = second.where(iso, first)
    else:
        month, day = first, second
    def text(part: pd.Series, width: int) -> pd.Series:
        return part.astype("Int64").astype("string").str.zfill(width)

    iso_text = text(year, 4) + "-" + text(month, 2) + "-" + text(day, 2)
    return pd.to_datetime(iso_text, format="%Y-%m-%d", errors="coerce")


@per_distinct
def parse_times(series: pd.Series) -> pd.Series:
    """Minutes after midnight from '14:30', '2:30 PM', '2:30pm', '2pm'; NA if unreadable."""
    text = clean(series)
    parts = text.str.extract(_TIME)
    hour = pd.to_numeric(parts["h"], errors="coerce")
    minute = pd.to_numeric(parts["mi"], errors="coerce")
    ampm = parts["ampm"].str.lower().str.replace(r"[.\s]", "", regex=True)
    has_ampm = ampm.notna()
    # A bare number is a time only with am/pm ("2pm"); "14" alone is not a time.
    minute = minute.where(minute.notna() | ~has_ampm, 0)
    valid_12h = has_ampm & hour.between(1, 12)
    afternoon = (ampm == "pm").fillna(False).astype(int) * 12
    hour = hour.where(~has_ampm, (hour % 12) + afternoon)
    ok = minute.between(0, 59) & hour.between(0, 23) & (valid_12h | ~has_ampm)
    return (hour * 60 + minute).where(ok)


@per_distinct
def parse_durations(series: pd.Series) -> pd.Series:
    """Minutes from '60', '60 min', '90 minutes', '1h', '1h 30m', '2h 35m', '1:30'."""
    text = clean(series).str.lower()
    plain = text.str.extract(r"^(\d+(?:\.\d+)?)\s*(?:m|min|mins|minute|minutes)?\.?$")[0]
    hours = text.str.extract(
        r"^(?P<h>\d+(?:\.\d+)?)\s*(?:h|hr|hrs|hour|hours)\.?\s*"
        r"(?:(?P<m>\d+)\s*(?:m|min|mins|minute|minutes)?\.?)?$")
    clock = text.str.extract(r"^(?P<h>\d+):(?P<m>[0-5]\d)$")
    minutes = pd.to_numeric(plain, errors="coerce")
    from_hours = (pd.to_numeric(hours["h"], errors="coerce") * 60
                  + pd.to_numeric(hours["m"], errors="coerce").fillna(0))
    from_clock = (pd.to_numeric(clock["h"], errors="coerce") * 60
                  + pd.to_numeric(clock["m"], errors="coerce"))
    return minutes.fillna(from_hours).fillna(from_clock).round()


@per_distinct
def parse_money(series: pd.Series) -> pd.Series:
    """Cents from '$1,234.50', '1234.5', 'USD 120', '120.00 CAD', '120,50' (decimal comma)."""
    text = clean(series).str.upper()
    text = (text.str.replace(r"(US\$|CA\$|C\$|USD|CAD|EUR|GBP|\$|€|£)", "", regex=True)
            .str.replace(r"\s", "", regex=True))
    negative = text.str.match(r"^\(.*\)$") | text.str.startswith("-")
    text = text.str.replace(r"[()\-+]", "", regex=True)
    decimal_comma = text.str.match(r"^\d{1,3}(\.\d{3})*,\d{1,2}$")
    text = text.mask(decimal_comma, text.str.replace(".", "", regex=False)
                     .str.replace(",", ".", regex=False))
    text = text.where(decimal_comma, text.str.replace(",", "", regex=False))
    valid = text.str.match(r"^\d+(\.\d{1,2})?$")
    value = pd.to_numeric(text.where(valid), errors="coerce")
    cents = (value * 100).round()
    return cents.where(~negative.fillna(False), -cents)


@per_distinct
def parse_statuses(series: pd.Series) -> pd.Series:
    """Our status for each export status text; NA where unknown."""
    text = (clean(series).str.lower().str.replace(r"[\s_\-()\[\]/:,.!]+", " ", regex=True)
            .str.strip())
    status = text.map(STATUS_WORDS).astype("string")
    return status.fillna(text.str.replace(" ", "", regex=False).map(_STATUS_COMPACT)
                         .astype("string"))


@per_distinct
def parse_yes_no(series: pd.Series) -> pd.Series:
    """True/False from yes/no/true/false/y/n/1/0; NA where unknown."""
    text = clean(series).str.lower()
    answer = pd.Series(pd.NA, index=series.index, dtype="boolean")
    answer[text.isin([k for k, v in YES_NO.items() if v]).fillna(False)] = True
    answer[text.isin([k for k, v in YES_NO.items() if not v]).fillna(False)] = False
    return answer
