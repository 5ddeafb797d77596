"""Planning a booking import against the database, and applying it in one transaction."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Text, any_, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Engine
from sqlalchemy.sql.expression import ColumnElement
from sqlmodel import Session

from models import Booking, Client, ImportBatch, ImportRejection, Location, Service, Therapist
from spaops.bulk.keys import (
    MissingReference,
    check_tables,
    check_written,
    keys_checked_setwise,
)
from spaops.bulk.write import indexes_built_after, insert_columns, insert_tuples
from spaops.db import session_scope
from spaops.errors import UsageError
from spaops.ingest.bookings import BookingsPreview
from spaops.ingest.bulk import paused_gc, release_memory
from spaops.ingest.history import record_batch
from spaops.ingest.staging import upsert_bookings
from spaops.ingest.values import categories_of
from spaops.names import name_key
from spaops.revision import bump_data_revision
from spaops.rollup import refresh_booking_days
from spaops.services import classify_service

WRITE_CHUNK = 50_000
OUTCOMES = ("inserted", "updated", "unchanged", "duplicate", "rejected")
WRITTEN = ("inserted", "updated")  # the outcomes an import writes
LOOKUP_CHUNK = 100_000  # booking ids per lookup query: bounded memory on a million rows
Progress = Callable[[float, str], None]
UNIT_SEPARATOR = "\x1f"  # joins a list of references into one parameter
COMPARED = ("location", "service", "therapist", "client", "starts_at", "duration_min",
            "price_cents", "status", "requested")


@dataclass
class ImportPlan:
    """What an import would do, row by row (inserted/updated/unchanged/duplicate/rejected)."""

    rows: pd.DataFrame
    new_locations: list[str]
    new_therapists: list[str]
    new_services: list[str]
    # The stored versions (db_ columns) of the rows whose booking id is already known.
    stored: pd.DataFrame = field(default_factory=pd.DataFrame)

    def written(self) -> pd.Series:
        """Which rows the import writes (inserted or updated)."""
        return self.rows["outcome"].isin(WRITTEN)

    def moves(self) -> list[tuple[str, str, str]]:
        """The stored bookings the import moves to another location: (booking id, the
        location it is at, the one the file gives it)."""
        updated = self.rows.index[(self.rows["outcome"] == "updated").to_numpy()]
        rows, stored = self.rows.loc[updated], self.stored.loc[updated]
        moved = (rows["location_key"].astype("string").ne(stored["db_location"])
                 .fillna(False).to_numpy(dtype=bool))
        return list(zip(rows.loc[moved, "booking_ref"].astype(str),
                        stored.loc[moved, "db_location_name"].astype(str),
                        rows.loc[moved, "location"].astype(str), strict=True))

    def counts(self) -> dict[str, Any]:
        """The counts document of DESIGN.md (without batch_id)."""
        outcome = self.rows["outcome"].value_counts()
        rejected = self.rows[self.rows["outcome"] == "rejected"].sort_values("row")
        return {
            "rows": int(len(self.rows)),
            "inserted": int(outcome.get("inserted", 0)),
            "updated": int(outcome.get("updated", 0)),
            "unchanged": int(outcome.get("unchanged", 0)),
            "duplicates": int(outcome.get("duplicate", 0)),
            "rejected": int(outcome.get("rejected", 0)),
            "rejections": [
                {"row": int(r.row), "booking_ref": "" if pd.isna(r.booking_ref)
                 else str(r.booking_ref), "reason": str(r.reason)}
                for r in rejected.itertuples()
            ],
            "new_locations": self.new_locations,
            "new_therapists": self.new_therapists,
            "new_services": self.new_services,
        }


def _by_key(session: Session, model: type, *columns: Any) -> dict[str, tuple]:
    table = model.__table__  # type: ignore[attr-defined]
    return {row[0]: tuple(row[1:]) for row in session.execute(
        select(table.c.name_key, *[table.c[c] for c in columns]))}


def _one_of(session: Session, column: Any, values: list[str]) -> ColumnElement[bool]:
    """`column IN values` with the whole list as one parameter, not one per value.

    SQLite reads it from a JSON array (json_each), PostgreSQL from an array (= ANY), so
    looking up a hundred thousand booking ids is one indexed query, not hundreds.
    """
    if session.get_bind().dialect.name == "sqlite":
        listed = func.json_each(bindparam("listed", json.dumps(values))).table_valued("value")
        return column.in_(select(listed.c.value))
    joined = UNIT_SEPARATOR.join(values)
    if joined.count(UNIT_SEPARATOR) == len(values) - 1 and "" not in values:
        # One string the server splits: psycopg builds an array parameter value by value
        # in Python, 0.4 s for the 100,000 booking and 40,000 client references of an import.
        return column == any_(func.string_to_array(bindparam("listed", joined),
                                                   UNIT_SEPARATOR))
    return column == any_(bindparam("listed", values, type_=ARRAY(Text)))


def _existing_bookings(session: Session, refs: pd.Series) -> pd.DataFrame:
    """Bookings already stored under these refs, with names as matching keys."""
    b, loc, svc, th, cl = (Booking.__table__, Location.__table__, Service.__table__,
                           Therapist.__table__, Client.__table__)
    stmt = (select(b.c.id, b.c.external_ref, loc.c.name.label("location_name"),
                   loc.c.name_key.label("location"),
                   svc.c.name_key.label("service"), th.c.name_key.label("therapist"),
                   cl.c.external_ref.label("client"), b.c.starts_at, b.c.duration_min,
                   b.c.price_cents, b.c.status, b.c.requested)
            .select_from(b.join(loc, loc.c.id == b.c.location_id)
                         .join(svc, svc.c.id == b.c.service_id)
                         .outerjoin(th, th.c.id == b.c.therapist_id)
                         .outerjoin(cl, cl.c.id == b.c.client_id)))
    found = [session.execute(stmt.where(_one_of(session, b.c.external_ref,
                                                refs.iloc[at:at + LOOKUP_CHUNK].tolist())))
             .all() for at in range(0, len(refs), LOOKUP_CHUNK)]
    names = ["id", "external_ref", "location_name", *COMPARED]
    columns = list(zip(*(row for rows in found for row in rows), strict=True)) \
        or [()] * len(names)
    # Column by column: pandas reads a hundred thousand Row objects ten times slower.
    return pd.DataFrame({name: pd.Series(column, dtype=None if column else object)
                         for name, column in zip(names, columns, strict=True)})


def _among(values: pd.Series, known: pd.Series) -> pd.Series:
    """`values.isin(known)` for text, hashed by Arrow: pandas' isin on strings takes 1.4 s
    per million booking ids, a Python set 0.3 s and a million Python strings, Arrow 0.1 s."""
    def text(series: pd.Series) -> pa.Array:
        return pa.array(series, type=pa.large_string(), from_pandas=True)

    found = pc.is_in(text(values), value_set=text(known.dropna()))
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


def _reject(rows: pd.DataFrame, failed: pd.Series,
            reason: str | Callable[[pd.DataFrame], pd.Series]) -> None:
    """Give a reason to the failing rows that have none yet (built for those rows only)."""
    failed = failed.fillna(False).astype(bool) & rows["reason"].isna()
    if not failed.any():
        return
    rows.loc[failed, "reason"] = reason if isinstance(reason, str) else \
        reason(rows.loc[failed]).astype("string")


def _later_twins(refs: pd.Series) -> np.ndarray:
    """True for every occurrence of a booking id but its last (by integer codes: a
    million ids never become a million Python strings in a hash table)."""
    codes, _uniques = pd.factorize(refs, use_na_sentinel=True)
    twins = np.ones(len(codes), dtype=bool)
    _distinct, first_from_end = np.unique(codes[::-1], return_index=True)
    twins[len(codes) - 1 - first_from_end] = False
    twins[codes < 0] = False
    return twins


def _new_names(names: pd.Series, known: dict) -> list[str]:
    """Names (first spelling seen) whose key is not known yet."""
    firsts: dict[str, str] = {}
    for name in names.dropna().unique():  # first-seen order
        key = name_key(name)
        if key not in known and key not in firsts:
            firsts[key] = name
    return list(firsts.values())


NEW_LOCATION_TIMEZONE = Location.model_fields["timezone"].default


def _to_local_time(rows: pd.DataFrame, locations: dict[str, tuple]) -> pd.Series:
    """Starts given as UTC instants, moved to their location's local wall-clock time."""
    starts = pd.to_datetime(rows["starts_at"])
    utc = rows["starts_utc"].fillna(False).astype(bool) & starts.notna()
    zones = rows.loc[utc, "location_key"].astype("string").map(
        lambda key: locations.get(key, (None, NEW_LOCATION_TIMEZONE))[1],
        na_action="ignore").fillna(NEW_LOCATION_TIMEZONE)
    local = starts.copy()
    for zone, members in zones.groupby(zones).groups.items():
        try:
            moved = starts.loc[members].dt.tz_localize("UTC").dt.tz_convert(zone)
        except (KeyError, ValueError) as exc:  # zoneinfo's "not found" is a KeyError
            raise UsageError(f"the time zone {zone!r} of a location is unknown: set the "
                             "location's time zone (e.g. America/New_York) and import "
                             "again") from exc
        local.loc[members] = moved.dt.tz_localize(None)
    return local


