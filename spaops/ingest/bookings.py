"""Booking exports: read and validate (a preview), plan against the database, import."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from pandas.api.types import union_categoricals

from spaops.errors import UsageError
from spaops.ingest.bulk import paused_gc
from spaops.ingest.mapping import BOOKING_FIELDS, map_headers
from spaops.ingest.reading import (
    Decoded,
    Record,
    decode_export,
    decode_file,
    raw_line,
    read_records,
)
from spaops.ingest.values import (
    Distinct,
    build_dates,
    categories_of,
    clean,
    detect_day_first,
    parse_durations,
    parse_money,
    parse_statuses,
    parse_times,
    parse_yes_no,
    split_date_time,
)
from spaops.names import display_name

CHUNK_ROWS = 50_000
TEXT_FIELDS = ("booking_ref", "location", "therapist", "service", "client", "pressure",
               "focus_areas", "contraindications", "gender_preference")


@dataclass
class BookingsPreview:
    """What reading a booking export found, before anything is written."""

    file_name: str
    sha256: str
    encoding: str
    delimiter: str
    header: list[str]
    mapping: dict[str, str]
    ignored_columns: list[str]
    day_first: bool
    day_first_detected: bool
    status_inferred: bool
    default_location: str | None
    rows: pd.DataFrame  # one row per data record; `reason` is set on rejected ones
    notes: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        """Non-blank data rows in the file."""
        return len(self.rows)


def text_array(values: Sequence[str | None]) -> pd.arrays.ArrowStringArray:
    """Python strings as a pandas string array, through Arrow (4x faster than pd.array)."""
    return pd.arrays.ArrowStringArray(pa.array(values, type=pa.large_string()))


def _chunks(records: Iterator[Record], width: int, columns: dict[str, int],
            delimiter: str) -> Iterator[pd.DataFrame]:
    """Records as DataFrames of the mapped columns (text), CHUNK_ROWS at a time."""
    while True:
        batch = list(islice(records, CHUNK_ROWS))
        if not batch:
            return
        frame = pd.DataFrame({"row": [r.line for r in batch]})
        frame["n_fields"] = [len(r.fields) for r in batch]
        # Rows of the wrong width are padded or cut for the transpose, and rejected later.
        padding = [None] * width
        fields = [r.fields if len(r.fields) == width else (r.fields + padding)[:width]
                  for r in batch]
        by_column = list(zip(*fields, strict=True))
        for name, index in columns.items():
            frame[name] = text_array(by_column[index])
        bad = frame["n_fields"] != width
        frame["raw"] = pd.array(
            [raw_line(r.fields, delimiter) if wrong else None
             for r, wrong in zip(batch, bad, strict=True)], dtype="string")
        del batch, fields, by_column
        for name in columns:
            frame[name] = clean(frame[name])
        for name in TEXT_FIELDS:
            if name not in frame:
                frame[name] = pd.array([None] * len(frame), dtype="string")
        frame.attrs["header_width"] = width
        yield frame


def read_bookings_export(data: bytes, file_name: str = "upload.csv",
                         **options: Any) -> BookingsPreview:
    """Read a booking export held in memory (an upload); see `read_bookings`."""
    return read_bookings(decode_export(data), file_name, **options)


def read_bookings_file(path: Path, **options: Any) -> BookingsPreview:
    """Read a booking export from disk as a stream; see `read_bookings`."""
    return read_bookings(decode_file(path), path.name, **options)


@paused_gc()
def read_bookings(
    decoded: Decoded,
    file_name: str = "upload.csv",
    *,
    day_first: bool | None = None,
    mapping_overrides: dict[str, str] | None = None,
    default_location: str | None = None,
    now: datetime | None = None,
) -> BookingsPreview:
    """Read a booking export and validate every row; nothing touches the database."""
    header, records = read_records(decoded)
    try:
        mapping, ignored = map_headers(header, BOOKING_FIELDS, mapping_overrides)
    except ValueError as exc:
        records.close()
        raise UsageError(str(exc)) from exc
    if "service" not in mapping or not ({"start", "date"} & set(mapping)):
        records.close()
        raise UsageError(
            "no recognisable booking columns: a booking export needs at least a service and "
            f"a start date (columns found: {', '.join(header[:12]) or 'none'})")
    default_location = display_name(default_location) if default_location else None
    if "location" not in mapping and not default_location:
        records.close()
        raise UsageError("the file has no location column: choose the location these "
                         "bookings belong to (--location NAME)")
    positions = {f: header.index(h) for f, h in mapping.items()}
    has = set(mapping)
    now = now or datetime.now()  # one "now" for every chunk of a file without statuses
    # Read a chunk at a time, month-first unless told otherwise. A day above 12 in the
    # first field makes the whole file day-first: if earlier chunks were already read
    # month-first, the file is read again (rare: the first chunk almost always tells).
    use_day_first = bool(day_first)
    while True:
        parsed: list[pd.DataFrame] = []
        detected = reread = False
        for chunk in _chunks(records, len(header), positions, decoded.delimiter):
            rows, chunk_detected, inferred, notes = _parse(chunk, has, use_day_first,
                                                           default_location, now)
            detected |= chunk_detected
            if day_first is None and chunk_detected and not use_day_first:
                use_day_first = True
                if parsed:
                    reread = True
                    break
                rows, chunk_detected, inferred, notes = _parse(chunk, has, True,
                                                               default_location, now)
            parsed.append(rows)
        if not reread:
            break
        records.close()
        _header, records = read_records(decoded)
    if not parsed:
        raise UsageError("the file has a header but no data rows")
    rows = _concat(parsed)
    del parsed
    _keep_raw_lines_of_rejected(rows, decoded)
    return BookingsPreview(
        file_name=file_name, sha256=decoded.sha256,
        encoding=decoded.encoding, delimiter=decoded.delimiter, header=header,
        mapping=mapping, ignored_columns=ignored,
        day_first=use_day_first, day_first_detected=detected, status_inferred=inferred,
        default_location=default_location, rows=rows, notes=notes,
    )


NAMES = ("location", "therapist", "service")  # categorical: a few names, a million rows


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The chunks as one frame, the name columns kept categorical across chunks."""
    names = {name: union_categoricals([part[name].array for part in parts])
             for name in NAMES}
    rows = pd.concat([part.drop(columns=list(NAMES)) for part in parts], ignore_index=True)
    for name, values in names.items():
        rows[name] = values
    return rows[parts[0].columns]


