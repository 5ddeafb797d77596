"""Reading any booking software's CSV export: encoding, delimiter, header, records."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NamedTuple, TextIO

from spaops.errors import UsageError

if TYPE_CHECKING:
    import pandas as pd

DELIMITERS = (",", ";", "\t")
ZIP_MAGIC = b"PK\x03\x04"  # XLSX is a zip archive
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls
TITLE_LOOKAHEAD = 30  # non-blank rows searched for the header below title rows
HEAD_BYTES = 65536  # what encoding, binary and delimiter checks look at
BLOCK_BYTES = 1 << 20
Opener = Callable[[], BinaryIO]
csv.field_size_limit(10_000_000)


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



@dataclass
class ExportPreview:
    """What reading an export found, before anything is written (the part every kind of
    file shares)."""

    file_name: str
    sha256: str
    encoding: str
    delimiter: str
    header: list[str]
    mapping: dict[str, str]
    ignored_columns: list[str]
    rows: pd.DataFrame  # one row per data record; `reason` is set on rejected ones

    @property
    def total_rows(self) -> int:
        """Non-blank data rows in the file."""
        return len(self.rows)


@dataclass(frozen=True)
class Decoded:
    """An export whose encoding and delimiter are known, read as a stream when needed.

    The file is never held whole as bytes and text at once: a million-row export would
    cost a quarter of a gigabyte before the first row is parsed.
    """

    open_binary: Opener
    encoding: str
    delimiter: str
    sha256: str
    file_format: str = "csv"  # "xlsx": the first sheet of a workbook, read as CSV

    def open_text(self) -> TextIO:
        """A fresh text stream over the whole file (the caller closes it)."""
        errors = "replace" if self.encoding == "utf-8-sig" else "strict"
        return io.TextIOWrapper(self.open_binary(), encoding=self.encoding, errors=errors,
                                newline="")


def _candidates(head: bytes) -> tuple[str, ...]:
    """Encodings to try, in order: a BOM decides; else UTF-8, then Windows code pages."""
    if head.startswith(codecs.BOM_UTF8):
        return ("utf-8-sig",)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ("utf-16",)
    if b"\x00" in head:
        raise UsageError("this is not a CSV file (it contains binary data); export the "
                         "bookings as CSV from your booking software and upload that")
    # Windows exports: cp1252 where it can, Latin-1 (which reads any byte) otherwise.
    return ("utf-8", "cp1252", "latin-1")


def _reads_as(opener: Opener, encoding: str) -> str | None:
    """The file's SHA-256 if the whole file decodes in this encoding, else None."""
    decoder = codecs.getincrementaldecoder(encoding)(
        errors="replace" if encoding == "utf-8-sig" else "strict")
    digest = hashlib.sha256()
    with opener() as stream:
        try:
            for block in iter(lambda: stream.read(BLOCK_BYTES), b""):
                digest.update(block)
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return None
    return digest.hexdigest()


def open_export(opener: Opener) -> Decoded:
    """Detect an export's format, encoding and delimiter, refusing what is not a table."""
    with opener() as stream:
        head = stream.read(HEAD_BYTES)
    if head.startswith(ZIP_MAGIC):
        return _open_workbook(opener)
    if head.startswith(OLE_MAGIC):
        raise UsageError("this is an old Excel workbook (.xls): open it in Excel and save it "
                         "as .xlsx or CSV, then upload that")
    with opener() as stream:
        head = stream.read(HEAD_BYTES)
        blank = not head.strip() and all(
            not block.strip() for block in iter(lambda: stream.read(BLOCK_BYTES), b""))
    if blank:
        raise UsageError("the file is empty: check it is the file you meant, or export it "
                         "again from your booking software or spreadsheet")
    for encoding in _candidates(head):
        sha256 = _reads_as(opener, encoding)
        if sha256 is not None:
            break
    else:
        raise UsageError("the file claims to be UTF-16 but is not readable as such")
    text = head.decode(encoding, errors="ignore").removeprefix("\ufeff")
    if len(head) == HEAD_BYTES:  # the sample's last line may be cut short
        text = text[:text.rfind("\n") + 1] or text
    if _looks_binary(text):
        raise UsageError("this is not a CSV file (it looks like binary data); export the "
                         "bookings as CSV and upload that")
    return Decoded(open_binary=opener, encoding=encoding, delimiter=sniff_delimiter(text),
                   sha256=sha256)