def plan_bookings(
    session: Session, preview: BookingsPreview, *,
    allowed_location_ids: Collection[int] | None = None,
) -> ImportPlan:
    """Decide each row's outcome against the database, writing nothing."""
    # A shallow copy: new columns are the plan's own, the preview's data is shared.
    rows = preview.rows.copy(deep=False)
    rows["location_key"] = categories_of(rows["location"], name_key)
    rows["service_key"] = categories_of(rows["service"], name_key)
    rows["therapist_key"] = categories_of(rows["therapist"], name_key)
    locations = _by_key(session, Location, "id", "timezone")
    services = _by_key(session, Service, "id", "default_duration_min")
    therapists = _by_key(session, Therapist, "id")
    if "starts_utc" in rows and bool(rows["starts_utc"].any()):
        rows["starts_at"] = _to_local_time(rows, locations)

    location_ids = rows["location_key"].map(lambda k: locations.get(k, (None,))[0],
                                            na_action="ignore")
    if allowed_location_ids is not None:
        allowed = set(allowed_location_ids)
        _reject(rows, location_ids.notna() & ~location_ids.isin(allowed),
                lambda bad: "the location '" + bad["location"].astype("string").fillna("")
                + "' is not one of yours")
        _reject(rows, rows["location_key"].notna() & location_ids.isna(),
                lambda bad: "unknown location '" + bad["location"].astype("string").fillna("")
                + "': an owner must add it first")
    service_default = rows["service_key"].map(lambda k: services.get(k, (None, None))[1],
                                              na_action="ignore")
    rows["duration_min"] = rows["duration_min"].fillna(service_default.astype("Int64"))
    _reject(rows, rows["duration_min"].isna(),
            "the duration is missing and the service has no default duration")

    rows["outcome"] = pd.Series(pd.Categorical.from_codes(  # every outcome undecided yet
        np.full(len(rows), -1, dtype=np.int8), categories=OUTCOMES), index=rows.index)
    valid = rows["reason"].isna()
    existing = _existing_bookings(session, rows.loc[valid, "booking_ref"].dropna())
    known = valid & _among(rows["booking_ref"], existing["external_ref"])
    db = (existing.set_index("external_ref").reindex(rows.loc[known, "booking_ref"])
          .set_axis(rows.index[known]).add_prefix("db_"))
    if allowed_location_ids is not None:
        # Someone with some locations only (staff, a manager) cannot take over another
        # location's booking by sending its id back under one of theirs. An owner can
        # move a booking between locations, as the booking software may have.
        stored_at = db["db_location"].map({key: ids[0] for key, ids in locations.items()})
        _reject(rows, (~stored_at.isin(set(allowed_location_ids))).reindex(
                    rows.index, fill_value=False),
                lambda bad: "booking id '" + bad["booking_ref"].astype("string") + "' is "
                "a booking of " + db.loc[bad.index, "db_location_name"].astype("string") +
                ", which is not one of your locations")
    rows.loc[rows["reason"].notna(), "outcome"] = "rejected"
    valid = rows["outcome"].isna()
    # One booking id several times: the last valid occurrence wins.
    refs = rows.loc[valid, "booking_ref"]
    rows.loc[refs.index[_later_twins(refs)], "outcome"] = "duplicate"
    kept = rows["outcome"].isna()

    matched = kept & known
    rows.loc[kept & ~matched, "outcome"] = "inserted"
    # Compared column by column for the rows already stored only, never the whole file.
    mine = rows.loc[matched]
    db = db.loc[mine.index]
    same = pd.Series(True, index=mine.index)
    keys = mine[["location_key", "service_key", "therapist_key"]].astype("string")
    same &= keys["location_key"].eq(db["db_location"]).fillna(False)
    same &= keys["service_key"].eq(db["db_service"]).fillna(False)
    # An export without a therapist keeps the one a manager assigned here.
    same &= (keys["therapist_key"].isna() |
             keys["therapist_key"].eq(db["db_therapist"]).fillna(False))
    same &= (mine["client"].fillna("").astype(str) == db["db_client"].fillna("").astype(str))
    same &= (pd.to_datetime(mine["starts_at"]) == pd.to_datetime(db["db_starts_at"]))
    same &= mine["duration_min"].astype("Float64").eq(
        db["db_duration_min"].astype("Float64")).fillna(False)
    same &= (mine["price_cents"].astype("Float64").fillna(-1) ==
             db["db_price_cents"].astype("Float64").fillna(-1))
    same &= mine["status"].eq(db["db_status"]).fillna(False)
    same &= mine["requested"].astype(bool) == db["db_requested"].fillna(False).astype(bool)
    same = same.to_numpy(dtype=bool)
    rows.loc[mine.index[same], "outcome"] = "unchanged"
    rows.loc[mine.index[~same], "outcome"] = "updated"
    del mine

    written = rows["outcome"].isin(WRITTEN)
    return ImportPlan(
        rows=rows,
        new_locations=_new_names(rows.loc[written, "location"], locations),
        new_therapists=_new_names(rows.loc[written, "therapist"], therapists),
        new_services=_new_names(rows.loc[written, "service"], services),
        stored=db,
    )


