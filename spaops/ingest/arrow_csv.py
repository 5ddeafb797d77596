"""A plain export's data lines read by Arrow's CSV reader, five times faster than `csv`.

Most exports are plain: below the header, every line is one record of the header's width,
no value spans lines and no line is empty. Arrow reads those in C++, a megabyte at a
time. Anything else raises `NotPlain` (at the first batch that shows it), and the caller
reads the file with the csv module from the start, which names every line of it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from spaops.ingest.reading import HEAD_BYTES, Decoded

BLOCK_BYTES = 1 << 20
ENCODINGS = {"utf-8": "utf8", "utf-8-sig": "utf8", "cp1252": "cp1252", "latin-1": "latin1"}


class NotPlain(Exception):
    """The file is not plain: read it with the csv module instead."""


def _data_offset(decoded: Decoded, data_line: int) -> tuple[int, float]:
    """The byte where line `data_line` starts, if the lines above end in LF or CR LF; and
    the mean length in bytes of the lines after it in the file's first bytes."""
    if decoded.encoding not in ENCODINGS:
        raise NotPlain(decoded.encoding)  # UTF-16: a newline is not one byte
    with decoded.open_binary() as stream:
        head = stream.read(HEAD_BYTES)
    offset = 0
    for _ in range(data_line - 1):
        end = head.find(b"\n", offset)
        if end < 0:
            raise NotPlain("the header is not within the first bytes")
        offset = end + 1
    if head.count(b"\r", 0, offset) != head.count(b"\r\n", 0, offset):
        raise NotPlain("lines ended by a lone carriage return")
    sample = head[offset:]
    return offset, len(sample) / max(1, sample.count(b"\n"))


def _spans_lines(table: pa.Table) -> bool:
    """Whether a value holds a line break (its record spans lines)."""
    return any(pc.any(pc.match_substring(column, brk)).as_py()
               for column in table.columns for brk in ("\n", "\r"))


def plain_batches(decoded: Decoded, data_line: int, width: int,
                  rows: int) -> Iterator[tuple[np.ndarray, pa.Table]]:
    """The data lines from `data_line` on, as (line numbers, text columns) about `rows`
    lines at a time, blank lines left out; raises `NotPlain` where the csv module must
    read the file instead."""
    offset, line_bytes = _data_offset(decoded, data_line)
    wrong_width: list[int] = []

    def on_wrong_width(_row: object) -> str:
        wrong_width.append(1)
        return "skip"

    names = [f"c{i}" for i in range(width)]
    stream = decoded.open_binary()
    try:
        stream.seek(offset)
        reader = pa_csv.open_csv(
            stream,
            # Arrow reads a dozen blocks ahead: small blocks keep that to a few megabytes.
            read_options=pa_csv.ReadOptions(
                column_names=names, encoding=ENCODINGS[decoded.encoding], use_threads=False,
                block_size=max(1, min(BLOCK_BYTES, math.ceil(rows * line_bytes)))),
            parse_options=pa_csv.ParseOptions(delimiter=decoded.delimiter,
                                              newlines_in_values=False,
                                              ignore_empty_lines=False,
                                              invalid_row_handler=on_wrong_width),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string())))
        line = data_line
        for table in _grouped(reader, rows):
            if wrong_width or _spans_lines(table):
                raise NotPlain("a record spans lines or has the wrong number of fields")
            lines = np.arange(line, line + table.num_rows)
            line += table.num_rows
            blank = None
            for column in table.columns:
                empty = pc.equal(pc.binary_length(pc.utf8_trim_whitespace(column)), 0)
                blank = empty if blank is None else pc.and_(blank, empty)
            if blank is not None and pc.any(blank).as_py():
                keep = pc.invert(blank)
                lines, table = lines[keep.to_numpy(zero_copy_only=False)], table.filter(keep)
            yield lines, table
        if wrong_width:
            raise NotPlain("a row has the wrong number of fields")
    except (pa.ArrowException, UnicodeDecodeError) as exc:
        raise NotPlain(str(exc)) from exc
    finally:
        stream.close()


def _grouped(reader: pa_csv.CSVStreamingReader, rows: int) -> Iterator[pa.Table]:
    """The reader's batches gathered into tables of at least `rows` rows (the last less)."""
    batches: list[pa.RecordBatch] = []
    count = 0
    for batch in reader:
        batches.append(batch)
        count += batch.num_rows
        if count >= rows:
            yield pa.Table.from_batches(batches)
            batches, count = [], 0
    if batches:
        yield pa.Table.from_batches(batches)
