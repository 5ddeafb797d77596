"""Exports are read as streams, a chunk at a time, with the same answers as in one piece."""

import hashlib
from datetime import datetime

import pandas as pd

import spaops.ingest.bookings as bookings
from spaops.ingest import read_bookings_export, read_bookings_file

HEADER = "Booking ID,Location,Service,Start,Duration,Price,Status\n"
NOW = datetime(2026, 11, 20, 12, 0)


def test_a_late_day_above_12_makes_the_whole_file_day_first(monkeypatch):
    monkeypatch.setattr(bookings, "CHUNK_ROWS", 2)  # four chunks of two rows
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