def _create_missing(session: Session, plan: ImportPlan) -> tuple[dict, dict, dict]:
    """Create the plan's new locations, services and therapists; return key -> id maps."""
    written = plan.rows.loc[plan.written(), ["location_key", "service_key", "therapist_key",
                                             "duration_min", "price_cents"]]
    for name in plan.new_locations:
        session.add(Location(name=name, name_key=name_key(name), tier="suburban"))
    session.flush()
    locations = {k: v[0] for k, v in _by_key(session, Location, "id").items()}
    firsts = written.drop_duplicates("service_key").set_index("service_key")
    for name in plan.new_services:
        first = firsts.loc[name_key(name)]
        defaults = classify_service(name)
        session.add(Service(
            name=name, name_key=name_key(name), category=defaults.category,
            default_duration_min=int(first["duration_min"]),
            default_price_cents=None if pd.isna(first["price_cents"])
            else int(first["price_cents"]),
            required_credentials=defaults.required_credentials,
            preferred_credentials=defaults.preferred_credentials,
            deep_pressure=defaults.deep_pressure, needs_review=True))
    firsts = written.dropna(subset=["therapist_key"]).drop_duplicates("therapist_key") \
        .set_index("therapist_key")
    for name in plan.new_therapists:
        first = firsts.loc[name_key(name)]
        session.add(Therapist(name=name, name_key=name_key(name),
                              home_location_id=locations[first["location_key"]]))
    session.flush()
    services = {k: v[0] for k, v in _by_key(session, Service, "id").items()}
    therapists = {k: v[0] for k, v in _by_key(session, Therapist, "id").items()}
    return locations, services, therapists


