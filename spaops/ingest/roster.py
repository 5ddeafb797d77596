"""Roster and shift files: read (a preview), plan against the database (a dry run), import.

The same shape as a booking import: reading validates every row without the database,
planning decides each row's outcome writing nothing, importing applies the plan in one
transaction, so a preview's counts are exactly what the import then does.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

import pandas as pd
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models import CREDENTIAL_KINDS, Credential, Location, Shift
from models import Therapist as TherapistRow
from spaops.db import session_scope
from spaops.errors import UsageError
from spaops.ingest.history import record_batch
from spaops.ingest.mapping import map_headers
from spaops.ingest.reading import ExportPreview, decode_export, raw_line, read_records
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
ROSTER_KINDS: dict[str, tuple[dict[str, tuple[str, ...]], tuple[str, ...], str]] = {
    # kind -> (fields with synonyms, required fields, what the file is called)
    "therapists": (THERAPIST_FIELDS, ("name", "location"), "therapist roster"),
    "shifts": (SHIFT_FIELDS, ("therapist", "location", "date", "start", "end"), "shift"),
}
OUTCOMES = ("inserted", "updated", "unchanged", "duplicate", "rejected")
WRITTEN = ("inserted", "updated")


@dataclass
class RosterPreview(ExportPreview):
    """What reading a roster or shift file found, before anything is written; its rows
    hold the file's text per field, parsed values, `ref`, `reason` and `raw`."""

    kind: str = "therapists"  # or "shifts"


@dataclass
class RosterPlan:
    """What importing a roster or shift file would do, row by row."""

    kind: str
    rows: pd.DataFrame  # the preview's rows plus `location_key` and `outcome`
    new_locations: list[str]
    new_therapists: list[str]
    locations: dict[str, int | None] = field(default_factory=dict)  # key -> id (None: new)

    def written(self) -> pd.Series:
        """Which rows the import writes (inserted or updated)."""
        return self.rows["outcome"].isin(WRITTEN)

    def counts(self) -> dict[str, Any]:
        """The counts document of DESIGN.md (without batch_id)."""
        outcome = self.rows["outcome"].value_counts()
        rejected = self.rows[self.rows["outcome"] == "rejected"].sort_values("row")
        return {
            "rows": len(self.rows), "inserted": int(outcome.get("inserted", 0)),
            "updated": int(outcome.get("updated", 0)),
            "unchanged": int(outcome.get("unchanged", 0)),
            "duplicates": int(outcome.get("duplicate", 0)),
            "rejected": int(outcome.get("rejected", 0)),
            "rejections": [{"row": int(r["row"]), "booking_ref": str(r["ref"]),
                            "reason": str(r["reason"])} for _, r in rejected.iterrows()],
            "new_locations": list(self.new_locations),
            "new_therapists": list(self.new_therapists), "new_services": [],
        }


# Reading -------------------------------------------------------------------------------

def read_roster_export(data: bytes, file_name: str = "roster.csv", kind: str = "therapists",
                       *, mapping_overrides: dict[str, str] | None = None) -> RosterPreview:
    """Read a therapist roster or shift file and validate every row; no database."""
    if kind not in ROSTER_KINDS:
        raise ValueError(f"unknown roster file kind {kind!r}")
    fields, required, what = ROSTER_KINDS[kind]
    decoded = decode_export(data)
    header, records = read_records(decoded)
    try:
        mapping, ignored = map_headers(header, fields, mapping_overrides)
    except ValueError as exc:
        records.close()
        raise UsageError(str(exc)) from exc
    missing = [f for f in required if f not in mapping]
    if missing:
        records.close()
        raise UsageError(f"not a {what} file: no column for {', '.join(missing)} "
                         f"(columns found: {', '.join(header[:12]) or 'none'})")
    positions = {f: header.index(h) for f, h in mapping.items()}
    rows = []
    for record in records:
        values = {f: (record.fields[i].strip() if i < len(record.fields) else "")
                  for f, i in positions.items()}
        rows.append({"row": record.line, "n_fields": len(record.fields),
                     "raw": raw_line(record.fields, decoded.delimiter), **values})
    if not rows:
        raise UsageError("the file has a header but no data rows")
    frame = pd.DataFrame(rows)
    for name in fields:
        if name not in frame:
            frame[name] = ""
    frame["reason"] = None
    width = len(header)
    _fail(frame, frame["n_fields"] != width, frame["n_fields"].map(
        lambda n: f"the row has {n} fields but the header has {width}"))
    (_validate_therapists if kind == "therapists" else _validate_shifts)(frame)
    return RosterPreview(kind=kind, file_name=file_name, sha256=decoded.sha256,
                         encoding=decoded.encoding, delimiter=decoded.delimiter,
                         header=header, mapping=mapping, ignored_columns=ignored, rows=frame)


