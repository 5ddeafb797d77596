"""Start and end moments from export text, once per distinct value.

The fast path reads ISO 8601 (with a UTC offset or Z) and slashed dates with 24-hour or
AM/PM times, vectorised. A distinct value it cannot read goes through python-dateutil
("November 3, 2026 10:00 am", "Tue, Nov 3, 2026 10:00 AM", "3 Nov 2026 14:00"): an export
repeats a few thousand distinct moments, so even a million rows cost a few thousand calls.
A moment written with an offset is kept as UTC and flagged, to be moved to the location's
time zone once the location is known.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime

import pandas as pd
from dateutil import parser as dateutil_parser

from spaops.ingest.values import Distinct, build_dates, clean, per_distinct, split_date_time

# What went wrong with a value, in the order the checks report it ("" = nothing).
NO_DATE, BAD_DATE, NO_TIME, BAD_TIME = "no_date", "bad_date", "no_time", "bad_time"

_CLOCK = (r"^(?P<h>\d{1,2})(?::(?P<mi>\d{2}))?(?::(?P<s>\d{2})(?:[.,]\d+)?)?\s*"
          r"(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?\s*"
          r"(?P<tz>[Zz]|UTC|GMT|(?P<sign>[+-])(?P<oh>\d{2}):?(?P<om>\d{2})?)?$")
# Two different defaults: a part dateutil filled in differs between the two readings.
_DEFAULTS = (datetime(2000, 1, 1, 0, 0), datetime(2004, 2, 2, 1, 1))


@per_distinct  # a file has thousands of distinct moments but only dozens of times of day
def _clock_minutes(text: pd.Series) -> pd.DataFrame:
    """Minutes after midnight and the UTC offset in minutes (NA when none) of time text."""
    parts = text.str.extract(_CLOCK)
    hour = pd.to_numeric(parts["h"], errors="coerce")
    minute = pd.to_numeric(parts["mi"], errors="coerce")
    ampm = parts["ampm"].str.lower().str.replace(r"[.\s]", "", regex=True)
    has_ampm = ampm.notna()
    minute = minute.where(minute.notna() | ~has_ampm, 0)  # "2pm"; "14" alone is no time
    valid_12h = has_ampm & hour.between(1, 12)
    afternoon = (ampm == "pm").fillna(False).astype(int) * 12
    hour = hour.where(~has_ampm, (hour % 12) + afternoon)
    ok = minute.between(0, 59) & hour.between(0, 23) & (valid_12h | ~has_ampm)
    sign = parts["sign"].map({"+": 1, "-": -1})
    offset = sign * (pd.to_numeric(parts["oh"], errors="coerce") * 60
                     + pd.to_numeric(parts["om"], errors="coerce").fillna(0))
    offset = offset.where(parts["tz"].isna() | parts["sign"].notna(), 0)  # Z, UTC, GMT
    return pd.DataFrame({"minutes": (hour * 60 + minute).where(ok),
                         "offset": offset.where(parts["tz"].notna())}, index=text.index)


def _by_dateutil(text: str, day_first: bool) -> tuple[datetime | None, bool, bool]:
    """(moment, has a time, is UTC) as dateutil reads a whole date; (None, ...) if not."""
    readings = []
    for default in _DEFAULTS:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # an unknown zone name ("EST") reads as local
                readings.append(dateutil_parser.parse(text, dayfirst=day_first,
                                                      default=default))
        except (ValueError, OverflowError, TypeError, LookupError):
            return None, False, False
    first, second = readings
    if (first.year, first.month, first.day) != (second.year, second.month, second.day):
        return None, False, False  # the text has no full date ("10:00", "Nov 2026")
    has_time = (first.hour, first.minute) == (second.hour, second.minute)
    if first.tzinfo is not None:
        return first.astimezone(UTC).replace(tzinfo=None), has_time, True
    return first, has_time, False


def read_distinct_moments(values: pd.Series, *, day_first: bool) -> pd.DataFrame:
    """For each (distinct) text: `at` (naive), `utc`, `problem` and the `time_text` read."""
    # attrs["day_first_detected"]: a slashed date's first field exceeds 12.
    text = clean(values)
    parts = split_date_time(text)
    dates = build_dates(parts, day_first=day_first)
    clock = _clock_minutes(parts["time"])
    at = dates + pd.to_timedelta(clock["minutes"].astype("Float64").fillna(0).astype(float),
                                 unit="min")
    at = at - pd.to_timedelta(clock["offset"].astype("Float64").fillna(0).astype(float),
                              unit="min")
    utc = clock["offset"].notna()
    problem = pd.Series("", index=text.index, dtype=object)
    problem[clock["minutes"].isna().to_numpy()] = BAD_TIME
    problem[parts["time"].isna().to_numpy()] = NO_TIME
    problem[dates.isna().to_numpy()] = BAD_DATE
    problem[parts["y"].isna().to_numpy()] = NO_DATE
    at = at.where(problem == "")
    out = pd.DataFrame({"at": at, "utc": utc.to_numpy(dtype=bool), "problem": problem,
                        "time_text": parts["time"]}, index=text.index)
    # What the fast path could not read goes to dateutil, one call per distinct value; a
    # date the fast path read but found impossible (02/30) stays refused.
    unread = text.notna() & out["problem"].isin([NO_DATE, BAD_TIME])
    for label in unread.index[unread.to_numpy()]:
        moment, has_time, is_utc = _by_dateutil(str(text[label]), day_first)
        if moment is None or (out.at[label, "problem"] == BAD_TIME and not has_time):
            continue
        out.loc[label, ["at", "utc", "problem", "time_text"]] = (
            pd.Timestamp(moment) if has_time else pd.NaT, is_utc,
            "" if has_time else NO_TIME, None)
    first = pd.to_numeric(parts.loc[~parts["iso"].astype(bool), "first"], errors="coerce")
    out.attrs["day_first_detected"] = bool((first > 12).any())
    return out


def read_moments(series: pd.Series, *, day_first: bool) -> tuple[Distinct, pd.DataFrame]:
    """A column's distinct values and their moments (spread them back with `Distinct`)."""
    distinct = Distinct.of(series)
    return distinct, read_distinct_moments(distinct.values, day_first=day_first)

