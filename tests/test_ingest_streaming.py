"""Exports are read as streams, a chunk at a time, with the same answers as in one piece."""

import csv
import hashlib
import io
from datetime import datetime

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spaops.ingest.bookings as bookings
from spaops.errors import UsageError
from spaops.ingest import read_bookings_export, read_bookings_file

HEADER = "Booking ID,Location,Service,Start,Duration,Price,Status\n"
NOW = datetime(2026, 11, 20, 12, 0)


@pytest.mark.parametrize("reader", ["arrow", "csv module"])
def test_a_late_day_above_12_makes_the_whole_file_day_first(monkeypatch, reader):
    monkeypatch.setattr(bookings, "CHUNK_ROWS", 2)  # four chunks of two rows
    if reader == "csv module":
        monkeypatch.setattr(bookings, "plain_batches", _not_plain)
    data = (HEADER + "".join(
        f"R-{i},Harbor Day Spa,Swedish 60,{day} 10:00,60,100,completed\n"
        for i, day in enumerate(("01/02/2026", "03/04/2026", "05/06/2026", "07/08/2026",
                                 "09/10/2026", "11/12/2026", "25/12/2026")))).encode()
    preview = read_bookings_export(data, now=NOW)
    assert (preview.day_first, preview.day_first_detected) == (True, True)
    assert preview.rows["reason"].isna().all()
    # 01/02/2026 read day-first is the 1st of February, not the 2nd of January.
    assert preview.rows["starts_at"].tolist()[:2] == [pd.Timestamp("2026-02-01 10:00"),
                                                      pd.Timestamp("2026-04-03 10:00")]
    assert preview.rows["row"].tolist() == [2, 3, 4, 5, 6, 7, 8]
    # Told month-first, the 25th month does not exist and only that row is refused.
    told = read_bookings_export(data, now=NOW, day_first=False)
    assert told.rows["reason"].notna().tolist() == [False] * 6 + [True]


def test_a_file_on_disk_reads_as_its_bytes_do(tmp_path):
    # Over a megabyte of plain ASCII before the first Windows-1252 byte: the encoding is
    # only known once the stream has been read to that point.
    lines = [f"R-{i},Harbor Day Spa,Swedish 60,2026-03-02 10:00,60,100,completed\n"
             for i in range(20_000)]
    lines.append("R-last,Harbor Day Spa,Massage for Renée,2026-03-02 11:00,60,100,completed\n")
    data = (HEADER + "".join(lines)).encode("cp1252")
    assert len(data) > 1 << 20
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    from_disk = read_bookings_file(path, now=NOW)
    in_memory = read_bookings_export(data, "export.csv", now=NOW)
    assert from_disk.encoding == in_memory.encoding == "cp1252"
    assert from_disk.sha256 == hashlib.sha256(data).hexdigest()
    assert from_disk.rows.equals(in_memory.rows)
    assert from_disk.rows["service"].iloc[-1] == "Massage for Renée"


def _not_plain(*_args, **_kwargs):
    raise bookings.NotPlain("told to")


def _read_by_csv_module(monkeypatch, data: bytes) -> object:
    """The same export read with the csv module only (the reading for files not plain)."""
    with monkeypatch.context() as patched:
        patched.setattr(bookings, "plain_batches", _not_plain)
        return _outcome(data)


def _outcome(data: bytes) -> object:
    """The rows and notes read from an export, or the error it was refused with."""
    try:
        preview = read_bookings_export(data, now=NOW)
    except UsageError as exc:
        return str(exc)
    return preview.rows, preview.notes, preview.encoding


