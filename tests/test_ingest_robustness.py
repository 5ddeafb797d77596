"""Nothing a user uploads makes the import raise or half-write: fuzzing and a killed import."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlmodel import Session

from models import Booking, Client, ImportBatch, Location
from spaops.errors import UsageError
from spaops.ingest import import_bookings, read_bookings_export

ROOT = Path(__file__).resolve().parents[1]
HEADER = "id,location,therapist,service,client,start,duration,price,status"


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise_anything_but_a_clean_error(data):
    try:
        preview = read_bookings_export(data, "fuzz.csv")
    except UsageError as exc:
        assert str(exc)
        return
    assert preview.total_rows == len(preview.rows)


cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "2026-11-03 14:30", "11/03/2026 2:30 PM", "02/30/2026", "60",
                     "1h 30m", "$120.00", "-5", "completed", "no-show", "=1+1", "\"", ";",
                     "\n", "Swedish 60", "Spa"]),
)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(cell, min_size=0, max_size=11), min_size=1, max_size=8),
       st.sampled_from([",", ";", "\t"]))
def test_random_csvs_are_read_or_refused_cleanly(sqlite_engine, rows, delimiter):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(HEADER.split(","))
    writer.writerows(rows)
    try:
        preview = read_bookings_export(buffer.getvalue().encode(), "fuzz.csv")
    except UsageError:
        return
    document = import_bookings(sqlite_engine, preview)
    assert sum(document[k] for k in ("inserted", "updated", "unchanged", "duplicates",
                                     "rejected")) == document["rows"]


def _big_export(path: Path, rows: int) -> None:
    with path.open("w") as f:
        f.write(HEADER + "\n")
        for i in range(rows):
            day = 1 + i % 28
            f.write(f"K-{i},Kill Spa,Ann {i % 40},Swedish 60,c{i % 5000},"
                    f"2026-10-{day:02d} {9 + i % 8}:00,60,100,completed\n")


def test_an_import_killed_midway_leaves_nothing_behind(engine, db_url, tmp_path):
    export = tmp_path / "big.csv"
    _big_export(export, 60_000)
    process = subprocess.Popen(
        [sys.executable, "-m", "spaops.cli", "import", "bookings", str(export), "--db",
         db_url, "--json"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    deadline = time.monotonic() + 120
    seen = ""
    while "writing bookings" not in seen and time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        seen += line
    assert "writing bookings" in seen, seen
    # Killed at once: the locations, services, clients and the batch are written by now,
    # the 60,000 bookings are being written. (A pause of 0.3 s first let a fast machine
    # finish and commit the whole import before the kill.)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    with Session(engine) as s:
        for model in (Booking, ImportBatch, Client, Location):
            assert s.scalar(select(func.count()).select_from(model)) == 0, model


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_every_supported_encoding_reads_the_same_rows(encoding):
    text = (HEADER + "\n" + "E-1,Café Spa,Renée,Swedish 60,Zoë,2026-11-01 09:00,60,100,paid\n")
    preview = read_bookings_export(text.encode(encoding), "enc.csv")
    row = preview.rows.iloc[0]
    assert (row["location"], row["therapist"], row["client"]) == ("Café Spa", "Renée", "Zoë")
    assert row["status"] == "completed"
