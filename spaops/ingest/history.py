"""The history of imports: each batch recorded with its counts and rejected rows, and read
back as each person may see it."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from typing import Any

import pandas as pd
from sqlalchemy import insert, or_, select
from sqlmodel import Session

from models import ImportBatch, ImportRejection, Location
from spaops import clock

COUNTS = ("rows", "inserted", "updated", "unchanged", "duplicates", "rejected")
NEW_NAMES = ("new_locations", "new_therapists", "new_services")


def record_batch(session: Session, *, kind: str, file_name: str, sha256: str, username: str,
                 document: dict[str, Any], written_location_ids: Collection[int],
                 rejections: Iterable[tuple[int, str, str, str]]) -> int:
    """Record an import: its counts document (DESIGN.md), the one location it wrote to (if
    only one) and its rejected rows as (row, reference, reason, raw line); its id."""
    touched = set(written_location_ids)
    batch = ImportBatch(kind=kind, file_name=file_name[:255], sha256=sha256,
                        username=username, imported_at=clock.now(),
                        location_id=touched.pop() if len(touched) == 1 else None,
                        **{k: document[k] for k in COUNTS},
                        new_names=json.dumps({k: document[k] for k in NEW_NAMES}))
    session.add(batch)
    session.flush()
    assert batch.id is not None
    rows = [{"batch_id": batch.id, "row": int(row), "booking_ref": ref[:200],
             "reason": reason[:500], "raw_line": raw} for row, ref, reason, raw in rejections]
    if rows:
        session.execute(insert(ImportRejection.__table__), rows)
    return batch.id


def import_history(session: Session, *, location_ids: Collection[int] | None = None,
                   username: str | None = None, kind: str | None = None,
                   limit: int = 100) -> pd.DataFrame:
    """Recent import batches with their counts and kind; scoped to locations, uploader, kind."""
    batch, loc = ImportBatch.__table__, Location.__table__
    stmt = (select(batch.c.id.label("batch"), batch.c.imported_at, batch.c.kind,
                   batch.c.file_name, batch.c.username, loc.c.name.label("location"),
                   batch.c.rows, batch.c.inserted, batch.c.updated, batch.c.unchanged,
                   batch.c.duplicates, batch.c.rejected, batch.c.new_names)
            .select_from(batch.outerjoin(loc, loc.c.id == batch.c.location_id))
            .order_by(batch.c.id.desc()).limit(limit))
    if username is not None:
        stmt = stmt.where(batch.c.username == username)
    if kind is not None:
        stmt = stmt.where(batch.c.kind == kind)
    if location_ids is not None:
        # Batches spanning several locations stay visible to the person who uploaded them.
        own = batch.c.username == (username or "")
        stmt = stmt.where(or_(batch.c.location_id.in_(sorted(location_ids)), own))
    frame = pd.DataFrame(session.execute(stmt).mappings().all())
    if frame.empty:
        return frame
    frame["new_names"] = frame["new_names"].map(
        lambda text: ", ".join(n for names in json.loads(text).values() for n in names))
    return frame


def batch_rejections(session: Session, batch_id: int) -> pd.DataFrame:
    """The rows one batch rejected, with reasons and raw lines."""
    table = ImportRejection.__table__
    stmt = (select(table.c.row, table.c.booking_ref, table.c.reason, table.c.raw_line)
            .where(table.c.batch_id == batch_id).order_by(table.c.row))
    return pd.DataFrame(session.execute(stmt).mappings().all(),
                        columns=["row", "booking_ref", "reason", "raw_line"])


def weekly_arrivals(session: Session, *, weeks: int = 12,
                    location_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Bookings per week of their start, split by whether an import brought them in."""
    from datetime import datetime, time, timedelta

    from sqlalchemy import case, func

    from models import Booking
    from spaops.analytics.kpis import in_scope
    from spaops.analytics.sqlfuncs import week_start

    b = Booking.__table__
    since = datetime.combine(clock.today() - timedelta(weeks=weeks), time())
    week = week_start(b.c.starts_at).label("week")
    source = case((b.c.import_batch_id.isnot(None), "imported"), else_="entered or seeded")
    frame = pd.DataFrame(session.execute(
        select(week, source.label("source"), func.count().label("bookings"))
        .where(b.c.starts_at >= since, in_scope(b.c.location_id, location_ids))
        .group_by(week, source).order_by(week)).mappings().all(),
        columns=["week", "source", "bookings"])
    frame["week"] = pd.to_datetime(frame["week"])
    return frame