def test_a_plain_export_is_read_by_arrow_with_the_lines_named(monkeypatch):
    def csv_module(*_args, **_kwargs):
        raise AssertionError("a plain export is read by Arrow")

    monkeypatch.setattr(bookings, "_chunks", csv_module)
    data = ("\ufeffAppointments Report\r\n\r\n" + HEADER.replace("\n", "\r\n")
            + "R-1,Harbor Day Spa,Swedish 60,2026-03-02 10:00,60,100,completed\r\n"
            + ",,,,,,\r\n"  # an empty row: not a booking, and no line is renumbered
            + "R-2,Harbor Day Spa,,2026-03-02 11:00,60,100,completed\r\n"
            + "Total,,,,,200,\r\n").encode()
    preview = read_bookings_export(data, now=NOW)
    assert preview.rows["row"].tolist() == [4, 6]
    assert preview.rows["booking_ref"].tolist() == ["R-1", "R-2"]
    assert preview.rows["reason"].tolist() == [pd.NA, "the service is empty"]
    assert preview.rows["raw"].tolist() == [
        pd.NA, "R-2,Harbor Day Spa,,2026-03-02 11:00,60,100,completed"]
    assert any("line 7" in note for note in preview.notes)  # the totals line


@pytest.mark.parametrize("text", [
    "R-1,Spa,Swedish 60,2026-03-02 10:00,60,100,completed\n\nR-2,Spa,Swedish 60,"
    "2026-03-02 11:00,60,100,completed\n",  # a blank line
    "R-1,Spa,\"Swedish\n60\",2026-03-02 10:00,60,100,completed\nR-2,Spa,Swedish 60,"
    "2026-03-02 11:00,60,100,completed\n",  # a value over two lines
    "R-1,Spa,Swedish 60,2026-03-02 10:00,60,100\nR-2,Spa,Swedish 60,"
    "2026-03-02 11:00,60,100,completed,extra\n",  # rows of the wrong width
    "R-1,Spa,Swedish 60,2026-03-02 10:00,60,100,completed\rR-2,Spa,Swedish 60,"
    "2026-03-02 11:00,60,100,bogus\r",  # old Mac line ends
])
def test_an_export_that_is_not_plain_reads_as_the_csv_module_reads_it(monkeypatch, text):
    data = (HEADER + text).encode()
    assert _same(_outcome(data), _read_by_csv_module(monkeypatch, data))


def _same(one: object, other: object) -> bool:
    """Whether two readings found the same rows and notes, or the same error."""
    if isinstance(one, str) or isinstance(other, str):
        return one == other
    pd.testing.assert_frame_equal(one[0], other[0])
    return one[1:] == other[1:]


quirky_cell = st.one_of(
    st.text(alphabet="ab é1:/-$", max_size=8),
    st.sampled_from(["", " ", "2026-11-03 14:30", "11/03/2026 2:30 PM", "25/12/2026 10:00",
                     "60", "1h 30m", "$120.00", "completed", "no-show", "Total", "\"",
                     "\n", "\r\n", "a\"b", ",", ";", "\t", "Swedish 60", "Spa"]),
)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(quirky_cell, min_size=7, max_size=7), min_size=1, max_size=8),
       wider_at=st.one_of(st.none(), st.integers(0, 8)),
       delimiter=st.sampled_from([",", ";", "\t"]),
       line_end=st.sampled_from(["\n", "\r\n"]),
       title=st.booleans(), blank_at=st.one_of(st.none(), st.integers(0, 8)),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_arrow_and_the_csv_module_read_any_export_alike(monkeypatch, rows, wider_at,
                                                        delimiter, line_end, title, blank_at,
                                                        encoding):
    if wider_at is not None:
        rows[min(wider_at, len(rows) - 1)].append("extra")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_end)
    writer.writerow(HEADER.strip().split(","))
    writer.writerows(rows)
    lines = buffer.getvalue().split(line_end)
    if blank_at is not None:
        lines.insert(min(blank_at, len(lines)), "")
    text = ("Bookings report" + line_end if title else "") + line_end.join(lines)
    data = text.encode(encoding, errors="replace")
    assert _same(_outcome(data), _read_by_csv_module(monkeypatch, data))