def _client_ids(session: Session, written: pd.DataFrame) -> tuple[dict, list[int]]:
    """Ids of the clients these rows name, creating the ones not seen before; and the
    ids created."""
    table = Client.__table__
    refs = written["client"].dropna().unique().tolist()
    ids: dict[str, int] = dict(session.execute(select(table.c.external_ref, table.c.id)
                                               .where(_one_of(session, table.c.external_ref,
                                                              refs))).all())
    firsts = written.dropna(subset=["client"]).drop_duplicates("client")
    # As Python lists first: iterating an Arrow-backed column yields one value at a time.
    first_location = dict(zip(firsts["client"].tolist(), firsts["location_id"].tolist(),
                              strict=True))
    missing = [r for r in refs if r not in ids]
    new_clients = {"external_ref": missing,
                   "home_location_id": [int(first_location[r]) for r in missing]}
    created: list[int] = []
    if missing and session.get_bind().dialect.name == "sqlite":
        # The import holds SQLite's write lock: the ids SQLite would give are known, and
        # need not be read back (0.18 -> 0.15 s for 40,000 new clients).
        after = session.execute(select(func.max(table.c.id))).scalar() or 0
        created = list(range(after + 1, after + 1 + len(missing)))
        insert_columns(session, Client, {"id": created, **new_clients})
        ids.update(zip(missing, created, strict=True))
    elif missing:
        insert_columns(session, Client, new_clients)
        found = session.execute(select(table.c.external_ref, table.c.id).where(
            _one_of(session, table.c.external_ref, missing))).all()
        ids.update(found)
        created = [client_id for _ref, client_id in found]
    _update_intake(session, written, ids)
    return ids, created