def _fail(frame: pd.DataFrame, failed: pd.Series, reason: str | pd.Series) -> None:
    """Give a reason to the failing rows that have none yet."""
    hit = failed.fillna(False).astype(bool) & frame["reason"].isna()
    if hit.any():
        frame.loc[hit, "reason"] = reason[hit] if isinstance(reason, pd.Series) else reason


def _dates(series: pd.Series) -> pd.Series:
    parts = split_date_time(series)
    return build_dates(parts, day_first=detect_day_first(parts))


def _parse_credentials(text: str) -> tuple[list[tuple[str, date | None]], str | None]:
    """'deep_tissue; prenatal:2027-05-01' -> [(kind, expiry)] sorted by kind, or a reason."""
    found: dict[str, date | None] = {}
    for item in filter(None, (p.strip() for p in (text or "").split(";"))):
        kind, _, expiry = item.partition(":")
        kind = kind.strip().lower().replace(" ", "_").replace("-", "_")
        if kind not in CREDENTIAL_KINDS:
            return [], f"unknown credential '{kind}' (known: {', '.join(CREDENTIAL_KINDS)})"
        try:
            found[kind] = date.fromisoformat(expiry.strip()) if expiry.strip() else None
        except ValueError:
            return [], f"the credential expiry '{expiry.strip()}' is not a date (YYYY-MM-DD)"
    return sorted(found.items(), key=lambda c: c[0]), None


def _validate_therapists(frame: pd.DataFrame) -> None:
    """Parse and check a roster's rows in place (reasons on the bad ones)."""
    frame["name"] = frame["name"].map(display_name)
    frame["ref"] = frame["name"]
    expires = _dates(clean(frame["license_expires"]))
    frame["expires_on"] = [None if pd.isna(v) else v.date() for v in expires]
    frame["is_active"] = parse_yes_no(frame["active"]).fillna(True).astype(bool)
    _fail(frame, frame["name"] == "", "the name is empty")
    _fail(frame, frame["location"] == "", "the location is empty")
    _fail(frame, (frame["license_expires"] != "") & expires.isna(),
          "the license expiry '" + frame["license_expires"] + "' is not a date")
    parsed = frame["credentials"].map(_parse_credentials)
    frame["credential_list"] = parsed.map(lambda p: p[0])
    _fail(frame, parsed.map(lambda p: p[1] is not None), parsed.map(lambda p: p[1]))


