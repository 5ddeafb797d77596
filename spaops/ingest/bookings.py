"""Booking exports: read and validate (a preview), plan against the database, import."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.types import union_categoricals

from spaops import clock
from spaops.errors import LocationNeeded, UsageError
from spaops.ingest.arrow_csv import NotPlain, plain_batches
from spaops.ingest.bulk import paused_gc, release_memory
from spaops.ingest.mapping import BOOKING_FIELDS, map_headers
from spaops.ingest.reading import (
    Decoded,
    ExportPreview,
    Record,
    decode_export,
    decode_file,
    raw_line,
    read_records,
)
from spaops.ingest.timestamps import BAD_DATE, BAD_TIME, NO_DATE, NO_TIME, read_moments
from spaops.ingest.values import (
    categories_of,
    clean,
    no_text,
    parse_durations,
    parse_money,
    parse_statuses,
    parse_times,
    parse_yes_no,
)
from spaops.names import display_name

CHUNK_ROWS = 50_000
TEXT_FIELDS = ("booking_ref", "location", "therapist", "service", "client", "pressure",
               "focus_areas", "contraindications", "gender_preference")


@dataclass
class BookingsPreview(ExportPreview):
    """What reading a booking export found, before anything is written."""

    day_first: bool = False
    day_first_detected: bool = False
    status_inferred: bool = False
    default_location: str | None = None
    notes: list[str] = field(default_factory=list)
    file_format: str = "csv"  # or "xlsx"


def text_array(values: Sequence[str | None]) -> pd.arrays.ArrowStringArray:
    """Python strings as a pandas string array, through Arrow (4x faster than pd.array)."""
    return pd.arrays.ArrowStringArray(pa.array(values, type=pa.large_string()))


# A totals or summary line: "Total", "Grand total", "Subtotal", "Summary", "Count: 12".
_SUMMARY_WORD = re.compile(r"^\s*((grand|sub)\s*-?\s*)?totals?\b|^\s*(summary|count|sum|average)"
                           r"\b", re.IGNORECASE)


def _undated(frame: pd.DataFrame) -> np.ndarray:
    """Rows without a digit where the start goes (normally none): summary candidates."""
    dated = np.zeros(len(frame), dtype=bool)
    for column in ("start", "date"):
        if column in frame:
            dated |= frame[column].str.contains(r"\d", regex=True).fillna(False).to_numpy(bool)
    if not any(column in frame for column in ("start", "date")):
        return np.zeros(len(frame), dtype=bool)
    return ~dated


def _summary_rows(frame: pd.DataFrame, undated: dict[int, list[str]]) -> np.ndarray:
    """Which rows are totals or summary lines rather than bookings.

    A summary line has no date (no digit where the start goes), no booking id (or a
    "Total" word in its place), and either a total word somewhere or no service.
    `undated` holds the fields of the rows without a date, by position.
    """
    summary = np.zeros(len(frame), dtype=bool)
    for i, fields in undated.items():
        worded = any(_SUMMARY_WORD.match(cell) for cell in fields if cell)
        ref = frame["booking_ref"].iloc[i] if "booking_ref" in frame else None
        no_ref = ref is None or pd.isna(ref) or bool(_SUMMARY_WORD.match(str(ref)))
        no_service = "service" not in frame or pd.isna(frame["service"].iloc[i])
        summary[i] = no_ref and (worded or no_service)
    return summary


def _chunks(records: Iterator[Record], width: int, columns: dict[str, int],
            delimiter: str) -> Iterator[pd.DataFrame]:
    """Records as DataFrames of the mapped columns (text), CHUNK_ROWS at a time.

    Totals and summary lines are left out; their line numbers are in
    `attrs["summary_lines"]`.
    """
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
        undated = {int(i): batch[i].fields for i in np.flatnonzero(_undated(frame))}
        del batch, fields, by_column
        yield _finished(frame, undated, columns, width)


def _plain_chunks(decoded: Decoded, data_line: int, width: int,
                  columns: dict[str, int]) -> Iterator[pd.DataFrame]:
    """`_chunks` for a plain file, read by Arrow (raises `NotPlain` if it is not plain)."""
    for lines, batch in plain_batches(decoded, data_line, width, CHUNK_ROWS):
        frame = pd.DataFrame({"row": lines, "n_fields": width})
        for name, index in columns.items():
            frame[name] = pd.arrays.ArrowStringArray(batch.column(index))
        frame["raw"] = no_text(len(frame))
        undated = {i: [column[i].as_py() for column in batch.columns]
                   for i in np.flatnonzero(_undated(frame)).tolist()}
        yield _finished(frame, undated, columns, width)


def _finished(frame: pd.DataFrame, undated: dict[int, list[str]], columns: dict[str, int],
              width: int) -> pd.DataFrame:
    """A chunk's text cleaned, its totals and summary lines left out (their line numbers
    in `attrs["summary_lines"]`), every text field present."""
    for name in columns:
        frame[name] = clean(frame[name])
    summary = _summary_rows(frame, undated)
    summary_lines = frame.loc[summary, "row"].tolist()
    if summary.any():
        frame = frame.loc[~summary].reset_index(drop=True)
    for name in TEXT_FIELDS:
        if name not in frame:
            frame[name] = no_text(len(frame))
    frame.attrs["header_width"] = width
    frame.attrs["summary_lines"] = summary_lines
    return frame


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
    is_header = _booking_header_test(mapping_overrides)
    header, records = read_records(decoded, is_header)
    try:
        mapping, ignored = map_headers(header, BOOKING_FIELDS, mapping_overrides)
    except ValueError as exc:
        records.close()
        raise UsageError(str(exc)) from exc
    mapping, ignored = _one_client_source(header, mapping)
    if "service" not in mapping or not ({"start", "date"} & set(mapping)):
        records.close()
        raise UsageError(
            "no recognisable booking columns: a booking export needs at least a service and "
            f"a start date (columns found: {', '.join(header[:12]) or 'none'})")
    default_location = display_name(default_location) if default_location else None
    if "location" not in mapping and not default_location:
        records.close()
        raise LocationNeeded("the file has no location column: choose the location these "
                         "bookings belong to (--location NAME)")
    positions = {f: header.index(h) for f, h in mapping.items()}
    has = set(mapping)
    data_line = records.data_line  # where Arrow may read from, if the file is plain
    now = now or clock.local_now()  # one "now" for every chunk of a file without statuses
    # Read a chunk at a time, month-first unless told otherwise. A day above 12 in the
    # first field makes the whole file day-first: if earlier chunks were already read
    # month-first, the file is read again (rare: the first chunk almost always tells).
    use_day_first = bool(day_first)
    while True:
        parsed: list[pd.DataFrame] = []
        summary_lines: list[int] = []
        detected = reread = inferred = False
        notes: list[str] = []
        chunks = (_plain_chunks(decoded, data_line, len(header), positions) if data_line
                  else _chunks(records, len(header), positions, decoded.delimiter))
        try:
            for chunk in chunks:
                summary_lines += chunk.attrs["summary_lines"]
                if chunk.empty:
                    continue
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
        except NotPlain:
            data_line, reread = None, True  # read it again, with the csv module
        if not reread:
            break
        records.close()
        _header, records = read_records(decoded, is_header)
    records.close()
    if not parsed:
        raise UsageError("the file has a header but no data rows")
    rows = _concat(parsed)
    del parsed
    release_memory()
    _keep_raw_lines_of_rejected(rows, decoded, is_header, data_line, len(header))
    notes = list(notes)
    if decoded.file_format == "xlsx":
        notes.insert(0, "Read the first sheet of the Excel workbook.")
    if summary_lines:
        shown = ", ".join(str(line) for line in summary_lines[:10])
        notes.append(f"Left out {len(summary_lines)} totals or summary line(s), not "
                     f"bookings: line {shown}{' ...' if len(summary_lines) > 10 else ''}.")
    if "starts_utc" in rows:
        notes.append("Some start times carry a UTC offset: they are converted to the time "
                     "zone of each booking's location.")
    return BookingsPreview(
        file_name=file_name, sha256=decoded.sha256,
        encoding=decoded.encoding, delimiter=decoded.delimiter, header=header,
        mapping=mapping, ignored_columns=ignored,
        day_first=use_day_first, day_first_detected=detected, status_inferred=inferred,
        default_location=default_location, rows=rows, notes=notes,
        file_format=decoded.file_format,
    )


def _booking_header_test(overrides: dict[str, str] | None) -> Callable[[list[str]], bool]:
    """Whether a row is a booking export's header (and not a title line above it)."""
    chosen = {h for h in (overrides or {}).values() if h}

    def is_header(row: list[str]) -> bool:
        cells = {cell.strip() for cell in row}
        if chosen and chosen <= cells:
            return True
        mapping, _unused = map_headers([cell.strip() for cell in row], BOOKING_FIELDS)
        return "service" in mapping and bool({"start", "date"} & set(mapping))

    return is_header