def _keep_raw_lines_of_rejected(rows: pd.DataFrame, decoded: Decoded) -> None:
    """Fill `raw` for rejected rows (a second pass: cheaper than keeping every line)."""
    wanted = set(rows.loc[rows["reason"].notna() & rows["raw"].isna(), "row"].tolist())
    if not wanted:
        return
    _header, records = read_records(decoded)
    found = {r.line: raw_line(r.fields, decoded.delimiter) for r in records if r.line in wanted}
    missing = rows["raw"].isna() & rows["row"].isin(wanted)
    rows.loc[missing, "raw"] = rows.loc[missing, "row"].map(found).astype("string")


Message = str | Callable[[pd.Index], pd.Series]


def _first_reason(frame: pd.DataFrame, checks: list[tuple[pd.Series, Message]]) -> pd.Series:
    """The first failing check's reason per row.

    A reason is a text, or a function building texts for just the failing rows, so a
    million good rows never pay for messages nobody reads.
    """
    reason = pd.Series(pd.NA, index=frame.index, dtype="string")
    pending = pd.Series(True, index=frame.index)
    for failed, message in checks:
        hit = failed.fillna(False).astype(bool) & pending
        if not hit.any():
            continue
        rows = hit.index[hit.to_numpy()]
        reason.loc[rows] = message if isinstance(message, str) else \
            message(rows).astype("string")
        pending &= ~hit
    return reason


def _quoted(series: pd.Series) -> pd.Series:
    return "'" + series.fillna("").astype("string") + "'"


