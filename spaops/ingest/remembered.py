"""Column choices remembered per file layout, applied to the next file with that header.

A layout is the file's kind and its header, each column name reduced by `header_key`,
so a re-export with different capitals or punctuation is the same layout.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from models import HeaderMapping
from spaops import clock
from spaops.db import session_scope
from spaops.errors import UsageError
from spaops.ingest.reading import decode_export, decode_file, header_key, read_records

KINDS = ("bookings", "therapists", "shifts")


@dataclass(frozen=True)
class RememberedMapping:
    """Columns someone chose for a layout: field -> header of the file at hand ("" = none)."""

    mapping: dict[str, str]
    saved_by: str
    saved_at: datetime


def layout_signature(kind: str, header: list[str]) -> str:
    """SHA-256 of the file kind and its normalised header keys."""
    if kind not in KINDS:
        raise ValueError(f"unknown file kind {kind!r} (known: {', '.join(KINDS)})")
    text = json.dumps([kind, [header_key(h) for h in header]])
    return hashlib.sha256(text.encode()).hexdigest()


def save_mapping(session: Session, kind: str, header: list[str], mapping: dict[str, str],
                 username: str) -> None:
    """Remember field -> header ("" for a field the file lacks) for this layout."""
    unknown = sorted(h for h in mapping.values() if h and h not in header)
    if unknown:
        raise ValueError(f"the file has no column {unknown[0]!r}")
    signature = layout_signature(kind, header)
    row = session.get(HeaderMapping, signature) or HeaderMapping(
        signature=signature, kind=kind, mapping="{}", saved_at=clock.now())
    row.mapping = json.dumps(dict(sorted(mapping.items())))
    row.saved_by = username[:80]
    row.saved_at = clock.now()
    session.add(row)
    session.flush()


def remembered_layout(session: Session, kind: str,
                      header: list[str]) -> RememberedMapping | None:
    """The columns remembered for this layout, with who chose them and when, or None."""
    row = session.get(HeaderMapping, layout_signature(kind, header))
    if row is None:
        return None
    by_key: dict[str, str] = {}
    for h in header:
        by_key.setdefault(header_key(h), h)
    mapping = {f: by_key.get(header_key(h), "") if h else ""
               for f, h in json.loads(row.mapping).items()}
    return RememberedMapping(mapping=mapping, saved_by=row.saved_by, saved_at=row.saved_at)


def remembered_mapping(session: Session, kind: str, header: list[str]) -> dict[str, str] | None:
    """Field -> header remembered for this layout (headers as this file spells them)."""
    found = remembered_layout(session, kind, header)
    return None if found is None else found.mapping


def file_header(source: bytes | Path) -> list[str]:
    """The header row of a file in memory or on disk; [] when it is not readable as CSV."""
    try:
        decoded = decode_export(source) if isinstance(source, bytes) else decode_file(source)
        header, records = read_records(decoded)
    except (UsageError, OSError):
        return []
    next(records, None)  # enter the reader so that closing it closes the file
    records.close()
    return header


def remembered_for_file(engine: Engine, kind: str,
                        source: bytes | Path) -> dict[str, str] | None:
    """The remembered mapping for a file's layout (what the command line applies)."""
    header = file_header(source)
    if not header:
        return None
    with session_scope(engine) as session:
        return remembered_mapping(session, kind, header)