def _update_intake(session: Session, written: pd.DataFrame, ids: dict) -> None:
    """Intake columns an export carries (pressure, focus, flags, gender) update the client."""
    columns = {"pressure": "pressure_preference", "focus_areas": "focus_areas",
               "contraindications": "contraindications",
               "gender_preference": "gender_preference"}
    carried = [c for c in columns if written[c].notna().any()]
    if not carried:
        return
    latest = written.dropna(subset=["client"]).drop_duplicates("client", keep="last")
    table = Client.__table__
    for column in carried:
        values = latest.dropna(subset=[column])
        if values.empty:
            continue
        text = values[column].astype(str)
        if column == "contraindications":
            text = text.str.lower().str.replace(r"\s*[,/|]\s*", ";", regex=True) \
                .str.replace(" ", "_", regex=False)
        elif column in ("pressure", "gender_preference"):
            text = text.str.lower()
        session.execute(
            update(table).where(table.c.id == bindparam("client_id"))
            .values({columns[column]: bindparam("value")}),
            [{"client_id": ids[c], "value": v} for c, v in zip(values["client"], text,
                                                                 strict=True)])


@contextmanager
def _nothing_removed_meanwhile() -> Iterator[None]:
    """A row the import refers to that someone removes while it runs stops it plainly."""
    try:
        yield
    except MissingReference as exc:
        raise UsageError(f"a {exc.referenced.replace('_', ' ')} this file refers to was "
                         "removed while it was being imported. Nothing was imported; "
                         "import the file again.") from exc


