"""Roster and shift files: the same reading, validation and counts as a booking import."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from datetime import UTC, date, datetime, time
from typing import Any

import pandas as pd
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models import CREDENTIAL_KINDS, Credential, ImportBatch, ImportRejection, Location, Shift
from models import Therapist as TherapistRow
from spaops.db import session_scope
from spaops.errors import UsageError
from spaops.ingest.mapping import map_headers
from spaops.ingest.reading import decode_export, raw_line, read_records
from spaops.ingest.values import (
    build_dates,
    clean,
    detect_day_first,
    parse_times,
    parse_yes_no,
    split_date_time,
)
from spaops.names import display_name, name_key
from spaops.revision import bump_data_revision

THERAPIST_FIELDS = {
    "name": ("name", "therapist", "therapist name", "staff", "staff member", "employee"),
    "location": ("location", "home location", "site", "branch", "center"),
    "license_number": ("license number", "license", "lmt", "lmt number", "license no"),
    "license_state": ("license state", "state"),
    "license_expires": ("license expires", "license expiry", "license expiration",
                        "expires", "expiry"),
    "credentials": ("credentials", "specialties", "certifications"),
    "gender": ("gender",),
    "active": ("active", "is active"),
}
SHIFT_FIELDS = {
    "therapist": ("therapist", "staff", "staff member", "employee", "provider", "name"),
    "location": ("location", "site", "branch", "center"),
    "date": ("date", "shift date", "day"),
    "start": ("start", "start time", "from"),
    "end": ("end", "end time", "to", "until"),
}


def _read(data: bytes, fields: dict, required: tuple[str, ...], what: str) -> tuple:
    decoded = decode_export(data)
    header, records = read_records(decoded)
    mapping, _ignored = map_headers(header, fields)
    missing = [f for f in required if f not in mapping]
    if missing:
        raise UsageError(f"not a {what} file: no column for {', '.join(missing)} "
                         f"(columns found: {', '.join(header[:12])})")
    rows = []
    for record in records:
        values = {f: (record.fields[header.index(h)].strip()
                      if header.index(h) < len(record.fields) else "")
                  for f, h in mapping.items()}
        rows.append({"row": record.line, "fields_ok": len(record.fields) == len(header),
                     "n_fields": len(record.fields),
                     "raw": raw_line(record.fields, decoded.delimiter), **values})
    if not rows:
        raise UsageError("the file has a header but no data rows")
    frame = pd.DataFrame(rows)
    for f in fields:
        if f not in frame:
            frame[f] = ""
    return frame, len(header)


def _dates(series: pd.Series) -> pd.Series:
    parts = split_date_time(series)
    return build_dates(parts, day_first=detect_day_first(parts))


def _batch(session: Session, kind: str, file_name: str, data: bytes, username: str,
           document: dict, rejected: pd.DataFrame, ref_column: str) -> int:
    batch = ImportBatch(
        kind=kind, file_name=file_name[:255], sha256=hashlib.sha256(data).hexdigest(),
        username=username, imported_at=datetime.now(UTC),
        **{k: document[k] for k in ("rows", "inserted", "updated", "unchanged",
                                    "duplicates", "rejected")},
        new_names=json.dumps({k: document[k] for k in
                              ("new_locations", "new_therapists", "new_services")}))
    session.add(batch)
    session.flush()
    if len(rejected):
        session.execute(insert(ImportRejection.__table__), [
            {"batch_id": batch.id, "row": int(r["row"]), "booking_ref": str(r[ref_column])[:200],
             "reason": r["reason"], "raw_line": r["raw"]} for _, r in rejected.iterrows()])
    return batch.id


def _document(frame: pd.DataFrame, ref_column: str, new_locations: list[str],
              new_therapists: list[str]) -> dict[str, Any]:
    outcome = frame["outcome"].value_counts()
    rejected = frame[frame["outcome"] == "rejected"]
    return {
        "rows": len(frame), "inserted": int(outcome.get("inserted", 0)),
        "updated": int(outcome.get("updated", 0)),
        "unchanged": int(outcome.get("unchanged", 0)),
        "duplicates": int(outcome.get("duplicate", 0)),
        "rejected": int(outcome.get("rejected", 0)),
        "rejections": [{"row": int(r["row"]), "booking_ref": str(r[ref_column]),
                        "reason": r["reason"]} for _, r in rejected.iterrows()],
        "new_locations": new_locations, "new_therapists": new_therapists, "new_services": [],
    }


def _locations(session: Session, frame: pd.DataFrame,
               allowed: Collection[int] | None) -> tuple[dict[str, int], list[str]]:
    """Location ids by key, creating the unknown ones (owners only) for valid rows."""
    known = dict(session.execute(select(Location.name_key, Location.id)).all())
    new: list[str] = []
    for name in frame.loc[frame["reason"].isna(), "location"]:
        key = name_key(name)
        if key in known:
            if allowed is not None and known[key] not in allowed:
                frame.loc[(frame["location"] == name) & frame["reason"].isna(), "reason"] = (
                    f"the location '{name}' is not one of yours")
            continue
        if allowed is not None:
            frame.loc[(frame["location"] == name) & frame["reason"].isna(), "reason"] = (
                f"unknown location '{name}': an owner must add it first")
            continue
        location = Location(name=display_name(name), name_key=key, tier="suburban")
        session.add(location)
        session.flush()
        known[key] = location.id
        new.append(location.name)
    return known, new


def _parse_credentials(text: str) -> tuple[list[tuple[str, date | None]], str | None]:
    """'deep_tissue; prenatal:2027-05-01' -> [(kind, expiry)], or a reason."""
    found = []
    for item in filter(None, (p.strip() for p in (text or "").split(";"))):
        kind, _, expiry = item.partition(":")
        kind = kind.strip().lower().replace(" ", "_").replace("-", "_")
        if kind not in CREDENTIAL_KINDS:
            return [], f"unknown credential '{kind}' (known: {', '.join(CREDENTIAL_KINDS)})"
        try:
            when = date.fromisoformat(expiry.strip()) if expiry.strip() else None
        except ValueError:
            return [], f"the credential expiry '{expiry.strip()}' is not a date (YYYY-MM-DD)"
        found.append((kind, when))
    return found, None


def import_therapists(engine: Engine, data: bytes, file_name: str = "roster.csv", *,
                      username: str = "",
                      allowed_location_ids: Collection[int] | None = None) -> dict[str, Any]:
    """Create or update therapists by name, with license and credentials."""
    frame, width = _read(data, THERAPIST_FIELDS, ("name", "location"), "therapist roster")
    frame["name"] = frame["name"].map(display_name)
    expires = _dates(clean(frame["license_expires"]))
    active = parse_yes_no(frame["active"]).fillna(True)
    frame["reason"] = None
    frame.loc[~frame["fields_ok"], "reason"] = frame["n_fields"].map(
        lambda n: f"the row has {n} fields but the header has {width}")
    bad = frame["reason"].isna() & (frame["name"] == "")
    frame.loc[bad, "reason"] = "the name is empty"
    bad = frame["reason"].isna() & (frame["location"] == "")
    frame.loc[bad, "reason"] = "the location is empty"
    bad = frame["reason"].isna() & (frame["license_expires"] != "") & expires.isna()
    frame.loc[bad, "reason"] = "the license expiry '" + frame["license_expires"] + \
        "' is not a date"
    parsed = frame["credentials"].map(_parse_credentials)
    for index, (_creds, reason) in parsed.items():
        if reason and frame.at[index, "reason"] is None:
            frame.at[index, "reason"] = reason
    with session_scope(engine, write=True) as session:
        locations, new_locations = _locations(session, frame, allowed_location_ids)
        existing = {t.name_key: t for t in session.scalars(select(TherapistRow)).all()}
        frame["outcome"] = None
        frame.loc[frame["reason"].notna(), "outcome"] = "rejected"
        valid = frame["outcome"].isna()
        twins = frame[valid].assign(key=frame["name"].map(name_key)).duplicated("key",
                                                                                keep="last")
        frame.loc[twins[twins].index, "outcome"] = "duplicate"
        new_therapists: list[str] = []
        for index, r in frame[frame["outcome"].isna()].iterrows():
            key = name_key(r["name"])
            values = {
                "home_location_id": locations[name_key(r["location"])],
                "license_number": r["license_number"] or None,
                "license_state": (r["license_state"] or "").upper() or None,
                "license_expires": None if pd.isna(expires[index])
                else expires[index].date(),
                "gender": (r["gender"] or "").lower() or None,
                "active": bool(active[index]),
            }
            credentials = sorted(parsed[index][0], key=lambda c: c[0])
            therapist = existing.get(key)
            if therapist is None:
                therapist = TherapistRow(name=r["name"], name_key=key, **values)
                session.add(therapist)
                session.flush()
                existing[key] = therapist
                new_therapists.append(therapist.name)
                frame.at[index, "outcome"] = "inserted"
                stored: list = []
            else:
                stored = sorted((c.kind, c.expires) for c in session.scalars(
                    select(Credential).where(Credential.therapist_id == therapist.id)).all())
                same = all(getattr(therapist, k) == v for k, v in values.items())
                if same and stored == credentials:
                    frame.at[index, "outcome"] = "unchanged"
                    continue
                for k, v in values.items():
                    setattr(therapist, k, v)
                session.add(therapist)
                frame.at[index, "outcome"] = "updated"
            if stored != credentials:
                session.execute(delete(Credential.__table__).where(
                    Credential.__table__.c.therapist_id == therapist.id))
                for kind, expiry in credentials:
                    session.add(Credential(therapist_id=therapist.id, kind=kind, expires=expiry))
        document = _document(frame, "name", new_locations, new_therapists)
        rejected = frame[frame["outcome"] == "rejected"]
        batch_id = _batch(session, "therapists", file_name, data, username, document,
                          rejected, "name")
        bump_data_revision(session)
    return {"batch_id": batch_id, **document}


def import_shifts(engine: Engine, data: bytes, file_name: str = "shifts.csv", *,
                  username: str = "",
                  allowed_location_ids: Collection[int] | None = None) -> dict[str, Any]:
    """Create or update therapist shifts (one per therapist, date and start time)."""
    frame, width = _read(data, SHIFT_FIELDS, ("therapist", "location", "date", "start",
                                              "end"), "shift")
    frame["therapist"] = frame["therapist"].map(display_name)
    days = _dates(clean(frame["date"]))
    starts = parse_times(clean(frame["start"]))
    ends = parse_times(clean(frame["end"]))
    frame["reason"] = None
    checks = [
        (~frame["fields_ok"], frame["n_fields"].map(
            lambda n: f"the row has {n} fields but the header has {width}")),
        (frame["therapist"] == "", "the therapist is empty"),
        (frame["location"] == "", "the location is empty"),
        (days.isna(), "the date '" + frame["date"] + "' is not a real date"),
        (starts.isna(), "cannot read the start time '" + frame["start"] + "'"),
        (ends.isna(), "cannot read the end time '" + frame["end"] + "'"),
        ((ends <= starts).fillna(False), "the shift ends before it starts"),
    ]
    for failed, reason in checks:
        hit = failed.fillna(False).astype(bool) & frame["reason"].isna()
        frame.loc[hit, "reason"] = reason[hit] if isinstance(reason, pd.Series) else reason
    frame["ref"] = frame["therapist"] + " " + frame["date"] + " " + frame["start"]
    with session_scope(engine, write=True) as session:
        locations, new_locations = _locations(session, frame, allowed_location_ids)
        therapists = dict(session.execute(
            select(TherapistRow.name_key, TherapistRow.id)).all())
        frame["outcome"] = None
        frame.loc[frame["reason"].notna(), "outcome"] = "rejected"
        frame["key"] = (frame["therapist"].map(name_key) + "|" + days.astype(str) + "|"
                        + starts.astype(str))
        valid = frame["outcome"].isna()
        twins = frame[valid].duplicated("key", keep="last")
        frame.loc[twins[twins].index, "outcome"] = "duplicate"
        new_therapists: list[str] = []
        table = Shift.__table__
        for index, r in frame[frame["outcome"].isna()].iterrows():
            key = name_key(r["therapist"])
            location_id = locations[name_key(r["location"])]
            if key not in therapists:
                therapist = TherapistRow(name=r["therapist"], name_key=key,
                                         home_location_id=location_id)
                session.add(therapist)
                session.flush()
                therapists[key] = therapist.id
                new_therapists.append(therapist.name)
            start = time(int(starts[index]) // 60, int(starts[index]) % 60)
            end = time(int(ends[index]) // 60, int(ends[index]) % 60)
            day = days[index].date()
            stored = session.execute(select(table.c.id, table.c.location_id, table.c.end_time)
                                     .where(table.c.therapist_id == therapists[key],
                                            table.c.shift_date == day,
                                            table.c.start_time == start)).first()
            if stored is None:
                session.execute(insert(table).values(
                    therapist_id=therapists[key], location_id=location_id, shift_date=day,
                    start_time=start, end_time=end))
                frame.at[index, "outcome"] = "inserted"
            elif stored.location_id == location_id and stored.end_time == end:
                frame.at[index, "outcome"] = "unchanged"
            else:
                session.execute(update(table).where(table.c.id == stored.id)
                                .values(location_id=location_id, end_time=end))
                frame.at[index, "outcome"] = "updated"
        document = _document(frame, "ref", new_locations, new_therapists)
        rejected = frame[frame["outcome"] == "rejected"]
        batch_id = _batch(session, "shifts", file_name, data, username, document, rejected,
                          "ref")
        bump_data_revision(session)
    return {"batch_id": batch_id, **document}
