"""Excel workbooks (XLSX) as CSV text: the first sheet, one CSV line per sheet row.

Some booking suites export only to Excel. Their workbook's first sheet is written out as
CSV and read like any CSV export, so its row numbers are the sheet's row numbers.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from typing import Any

from spaops.errors import UsageError
from spaops.ingest.reading import Opener


def cell_text(value: Any, number_format: str = "") -> str:
    """A cell value as an export would print it (dates ISO, times 24-hour, plain numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        if value.time() == time(0) and "h" not in number_format.lower():
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, timedelta):
        minutes = round(value.total_seconds() / 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(round(value, 6), "f").rstrip("0").rstrip(".")
    # One sheet row is one CSV line: line breaks inside a cell become spaces.
    return " ".join(str(value).splitlines())


def first_sheet_as_csv(opener: Opener) -> bytes:
    """The first sheet of an XLSX workbook as UTF-8 CSV bytes."""
    from openpyxl import load_workbook

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    with opener() as stream:
        try:
            workbook = load_workbook(stream, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on a damaged or foreign zip
            raise UsageError("this is a zip archive but not a readable Excel workbook "
                             f"({type(exc).__name__}); export the bookings as CSV or .xlsx "
                             "and upload that") from exc
        try:
            if not workbook.worksheets:
                raise UsageError("the workbook has no sheets")
            sheet = workbook.worksheets[0]
            expected = 1
            for row in sheet.iter_rows():
                number = next((c.row for c in row if getattr(c, "row", None)), None)
                while number is not None and expected < number:  # keep sheet row numbers
                    writer.writerow([])
                    expected += 1
                writer.writerow([cell_text(c.value, getattr(c, "number_format", "") or "")
                                 for c in row])
                expected += 1
        except UsageError:
            raise
        except Exception as exc:  # a damaged sheet: say so plainly, never a traceback
            raise UsageError(f"cannot read the workbook's first sheet ({type(exc).__name__}); "
                             "export the bookings as CSV and upload that") from exc
        finally:
            workbook.close()
    return buffer.getvalue().encode("utf-8")