def _validate_shifts(frame: pd.DataFrame) -> None:
    """Parse and check a shift file's rows in place (reasons on the bad ones)."""
    frame["therapist"] = frame["therapist"].map(display_name)
    frame["ref"] = frame["therapist"] + " " + frame["date"] + " " + frame["start"]
    days = _dates(clean(frame["date"]))
    starts = parse_times(clean(frame["start"]))
    ends = parse_times(clean(frame["end"]))
    frame["day"] = [None if pd.isna(v) else v.date() for v in days]
    frame["start_time"] = [None if pd.isna(m) else time(int(m) // 60, int(m) % 60)
                           for m in starts]
    frame["end_time"] = [None if pd.isna(m) else time(int(m) // 60, int(m) % 60)
                         for m in ends]
    _fail(frame, frame["therapist"] == "", "the therapist is empty")
    _fail(frame, frame["location"] == "", "the location is empty")
    _fail(frame, days.isna(), "the date '" + frame["date"] + "' is not a real date")
    _fail(frame, starts.isna(), "cannot read the start time '" + frame["start"] + "'")
    _fail(frame, ends.isna(), "cannot read the end time '" + frame["end"] + "'")
    _fail(frame, (ends <= starts).fillna(False), "the shift ends before it starts")


# Planning (reads only) -----------------------------------------------------------------

def plan_roster(session: Session, preview: RosterPreview, *,
                allowed_location_ids: Collection[int] | None = None) -> RosterPlan:
    """Decide each row's outcome against the database, writing nothing."""
    rows = preview.rows.copy()
    known: dict[str, int | None] = dict(session.execute(
        select(Location.name_key, Location.id)).all())
    rows["location_key"] = rows["location"].map(name_key)
    new_locations = _scope_locations(rows, known, allowed_location_ids)
    rows["outcome"] = None
    rows.loc[rows["reason"].notna(), "outcome"] = "rejected"
    if preview.kind == "therapists":
        new_therapists = _plan_therapists(session, rows, known, allowed_location_ids)
    else:
        new_therapists = _plan_shifts(session, rows, known, allowed_location_ids)
    written = rows["outcome"].isin(WRITTEN)
    used = set(rows.loc[written, "location_key"])
    return RosterPlan(kind=preview.kind, rows=rows,
                      new_locations=[n for n in new_locations if name_key(n) in used],
                      new_therapists=new_therapists, locations=known)


def _scope_locations(rows: pd.DataFrame, known: dict[str, int | None],
                     allowed: Collection[int] | None) -> list[str]:
    """Refuse rows outside the person's locations; the unknown ones become new (owners)."""
    new: list[str] = []
    for index in rows.index[rows["reason"].isna()]:
        name, key = rows.at[index, "location"], rows.at[index, "location_key"]
        if key in known:
            if allowed is not None and known[key] not in allowed:
                rows.at[index, "reason"] = f"the location '{name}' is not one of yours"
        elif allowed is not None:
            rows.at[index, "reason"] = f"unknown location '{name}': an owner must add it first"
        else:
            known[key] = None  # created on import
            new.append(display_name(name))
    return new


def _mark_twins(rows: pd.DataFrame, key: pd.Series) -> None:
    """Among valid rows with the same key, all but the last are duplicates."""
    valid = rows["outcome"].isna()
    twins = key[valid].duplicated(keep="last")
    rows.loc[twins[twins].index, "outcome"] = "duplicate"


def _plan_therapists(session: Session, rows: pd.DataFrame, known: dict[str, int | None],
                     allowed: Collection[int] | None) -> list[str]:
    """Outcomes of roster rows: new, updated or unchanged therapists by name."""
    existing = {t.name_key: t for t in session.scalars(select(TherapistRow)).all()}
    credentials: dict[int, list] = {}
    for c in session.scalars(select(Credential)).all():
        credentials.setdefault(c.therapist_id, []).append((c.kind, c.expires))
    rows["therapist_key"] = rows["name"].map(name_key)
    if allowed is not None:
        elsewhere = rows["therapist_key"].map(
            lambda k: k in existing and existing[k].home_location_id is not None
            and existing[k].home_location_id not in allowed)
        failed = elsewhere & rows["outcome"].isna()
        rows.loc[failed, "reason"] = "'" + rows.loc[failed, "name"] + \
            "' works at a location that is not yours"
        rows.loc[failed, "outcome"] = "rejected"
    _mark_twins(rows, rows["therapist_key"])
    new: list[str] = []
    for index in rows.index[rows["outcome"].isna()]:
        r = rows.loc[index]
        therapist = existing.get(r["therapist_key"])
        if therapist is None:
            rows.at[index, "outcome"] = "inserted"
            new.append(r["name"])
            continue
        values = _therapist_values(r, known)
        same = all(getattr(therapist, k) == v for k, v in values.items())
        stored = sorted(credentials.get(therapist.id, []), key=lambda c: c[0])
        rows.at[index, "outcome"] = ("unchanged" if same and stored == r["credential_list"]
                                     else "updated")
    return new


def _therapist_values(r: pd.Series, locations: dict[str, int | None]) -> dict[str, Any]:
    """A roster row as the therapist's stored columns."""
    return {
        "home_location_id": locations[r["location_key"]],
        "license_number": r["license_number"] or None,
        "license_state": (r["license_state"] or "").upper() or None,
        "license_expires": r["expires_on"],
        "gender": (r["gender"] or "").lower() or None,
        "active": bool(r["is_active"]),
    }


def _plan_shifts(session: Session, rows: pd.DataFrame, known: dict[str, int | None],
                 allowed: Collection[int] | None) -> list[str]:
    """Outcomes of shift rows: one shift per therapist, date and start time."""
    therapists = dict(session.execute(select(TherapistRow.name_key, TherapistRow.id)).all())
    rows["therapist_key"] = rows["therapist"].map(name_key)
    _mark_twins(rows, rows["therapist_key"] + "|" + rows["day"].astype(str) + "|"
                + rows["start_time"].astype(str))
    kept = rows[rows["outcome"].isna()]
    stored: dict[tuple, tuple] = {}
    ids = sorted({therapists[k] for k in kept["therapist_key"] if k in therapists})
    if ids:
        table = Shift.__table__
        stmt = (select(table.c.id, table.c.therapist_id, table.c.shift_date,
                       table.c.start_time, table.c.location_id, table.c.end_time)
                .where(table.c.therapist_id.in_(ids),
                       table.c.shift_date.between(min(kept["day"]), max(kept["day"]))))
        stored = {(s.therapist_id, s.shift_date, s.start_time): (s.id, s.location_id,
                                                                 s.end_time)
                  for s in session.execute(stmt)}
    new: dict[str, str] = {}
    for index, r in kept.iterrows():
        therapist_id = therapists.get(r["therapist_key"])
        if therapist_id is None:
            new.setdefault(r["therapist_key"], r["therapist"])
            rows.at[index, "outcome"] = "inserted"
            continue
        found = stored.get((therapist_id, r["day"], r["start_time"]))
        if found is None:
            rows.at[index, "outcome"] = "inserted"
        elif allowed is not None and found[1] not in allowed:
            rows.at[index, "reason"] = (f"{r['therapist']} already has a shift starting then "
                                        "at a location that is not yours")
            rows.at[index, "outcome"] = "rejected"
        elif found[1] == known[r["location_key"]] and found[2] == r["end_time"]:
            rows.at[index, "outcome"] = "unchanged"
        else:
            rows.at[index, "outcome"] = "updated"
    return list(new.values())


# Importing ------------------------------------------------------------------------------

def import_roster(engine: Engine, preview: RosterPreview, *, username: str = "",
                  allowed_location_ids: Collection[int] | None = None,
                  dry_run: bool = False) -> dict[str, Any]:
    """Import a previewed roster or shift file in one transaction; the counts document."""
    with session_scope(engine, write=not dry_run) as session:
        plan = plan_roster(session, preview, allowed_location_ids=allowed_location_ids)
        document = plan.counts()
        if dry_run:
            return {"batch_id": None, **document}
        locations = _create_locations(session, plan)
        if plan.kind == "therapists":
            _write_therapists(session, plan, locations)
        else:
            _write_shifts(session, plan, locations)
        batch_id = _batch(session, preview, plan, username, document, locations)
        bump_data_revision(session)
    return {"batch_id": batch_id, **document}


def import_therapists(engine: Engine, data: bytes, file_name: str = "roster.csv", *,
                      username: str = "", allowed_location_ids: Collection[int] | None = None,
                      mapping_overrides: dict[str, str] | None = None,
                      dry_run: bool = False) -> dict[str, Any]:
    """Create or update therapists by name, with license and credentials."""
    preview = read_roster_export(data, file_name, "therapists",
                                 mapping_overrides=mapping_overrides)
    return import_roster(engine, preview, username=username,
                         allowed_location_ids=allowed_location_ids, dry_run=dry_run)


def import_shifts(engine: Engine, data: bytes, file_name: str = "shifts.csv", *,
                  username: str = "", allowed_location_ids: Collection[int] | None = None,
                  mapping_overrides: dict[str, str] | None = None,
                  dry_run: bool = False) -> dict[str, Any]:
    """Create or update therapist shifts (one per therapist, date and start time)."""
    preview = read_roster_export(data, file_name, "shifts", mapping_overrides=mapping_overrides)
    return import_roster(engine, preview, username=username,
                         allowed_location_ids=allowed_location_ids, dry_run=dry_run)


def _create_locations(session: Session, plan: RosterPlan) -> dict[str, int]:
    """Create the plan's new locations; return every location id by key."""
    for name in plan.new_locations:
        session.add(Location(name=name, name_key=name_key(name), tier="suburban"))
    session.flush()
    return dict(session.execute(select(Location.name_key, Location.id)).all())


def _write_therapists(session: Session, plan: RosterPlan, locations: dict[str, int]) -> None:
    """Insert and update the written roster rows with their credentials."""
    rows = plan.rows[plan.written()]
    existing = {t.name_key: t for t in session.scalars(
        select(TherapistRow).where(TherapistRow.name_key.in_(rows["therapist_key"].tolist())))}
    for _, r in rows.iterrows():
        values = _therapist_values(r, locations)
        therapist = existing.get(r["therapist_key"])
        if therapist is None:
            therapist = TherapistRow(name=r["name"], name_key=r["therapist_key"], **values)
        else:
            for k, v in values.items():
                setattr(therapist, k, v)
        session.add(therapist)
        session.flush()
        session.execute(delete(Credential.__table__).where(
            Credential.__table__.c.therapist_id == therapist.id))
        session.add_all(Credential(therapist_id=therapist.id, kind=kind, expires=expiry)
                        for kind, expiry in r["credential_list"])
    session.flush()


def _write_shifts(session: Session, plan: RosterPlan, locations: dict[str, int]) -> None:
    """Create the new therapists, then insert and update the written shifts."""
    rows = plan.rows[plan.written()]
    firsts = rows.drop_duplicates("therapist_key").set_index("therapist_key")
    for name in plan.new_therapists:
        key = name_key(name)
        session.add(TherapistRow(name=name, name_key=key,
                                 home_location_id=locations[firsts.at[key, "location_key"]]))
    session.flush()
    therapists = dict(session.execute(select(TherapistRow.name_key, TherapistRow.id)).all())
    table = Shift.__table__
    for _, r in rows.iterrows():
        therapist_id, location_id = therapists[r["therapist_key"]], locations[r["location_key"]]
        if r["outcome"] == "inserted":
            session.execute(insert(table).values(
                therapist_id=therapist_id, location_id=location_id, shift_date=r["day"],
                start_time=r["start_time"], end_time=r["end_time"]))
        else:
            session.execute(update(table).where(
                table.c.therapist_id == therapist_id, table.c.shift_date == r["day"],
                table.c.start_time == r["start_time"]).values(location_id=location_id,
                                                              end_time=r["end_time"]))


def _batch(session: Session, preview: RosterPreview, plan: RosterPlan, username: str,
           document: dict[str, Any], locations: dict[str, int]) -> int:
    """Record the import batch and its rejected rows; return the batch id."""
    rejected = plan.rows[plan.rows["outcome"] == "rejected"]
    return record_batch(
        session, kind=preview.kind, file_name=preview.file_name, sha256=preview.sha256,
        username=username, document=document,
        written_location_ids=[locations[k] for k in
                              plan.rows.loc[plan.written(), "location_key"]],
        rejections=[(r["row"], str(r["ref"]), str(r["reason"]), r["raw"])
                    for _, r in rejected.iterrows()])