def _parse(frame: pd.DataFrame, has: set[str], day_first: bool,
           default_location: str | None,
           now: datetime) -> tuple[pd.DataFrame, bool, bool, list[str]]:
    notes: list[str] = []
    width = int(frame.attrs["header_width"])
    if "start" in has and "date" in has:
        # A date column plus a time-like "start time" column (Vagaro-style).
        time_text = frame["time"] if "time" in has else frame["start"]
        when_text = frame["date"] + " " + time_text.fillna("")
    elif "start" in has:
        when_text = frame["start"] if "time" not in has else (
            frame["start"] + " " + frame["time"].fillna(""))
    else:
        when_text = frame["date"] + " " + frame["time"].fillna("") if "time" in has \
            else frame["date"]
    when_text = clean(when_text)
    # Dates and times parsed once per distinct start text: day-first is decided on all.
    when = Distinct.of(when_text)
    distinct_parts = split_date_time(when.values)
    detected = detect_day_first(distinct_parts)
    use_day_first = day_first
    parts = when.spread(distinct_parts)
    dates = when.spread(build_dates(distinct_parts, day_first=use_day_first))
    minutes = when.spread(parse_times(distinct_parts["time"]))
    starts = dates + pd.to_timedelta(minutes.astype("Float64").fillna(0).astype(float),
                                     unit="min")
    starts = starts.where(dates.notna() & minutes.notna())

    duration = (parse_durations(frame["duration"]) if "duration" in has
                else pd.Series(pd.NA, index=frame.index, dtype="Float64"))
    if "end" in has:
        end_minutes = parse_times(split_date_time(frame["end"])["time"].fillna(frame["end"]))
        from_end = end_minutes - minutes
        duration = duration.fillna(from_end.where(from_end > 0))
    price = (parse_money(frame["price"]) if "price" in has
             else pd.Series(pd.NA, index=frame.index, dtype="Float64"))
    if "status" in has:
        status = parse_statuses(frame["status"])
        inferred = False
    else:
        status = pd.Series("booked", index=frame.index, dtype="string").mask(
            starts < pd.Timestamp(now), "completed")
        inferred = True
        notes.append("The file has no status column: bookings that started in the past "
                     "count as completed, future ones as booked.")
    requested = (parse_yes_no(frame["requested"]) if "requested" in has
                 else pd.Series(False, index=frame.index))
    location = frame["location"] if "location" in has else pd.Series(
        default_location, index=frame.index, dtype="string")
    if default_location is not None:
        location = location.fillna(default_location)

    def quoted(column: pd.Series) -> Callable[[pd.Index], pd.Series]:
        return lambda rows: _quoted(column.loc[rows])

    never = pd.Series(False, index=frame.index)
    checks: list[tuple[pd.Series, Message]] = [
        (frame["n_fields"] != width,
         lambda rows: "the row has " + frame.loc[rows, "n_fields"].astype("string")
         + f" fields but the header has {width}"),
        (frame["booking_ref"].isna() if "booking_ref" in has else never,
         "the booking id is empty"),
        (when_text.isna(), "the start date is empty"),
        (parts["y"].isna(), lambda rows: "cannot read the date " + _quoted(when_text[rows])),
        (dates.isna(), lambda rows: "the date " + _quoted(when_text[rows]) + " does not exist"),
        (parts["time"].isna(),
         lambda rows: "the start time is missing in " + _quoted(when_text[rows])),
        (minutes.isna(), lambda rows: "cannot read the time " + _quoted(parts["time"][rows])),
        (frame["service"].isna(), "the service is empty"),
        (location.isna(), "the location is empty"),
        ((duration.notna() & ~duration.between(1, 600)).fillna(False),
         lambda rows: "the duration " + duration[rows].astype("string").fillna("")
         + " minutes is not between 1 and 600"),
        ((frame["duration"].notna() & duration.isna()) if "duration" in has else never,
         lambda rows: "cannot read the duration " + quoted(frame["duration"])(rows)),
        ((frame["price"].notna() & price.isna()) if "price" in has else never,
         lambda rows: "cannot read the price " + quoted(frame["price"])(rows)),
        (price < 0, "the price is negative"),
        (status.isna(),
         lambda rows: "unknown status " + quoted(frame["status"])(rows)
         + " (expected completed, cancelled, no-show or booked)"),
        ((status == "completed") & price.isna(), "the price is missing on a completed booking"),
        ((frame["requested"].notna() & requested.isna()) if "requested" in has else never,
         lambda rows: "requested " + quoted(frame["requested"])(rows) + " is not yes or no"),
    ]
    reason = _first_reason(frame, checks)

    rows = pd.DataFrame({
        "row": frame["row"],
        "booking_ref": frame["booking_ref"],
        "location": categories_of(location, display_name),
        "therapist": categories_of(frame["therapist"], display_name),
        "service": categories_of(frame["service"], display_name),
        "client": frame["client"],
        "starts_at": starts,
        "duration_min": duration.astype("Int64"),
        "price_cents": price.astype("Int64"),
        "status": status.astype("string"),
        "requested": requested.astype("boolean").fillna(False),
        "pressure": frame["pressure"],
        "focus_areas": frame["focus_areas"],
        "contraindications": frame["contraindications"],
        "gender_preference": frame["gender_preference"],
        "reason": reason,
        "raw": frame["raw"],
    })
    if "booking_ref" not in has:
        rows["booking_ref"] = _stable_refs(rows)
        notes.append("The file has no booking id column: ids are derived from location, "
                     "start, client and service, so re-imports still deduplicate.")
    return rows, detected, inferred, notes


def _stable_refs(rows: pd.DataFrame) -> pd.Series:
    """Ids for exports without one: a hash of location, start, client and service."""
    def text(column: str) -> pd.Series:
        return rows[column].astype("string").fillna("")

    key = (text("location").str.casefold() + "|" + text("starts_at") + "|" +
           text("client").str.casefold() + "|" + text("service").str.casefold())
    return key.map(lambda k: "H-" + hashlib.sha1(k.encode()).hexdigest()[:16]).astype("string")


ProgressFn = Callable[[float, str], None]