@paused_gc()
def import_bookings(
    engine: Engine, preview: BookingsPreview, *, username: str = "",
    allowed_location_ids: Collection[int] | None = None, dry_run: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Import a previewed export in one transaction; the counts document of DESIGN.md."""
    say = progress or (lambda _f, _m: None)
    # Foreign keys checked set-wise, each referenced id once, not per row (spaops.bulk.keys).
    with session_scope(engine, write=True, setwise_keys=True) as session:
        say(0.1, "comparing with the bookings already stored")
        plan = plan_bookings(session, preview, allowed_location_ids=allowed_location_ids)
        release_memory()
        document = plan.counts()
        if dry_run:
            session.rollback()
            return {"batch_id": None, **document}
        say(0.3, "creating new locations, services and therapists")
        locations, services, therapists = _create_missing(session, plan)
        rows = plan.rows
        rows["location_id"] = rows["location_key"].map(locations).astype("Int64")
        rows["service_id"] = rows["service_key"].map(services).astype("Int64")
        rows["therapist_id"] = rows["therapist_key"].map(therapists).astype("Int64")
        written = plan.written()
        with _nothing_removed_meanwhile():
            say(0.4, "clients")
            clients, new_clients = _client_ids(session, rows.loc[written, [
                "client", "location_id", "pressure", "focus_areas", "contraindications",
                "gender_preference"]])
            rejected = rows[rows["outcome"] == "rejected"]
            batch_id = record_batch(
                session, kind="bookings", file_name=preview.file_name, sha256=preview.sha256,
                username=username, document=document,
                written_location_ids=[int(i) for i in
                                      rows.loc[written, "location_id"].dropna().unique()],
                rejections=[(r.row, "" if pd.isna(r.booking_ref) else str(r.booking_ref),
                             str(r.reason), "" if pd.isna(r.raw) else str(r.raw))
                            for r in rejected.itertuples()])
            # The few rows written through the ORM, their keys checked whole; the rejected
            # rows (a table that keeps every import's) by the one batch they refer to.
            check_tables(session.connection(), [
                model.__table__ for model in  # type: ignore[attr-defined]
                (Location, Service, Therapist, ImportBatch)])
            check_written(session.connection(), ImportRejection.__table__,
                          {"batch_id": [batch_id] if len(rejected) else []})
            say(0.5, "writing bookings")
            _write_bookings(session, plan, clients, batch_id, new_clients)
        release_memory()
        say(0.9, "updating the daily figures")
        refresh_booking_days(session.connection(), _days_touched(plan, locations))
        bump_data_revision(session)
        say(1.0, "done")
        return {"batch_id": batch_id, **document}


def _days_touched(plan: ImportPlan, locations: dict) -> dict[int, tuple[date, date]]:
    """First and last day per location the written bookings sit on now or sat on before."""
    rows, written = plan.rows, plan.written()
    moved = plan.stored.loc[rows.index[(rows["outcome"] == "updated").to_numpy()]]
    days = pd.concat([
        pd.DataFrame({"location_id": rows.loc[written, "location_id"],
                      "day": pd.to_datetime(rows.loc[written, "starts_at"])}),
        pd.DataFrame({"location_id": moved["db_location"].map(locations),
                      "day": pd.to_datetime(moved["db_starts_at"])}),
    ]).dropna()
    spans = days.groupby("location_id")["day"].agg(["min", "max"])
    return {int(location_id): (first.date(), last.date())
            for location_id, first, last in spans.itertuples()}


def _values(series: pd.Series) -> list:
    """A column as plain Python values, None for NA (what the DBAPI binds)."""
    return series.astype(object).where(series.notna(), None).tolist()


def _moments(series: pd.Series, sqlite: bool) -> list:
    """Timestamps as the database takes them; on SQLite the text SQLAlchemy writes."""
    if not sqlite:
        return list(series.dt.to_pydatetime())
    codes, distinct = pd.factorize(series)  # a few thousand distinct starts, not a million
    text = pd.Series(distinct).dt.strftime("%Y-%m-%d %H:%M:%S.%f").to_numpy()
    return text[codes].tolist()


def _booking_frame(frame: pd.DataFrame, clients: dict, batch_id: int) -> pd.DataFrame:
    """The booking table's columns for these rows (NA where the database takes NULL)."""
    starts = pd.to_datetime(frame["starts_at"])
    minutes = frame["duration_min"].astype("Int64")
    return pd.DataFrame({
        "external_ref": frame["booking_ref"].astype("string"),
        "location_id": frame["location_id"].astype("Int64"),
        "service_id": frame["service_id"].astype("Int64"),
        "client_id": frame["client"].map(clients).astype("Int64"),
        "starts_at": starts,
        "ends_at": starts + pd.to_timedelta(minutes.astype("int64"), unit="min"),
        "duration_min": minutes,
        "price_cents": frame["price_cents"].astype("Int64"),
        "status": frame["status"].astype("string"),
        "requested": frame["requested"].astype(bool),
        "therapist_id": frame["therapist_id"].astype("Int64"),
        "import_batch_id": batch_id,
    }, index=frame.index)


def _booking_columns(table: pd.DataFrame, sqlite: bool) -> dict[str, list]:
    """The booking table's columns (`_booking_frame`) as lists the DBAPI binds."""
    return {name: _moments(column, sqlite) if name in ("starts_at", "ends_at")
            else column.tolist() if name == "requested" else _values(column)
            for name, column in table.items()}


def _write_bookings(session: Session, plan: ImportPlan, clients: dict,
                    batch_id: int, new_clients: list[int]) -> None:
    """Insert the new bookings and update the changed ones, in bulk, column by column;
    `new_clients` are the ids of the clients this import created."""
    rows = plan.rows
    needed = ["booking_ref", "location_id", "service_id", "client", "starts_at",
              "duration_min", "price_cents", "status", "requested", "therapist_id"]
    connection = session.connection()
    if connection.dialect.name == "postgresql":  # set-wise, through a staging table
        written = rows.loc[plan.written().to_numpy(), needed]
        frame = _booking_frame(written, clients, batch_id)
        frame.insert(0, "id", plan.stored["db_id"].reindex(written.index).astype("Int64"))
        upsert_bookings(connection, frame, created={"client_id": new_clients})
        return
    sqlite = connection.dialect.name == "sqlite"
    new = rows.index[(rows["outcome"] == "inserted").to_numpy()]
    # In start order per location: the booking indexes then grow mostly at their ends.
    order = new[np.lexsort((rows.loc[new, "starts_at"].to_numpy(),
                            rows.loc[new, "location_id"].to_numpy()))]
    with indexes_built_after(session, Booking, len(order)):
        for start in range(0, len(order), WRITE_CHUNK):  # bounded memory on a million rows
            part = _booking_frame(rows.loc[order[start:start + WRITE_CHUNK], needed],
                                  clients, batch_id)
            columns = _booking_columns(part, sqlite)
            insert_tuples(session, Booking, list(columns), zip(*columns.values(), strict=True),
                          columns=dict(part.items()))  # pandas finds the distinct ids at once

    changed = rows.loc[(rows["outcome"] == "updated").to_numpy(), needed]
    if changed.empty:
        return
    table = Booking.__table__
    frame = _booking_frame(changed, clients, batch_id)
    columns = _booking_columns(frame, sqlite=False)
    columns["b_id"] = plan.stored.loc[changed.index, "db_id"].astype(int).tolist()
    updates = [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(),
                                                                     strict=True)]
    names = ("location_id", "service_id", "client_id", "starts_at", "ends_at",
             "duration_min", "price_cents", "status", "requested", "import_batch_id")
    base = update(table).where(table.c.id == bindparam("b_id"))
    # No therapist in the export keeps the one assigned here.
    keep = [u for u in updates if u["therapist_id"] is None]
    replace = [u for u in updates if u["therapist_id"] is not None]
    with keys_checked_setwise(connection, table, dict(frame.items())):
        if keep:
            session.execute(base.values({c: bindparam(c) for c in names}),
                            [{k: u[k] for k in ("b_id", *names)} for u in keep])
        if replace:
            session.execute(base.values({c: bindparam(c) for c in (*names, "therapist_id")}),
                            [{k: u[k] for k in ("b_id", *names, "therapist_id")}
                             for u in replace])