def _open_workbook(opener: Opener) -> Decoded:
    """An XLSX export: its first sheet written out as CSV, fed to the same pipeline."""
    from spaops.ingest.xlsx import first_sheet_as_csv  # openpyxl only when a workbook comes

    digest = hashlib.sha256()
    with opener() as stream:
        for block in iter(lambda: stream.read(BLOCK_BYTES), b""):
            digest.update(block)
    data = first_sheet_as_csv(opener)
    if not data.strip():
        raise UsageError("the workbook's first sheet is empty")
    return Decoded(open_binary=lambda: io.BytesIO(data), encoding="utf-8", delimiter=",",
                   sha256=digest.hexdigest(), file_format="xlsx")


def decode_export(data: bytes) -> Decoded:
    """Open an export held in memory (an upload)."""
    return open_export(lambda: io.BytesIO(data))


def decode_file(path: Path) -> Decoded:
    """Open an export on disk, to be read as a stream."""
    return open_export(lambda: path.open("rb"))


class Record(NamedTuple):
    """One data record: its 1-based starting line in the file and its fields."""

    line: int
    fields: list[str]


HeaderTest = Callable[[list[str]], bool]


def _filled(row: list[str]) -> int:
    return sum(1 for cell in row if cell.strip())


def _looks_like_header(row: list[str], widest: int) -> bool:
    """A plain header test: not a one- or two-cell title line above a wider table."""
    return _filled(row) > 2 or _filled(row) * 2 >= widest


class Records(Iterator[Record]):
    """The data records below the header, streamed from the file (close it when done)."""

    def __init__(self, records: Generator[Record, None, None], data_line: int | None,
                 text: TextIO) -> None:
        self._records = records
        self._text = text
        # The line the data starts on, when every line above it holds one whole record
        # (no value spans lines there): where a fast reader may start
        # (spaops.ingest.arrow_csv.plain_batches).
        self.data_line = data_line

    def __next__(self) -> Record:
        """The next record."""
        return next(self._records)

    def close(self) -> None:
        """Close the file (read or not)."""
        self._records.close()
        self._text.close()


def read_records(decoded: Decoded,
                 is_header: HeaderTest | None = None) -> tuple[list[str], Records]:
    """Return the header and an iterator over non-blank data records with line numbers."""
    # Title lines above the header ("Appointments Report", "Date range: ...") are skipped:
    # the header is the first of the first non-blank rows that `is_header` accepts, else
    # the first that is not a short title line above a wider table.
    text = decoded.open_text()
    reader = csv.reader(text, delimiter=decoded.delimiter)
    ahead: list[Record] = []
    ends: list[int] = []  # the line each record in `ahead` ends on
    try:
        start = 1
        for row in reader:
            if "".join(row).strip():  # not a blank line
                ahead.append(Record(start, row))
                ends.append(reader.line_num)
                if len(ahead) >= TITLE_LOOKAHEAD:
                    break
            start = reader.line_num + 1
    except csv.Error as exc:
        text.close()
        raise UsageError(f"line {start}: cannot read the file as CSV: {exc}") from exc
    if not ahead:
        text.close()
        raise UsageError("the file has no header row")
    widest = max(_filled(r.fields) for r in ahead)
    chosen = next((i for i, r in enumerate(ahead) if is_header and is_header(r.fields)),
                  None)
    if chosen is None:
        chosen = next(i for i, r in enumerate(ahead) if _looks_like_header(r.fields, widest))
    header = ahead[chosen].fields
    buffered = ahead[chosen + 1:]
    one_line_each = all(r.line == end for r, end in zip(ahead[:chosen + 1], ends[:chosen + 1],
                                                        strict=True))

    def records() -> Generator[Record, None, None]:
        with text:
            yield from buffered
            start = reader.line_num + 1
            try:
                for row in reader:
                    if "".join(row).strip():  # not a blank line
                        yield Record(start, row)
                    start = reader.line_num + 1
            except csv.Error as exc:
                raise UsageError(f"line {start}: cannot read the file as CSV: {exc}") from exc

    return [h.strip() for h in header], Records(
        records(), ends[chosen] + 1 if one_line_each else None, text)


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
