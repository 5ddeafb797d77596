"""The deterministic demo chain written to a database (planned in seed/demo_plan.py)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import select

from models import (
    Booking,
    Client,
    Credential,
    Location,
    Service,
    Setting,
    Shift,
    Therapist,
    User,
    UserLocation,
)
from seed.demo_plan import DAYS_BACK, plan_demo
from spaops.auth import hash_password
from spaops.bulk.keys import check_tables
from spaops.bulk.write import bulk_insert, by_column, insert_columns
from spaops.clock import now
from spaops.db import session_scope
from spaops.rollup import refresh_booking_days
from spaops.settings import ensure_reference_data

DEMO_FLAG = "demo_database"
DEMO_PASSWORD = "demo"
USERS = (("owner", "owner"), ("manager", "manager"), ("staff", "staff"))  # name, role


@dataclass(frozen=True)
class DemoSummary:
    """What a demo seed created."""

    locations: int
    therapists: int
    services: int
    clients: int
    shifts: int
    bookings: int


def seed_demo(
    engine: Engine,
    *,
    today: date,
    seed: int = 7,
    bookings: int = 50_000,
    progress: Callable[[str], None] | None = None,
    locations: int = 4,
    days_back: int = DAYS_BACK,
) -> DemoSummary:
    """Fill an empty database with the demo chain planned for ``today`` (four locations
    and a year unless a bench asks for a larger chain or a longer history)."""
    say = progress or (lambda _msg: None)
    say("planning the chain")
    with ThreadPoolExecutor(max_workers=1) as pool:
        # Argon2 runs outside the interpreter's lock: the users' password hashes (0.55 s)
        # are made on another core while the chain is planned.
        hashes = pool.submit(lambda: [hash_password(DEMO_PASSWORD) for _ in USERS])
        plan = plan_demo(today=today, seed=seed, bookings=bookings, locations=locations,
                         days_back=days_back)

    # Keys checked set-wise (spaops.bulk.keys): on SQLite not row by row, each write checks
    # its own; ids this seed created and read back are not looked up again.
    with session_scope(engine, write=True, setwise_keys=True) as session:
        say("locations, market bands and the service menu")
        ensure_reference_data(session.connection())
        bulk_insert(session, Location, plan.locations)
        bulk_insert(session, Service, plan.menu)
        session.add(Setting(key=DEMO_FLAG, value="true"))
        session.flush()
        location_ids = [
            session.scalar(select(Location.id).where(Location.name == row["name"]))
            for row in plan.locations
        ]
        service_by_name = dict(session.execute(select(Service.name, Service.id)).all())
        service_ids = [service_by_name[row["name"]] for row in plan.menu]

        say(f"{len(plan.therapists)} therapists with licenses and credentials")
        bulk_insert(session, Therapist, [
            {**{k: v for k, v in row.items() if k != "home_location"},
             "home_location_id": location_ids[row["home_location"]]}
            for row in plan.therapists])
        by_name = dict(session.execute(select(Therapist.name, Therapist.id)).all())
        therapist_ids = [by_name[row["name"]] for row in plan.therapists]
        bulk_insert(session, Credential, [
            {"therapist_id": therapist_ids[row["therapist"]], "kind": row["kind"],
             "expires": row["expires"]} for row in plan.credentials])

        say("weekly shifts")
        bulk_insert(session, Shift, [
            {"therapist_id": therapist_ids[row["therapist"]],
             "location_id": location_ids[row["location"]], "shift_date": row["shift_date"],
             "start_time": row["start_time"], "end_time": row["end_time"]}
            for row in plan.shifts])

        say("bookings")
        insert_columns(session, Client, created=["home_location_id"], columns={
            "external_ref": [row["external_ref"] for row in plan.clients],
            "home_location_id": [location_ids[row["home_location"]] for row in plan.clients]})
        client_ids = dict(session.execute(select(Client.external_ref, Client.id)).all())
        # By column, ids in place of the plan's positions: no row is built twice.
        planned = by_column(plan.bookings)
        bookings = {
            "external_ref": planned["external_ref"],
            "location_id": [location_ids[i] for i in planned["location"]],
            "therapist_id": [None if i is None else therapist_ids[i]
                             for i in planned["therapist"]],
            "service_id": [service_ids[i] for i in planned["service"]],
            "client_id": [client_ids[ref] for ref in planned["client_ref"]],
            **{name: planned[name] for name in (
                "starts_at", "ends_at", "duration_min", "price_cents", "status", "requested")},
        }
        del planned
        # Building the booking indexes once after the load beats maintaining them per row.
        connection = session.connection()
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MB for the load
        indexes = list(Booking.__table__.indexes)
        for index in indexes:
            index.drop(connection)
        insert_columns(session, Booking, bookings, created=[
            "location_id", "therapist_id", "service_id", "client_id"])
        for index in indexes:
            index.create(connection)
        say("daily rollup")
        refresh_booking_days(connection)
        if connection.dialect.name == "postgresql":  # fresh statistics for the planner
            connection.exec_driver_sql("ANALYZE")

        say("users owner, manager and staff (password 'demo')")
        created = now()
        for (username, role), password_hash in zip(USERS, hashes.result(), strict=True):
            user = User(username=username, password_hash=password_hash, role=role,
                        created_at=created)
            session.add(user)
            session.flush()
            if role != "owner":
                session.add(UserLocation(user_id=user.id, location_id=location_ids[0]))
        session.flush()
        check_tables(session.connection(), [User.__table__, UserLocation.__table__])

    return DemoSummary(
        locations=len(plan.locations),
        therapists=len(plan.therapists),
        services=len(plan.menu),
        clients=len(plan.clients),
        shifts=len(plan.shifts),
        bookings=len(plan.bookings),
    )