def _one_client_source(header: list[str],
                       mapping: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Keep one way of naming the client: a client column, else first and last name,
    else the email; the others go back to the ignored columns."""
    drop: tuple[str, ...] = ()
    if "client" in mapping:
        drop = ("first_name", "last_name", "email")
    elif {"first_name", "last_name"} & set(mapping):
        drop = ("email",)
    mapping = {f: h for f, h in mapping.items() if f not in drop}
    used = set(mapping.values())
    return mapping, [h for h in header if h not in used]


NAMES = ("location", "therapist", "service")  # categorical: a few names, a million rows


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The chunks as one frame, the name columns kept categorical across chunks."""
    if any("starts_utc" in part for part in parts):
        parts = [part if "starts_utc" in part else part.assign(starts_utc=False)
                 for part in parts]
    names = {name: union_categoricals([part[name].array for part in parts])
             for name in NAMES}
    rows = pd.concat([part.drop(columns=list(NAMES)) for part in parts], ignore_index=True)
    for name, values in names.items():
        rows[name] = values
    return rows[parts[0].columns]


def _keep_raw_lines_of_rejected(rows: pd.DataFrame, decoded: Decoded,
                                is_header: Callable[[list[str]], bool],
                                data_line: int | None, width: int) -> None:
    """Fill `raw` for rejected rows (a second pass: cheaper than keeping every line)."""
    wanted = set(rows.loc[rows["reason"].notna() & rows["raw"].isna(), "row"].tolist())
    if not wanted:
        return
    if data_line is None:
        _header, records = read_records(decoded, is_header)
        found = {r.line: raw_line(r.fields, decoded.delimiter)
                 for r in records if r.line in wanted}
    else:  # read plain the first time: so again
        found = _plain_raw_lines(decoded, data_line, width, wanted)
    missing = rows["raw"].isna() & rows["row"].isin(wanted)
    rows.loc[missing, "raw"] = rows.loc[missing, "row"].map(found).astype("string")


def _plain_raw_lines(decoded: Decoded, data_line: int, width: int,
                     wanted: set[int]) -> dict[int, str]:
    """The wanted lines of a plain file, as they read in it."""
    chosen = np.array(sorted(wanted))
    found: dict[int, str] = {}
    for lines, batch in plain_batches(decoded, data_line, width, CHUNK_ROWS):
        for i in np.flatnonzero(np.isin(lines, chosen)).tolist():
            fields = [column[i].as_py() for column in batch.columns]
            found[int(lines[i])] = raw_line(fields, decoded.delimiter)
    return found


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


# A date in a start column: a 4-digit year, a slashed date or a month name.
_HAS_DATE = (r"\d{4}|\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}|"
             r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d")


def _when_text(frame: pd.DataFrame, has: set[str]) -> pd.Series:
    """The start as one text per row, from a start column or a date and a time column."""
    if "start" in has and "date" in has:
        # A date column plus a time-like "start time" column (Vagaro-style), unless the
        # start column holds whole moments already.
        time_text = frame["time"] if "time" in has else frame["start"]
        joined = frame["date"] + " " + time_text.fillna("")
        whole = frame["start"].str.contains(_HAS_DATE, regex=True).fillna(False)
        when_text = frame["start"].where(whole, joined) if "time" not in has else joined
    elif "start" in has:
        when_text = frame["start"] if "time" not in has else (
            frame["start"] + " " + frame["time"].fillna(""))
    else:
        when_text = frame["date"] + " " + frame["time"].fillna("") if "time" in has \
            else frame["date"]
    return clean(when_text)


def _moments(text: pd.Series, day_first: bool) -> tuple[pd.Series, pd.Series, pd.Series,
                                                           Callable[[pd.Index], pd.Series]]:
    """Per row: the moment (NaT if unread), UTC or not, the problem, and the time text."""
    distinct, table = read_moments(text, day_first=day_first)
    index = text.index
    at = pd.Series(table["at"].to_numpy()[distinct.codes], index=index)
    utc = pd.Series(table["utc"].to_numpy(dtype=bool)[distinct.codes], index=index)
    kinds = pd.Categorical(table["problem"])
    problem = pd.Series(pd.Categorical.from_codes(kinds.codes[distinct.codes],
                                                  categories=kinds.categories), index=index)

    def time_text(rows: pd.Index) -> pd.Series:
        return distinct.spread(table["time_text"]).loc[rows]

    at.attrs["day_first_detected"] = table.attrs["day_first_detected"]
    return at, utc, problem, time_text


def _client(frame: pd.DataFrame, has: set[str]) -> pd.Series:
    """The client reference: a client column, else first and last name, else the email's
    pseudonym (one address, one reference; the address itself is stored nowhere)."""
    if "client" in has:
        return frame["client"]
    if {"first_name", "last_name"} & has:
        first = frame["first_name"] if "first_name" in has else None
        last = frame["last_name"] if "last_name" in has else None
        if first is None or last is None:
            only = first if first is not None else last
            return only.str.split().str.join(" ").astype("string")
        joined = (first.fillna("") + " " + last.fillna("")).str.split().str.join(" ")
        return joined.astype("string").mask(joined == "")
    if "email" in has:
        return categories_of(frame["email"], _email_ref).astype("string").mask(
            frame["email"].isna())
    return frame["client"]


def _email_ref(email: str) -> str:
    return "email-" + hashlib.sha256(email.strip().casefold().encode()).hexdigest()[:16]


def _parse(frame: pd.DataFrame, has: set[str], day_first: bool,
           default_location: str | None,
           now: datetime) -> tuple[pd.DataFrame, bool, bool, list[str]]:
    notes: list[str] = []
    width = int(frame.attrs["header_width"])
    when_text = _when_text(frame, has)
    # Dates and times parsed once per distinct start text: day-first is decided on all.
    starts, starts_utc, problem, time_text = _moments(when_text, day_first)
    detected = bool(starts.attrs.pop("day_first_detected"))

    duration = (parse_durations(frame["duration"]) if "duration" in has
                else pd.Series(pd.NA, index=frame.index, dtype="Float64"))
    given = duration.copy()
    end_unread = end_early = end_mixed = pd.Series(False, index=frame.index)
    if "end" in has:
        # An end time alone ("11:00 AM") is on the start's day; else a whole moment.
        end_clock = parse_times(frame["end"])
        ends, ends_utc, _problem, _time = _moments(frame["end"].where(end_clock.isna()),
                                                   day_first)
        on_start_day = starts.dt.normalize() + pd.to_timedelta(
            end_clock.astype("Float64").fillna(0).astype(float), unit="min")
        ends = ends.where(end_clock.isna(), on_start_day.where(end_clock.notna()))
        ends_utc = ends_utc.where(end_clock.isna(), starts_utc)
        from_end = ((ends - starts).dt.total_seconds() / 60).round().astype("Float64")
        unused = given.isna() & starts.notna()
        end_unread = unused & frame["end"].notna() & ends.isna()
        end_mixed = unused & ends.notna() & (ends_utc != starts_utc)
        end_early = unused & ~end_mixed & (from_end <= 0).fillna(False)
        duration = duration.fillna(from_end.where((from_end > 0) & (ends_utc == starts_utc)))
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
        (problem == NO_DATE, lambda rows: "cannot read the date " + _quoted(when_text[rows])),
        (problem == BAD_DATE,
         lambda rows: "the date " + _quoted(when_text[rows]) + " does not exist"),
        (problem == NO_TIME,
         lambda rows: "the start time is missing in " + _quoted(when_text[rows])),
        (problem == BAD_TIME, lambda rows: "cannot read the time " + _quoted(time_text(rows))),
        (frame["service"].isna(), "the service is empty"),
        (location.isna(), "the location is empty"),
        ((duration.notna() & ~duration.between(1, 600)).fillna(False),
         lambda rows: "the duration " + duration[rows].astype("string").fillna("")
         + " minutes is not between 1 and 600"),
        ((frame["duration"].notna() & duration.isna()) if "duration" in has else never,
         lambda rows: "cannot read the duration " + quoted(frame["duration"])(rows)),
        (end_unread, lambda rows: "cannot read the end time " + quoted(frame["end"])(rows)),
        (end_mixed, "the start and the end are in different time zones"),
        (end_early, lambda rows: "the end " + quoted(frame["end"])(rows)
         + " is not after the start"),
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
        "client": _client(frame, has),
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
    if starts_utc.any():  # only then: a million-row export pays nothing for it
        rows.insert(rows.columns.get_loc("starts_at") + 1, "starts_utc", starts_utc)
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
