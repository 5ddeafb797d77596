"""Reading any booking software's CSV export: encoding, delimiter, header, records."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from spaops.errors import UsageError

DELIMITERS = (",", ";", "\t")
csv.field_size_limit(10_000_000)


@dataclass(frozen=True)
class Decoded:
    """A file's text with what was detected about it."""

    text: str
    encoding: str
    delimiter: str


def decode(data: bytes) -> tuple[str, str]:
    """Return the text of an export and the encoding detected (BOMs, UTF-8, else cp1252)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise UsageError("the file claims to be UTF-16 but is not readable as such") from exc
    if b"\x00" in data[:65536]:
        raise UsageError("this is not a CSV file (it contains binary data); export the "
                         "bookings as CSV from your booking software and upload that")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Windows exports: cp1252 where it can, Latin-1 (which reads any byte) otherwise.
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            return data.decode("latin-1"), "latin-1"


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if not sample:
        return False
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\r\n\t")
    return controls / len(sample) > 0.02


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter that splits the first lines into the most consistent columns."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if not lines:
        return ","
    best, best_score = ",", (-1, 0)
    for delimiter in DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(io.StringIO("\n".join(lines)),
                                                 delimiter=delimiter)]
        except csv.Error:
            continue
        header = widths[0]
        consistent = sum(1 for w in widths if w == header)
        score = (consistent if header > 1 else 0, header)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def decode_export(data: bytes) -> Decoded:
    """Decode a file and detect its delimiter, refusing what is not a CSV at all."""
    if not data.strip():
        raise UsageError("the file is empty")
    text, encoding = decode(data)
    if _looks_binary(text):
        raise UsageError("this is not a CSV file (it looks like binary data); export the "
                         "bookings as CSV and upload that")
    return Decoded(text=text, encoding=encoding, delimiter=sniff_delimiter(text))


class Record(NamedTuple):
    """One data record: its 1-based starting line in the file and its fields."""

    line: int
    fields: list[str]


def read_records(decoded: Decoded) -> tuple[list[str], Iterator[Record]]:
    """Return the header and an iterator over non-blank data records with line numbers."""
    reader = csv.reader(io.StringIO(decoded.text, newline=""), delimiter=decoded.delimiter)
    header: list[str] | None = None
    try:
        for row in reader:
            if "".join(row).strip():  # not a blank line
                header = row
                break
    except csv.Error as exc:
        raise UsageError(f"cannot read the file as CSV: {exc}") from exc
    if header is None:
        raise UsageError("the file has no header row")
    header_end = reader.line_num

    def records() -> Iterator[Record]:
        start = header_end + 1
        try:
            for row in reader:
                if "".join(row).strip():  # not a blank line
                    yield Record(start, row)
                start = reader.line_num + 1
        except csv.Error as exc:
            raise UsageError(f"line {start}: cannot read the file as CSV: {exc}") from exc

    return [h.strip() for h in header], records()


def raw_line(fields: list[str], delimiter: str) -> str:
    """A record written back as one CSV line (how it looked in the upload)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="").writerow(fields)
    return buffer.getvalue()


_PUNCT = re.compile(r"[^0-9a-z]+")


def header_key(text: str) -> str:
    """A header reduced to lower-case words: 'Appointment #' -> 'appointment number'."""
    text = text.casefold().replace("#", " number ").replace("&", " and ")
    return " ".join(_PUNCT.sub(" ", text).split())
