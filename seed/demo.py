"""The deterministic demo chain: four locations, their therapists, shifts, clients, bookings."""

from __future__ import annotations

import heapq
import math
import random
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

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
from seed.reference import (
    DEMO_LOCATIONS,
    DEMO_MENU,
    DEMO_PRICE_FACTOR,
)
from spaops.auth import hash_password
from spaops.clock import now
from spaops.db import bulk_insert
from spaops.names import name_key
from spaops.rollup import refresh_booking_days
from spaops.services import classify_service
from spaops.settings import ensure_reference_data

DAYS_BACK = 365
DAYS_AHEAD = 14
SHIFT_MINUTES = 480
BUFFER_MIN = 15
# Bookings per therapist shift-day the generator aims at: about 70 % hands-on utilisation.
BOOKINGS_PER_SHIFT_DAY = 5.6
DEMO_FLAG = "demo_database"
DEMO_PASSWORD = "demo"
# The demo's promises, kept on any day it is planned for (tests/test_seed.py checks a year):
OPEN_UPCOMING = 4  # bookings of the first location in the next days left for a manager
OPEN_WINDOW_DAYS = 3
EXPIRING = {5: 4, 11: 12, 17: 26}  # therapist index -> days until the license runs out
EXPIRED = 9  # the therapist whose license ran out 20 days ago
LICENSE_STATE = {"America/New_York": "NY", "America/Chicago": "IL", "America/Denver": "CO"}
FIRST_NAMES = (
    "Ava", "Mia", "Noah", "Liam", "Emma", "Olivia", "Lucas", "Sofia", "Mateo", "Isla",
    "Maya", "Ethan", "Zoe", "Leah", "Kai", "Nora", "Elena", "Omar", "Priya", "Hana",
    "Jonah", "Tessa", "Marco", "Lena", "Ravi", "Clara", "Diego", "Ines", "Felix", "Amara",
    "José", "Chloé", "Björn", "Aiko", "Yusuf", "Greta", "Malik", "Rosa", "Theo", "Wren",
)
LAST_NAMES = (
    "Reyes", "Chen", "Patel", "Okafor", "Novak", "Larsen", "Silva", "Kim", "Haddad",
    "Moreau", "Álvarez", "Nakamura", "Fischer", "Rossi", "Kowalski", "Brennan", "Osei",
    "Lindqvist", "Duarte", "Varga", "Mendes", "Ishikawa", "Quinn", "Abara", "Sato",
)
GENERAL_CREDENTIALS = ("hot_stone", "aromatherapy", "reflexology", "lymphatic_drainage")
THERAPEUTIC_CREDENTIALS = (
    "deep_tissue", "sports", "trigger_point", "neuromuscular", "myofascial_release", "medical",
)


@dataclass(frozen=True)
class DemoSummary:
    """What a demo seed created."""

    locations: int
    therapists: int
    services: int
    clients: int
    shifts: int
    bookings: int


@dataclass
class _Therapist:
    id: int
    location_index: int
    credentials: set[str]
    works_until: date | None
    workdays: tuple[int, ...]
    late: bool


def _menu_rows() -> list[dict]:
    rows = []
    for name, modality, duration, price in DEMO_MENU:
        defaults = classify_service(name)
        rows.append(
            {
                "name": name,
                "name_key": name_key(name),
                "category": defaults.category,
                "modality": modality,
                "default_duration_min": duration,
                "default_price_cents": int(price * 100),
                "required_credentials": defaults.required_credentials,
                "preferred_credentials": defaults.preferred_credentials,
                "deep_pressure": defaults.deep_pressure,
                "needs_review": False,
            }
        )
    return rows


def _requirement_met(required: str, credentials: set[str]) -> bool:
    return all(
        any(alt in credentials for alt in group.split("|"))
        for group in required.split(";")
        if group
    )


def _therapist_names(count: int, rng: random.Random) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name in seen:
            name = f"{name} {len(names) + 1}"
        seen.add(name)
        names.append(name)
    return names


@dataclass
class DemoPlan:
    """The whole demo chain as plain rows, before any database sees it.

    Therapists, shifts and bookings refer to therapists, locations and services by their
    position in ``therapists``, ``locations`` and ``menu``; the writer turns positions
    into the ids the database gives.
    """

    today: date
    locations: list[dict]
    menu: list[dict]
    therapists: list[dict]
    credentials: list[dict]  # therapist: index
    shifts: list[dict]  # therapist, location: indexes
    clients: list[dict]  # home_location: index
    bookings: list[dict]  # therapist (or None), location, service: indexes; client_ref


def plan_demo(*, today: date, seed: int = 7, bookings: int = 50_000) -> DemoPlan:
    """Plan the demo chain for a day, deterministic for a seed and that day; writes nothing."""
    rng = random.Random(seed)
    first_day = today - timedelta(days=DAYS_BACK)
    last_day = today + timedelta(days=DAYS_AHEAD)
    horizon = [first_day + timedelta(days=i) for i in range((last_day - first_day).days + 1)]
    locations = [
        {"name": name, "name_key": name_key(name), "tier": tier, "timezone": tz,
         "rooms": rooms, "opens_at": time(9), "closes_at": time(21),
         "turnover_buffer_min": BUFFER_MIN, "lmt_required": True}
        for name, tier, tz, rooms, _mix in DEMO_LOCATIONS
    ]
    menu = _menu_rows()

    # Therapists: enough for the bookings asked for, about 30 for the default demo.
    per_therapist = (len(horizon) * 5 / 7) * BOOKINGS_PER_SHIFT_DAY
    n_therapists = max(30, math.ceil(bookings * 1.1 / per_therapist))
    names = _therapist_names(n_therapists, rng)
    therapist_rows: list[dict] = []
    staff: list[_Therapist] = []
    for i, name in enumerate(names):
        loc_index = i % len(DEMO_LOCATIONS)
        tz = DEMO_LOCATIONS[loc_index][2]
        clinic = DEMO_LOCATIONS[loc_index][0].endswith("Clinic")
        creds = {c for c in GENERAL_CREDENTIALS if rng.random() < 0.3}
        creds |= {c for c in THERAPEUTIC_CREDENTIALS if rng.random() < (0.6 if clinic else 0.3)}
        if rng.random() < 0.25:
            creds.add("prenatal")
        # Every location can staff every service: the first few carry each specialty.
        slot = i // len(DEMO_LOCATIONS)
        if slot == 0:
            creds |= {"prenatal", "medical", "deep_tissue"}
        elif slot == 1:
            creds |= {"myofascial_release", "trigger_point", "sports"}
        elif slot == 2:
            creds |= {"neuromuscular", "hot_stone", "prenatal"}
        expires = today + timedelta(days=rng.randint(120, 900))
        works_until = None
        if i in EXPIRING:  # licenses running out within 30 days, whatever the day
            expires = today + timedelta(days=EXPIRING[i])
        elif i == EXPIRED:  # one license already expired: no more shifts after it
            expires = today - timedelta(days=20)
            works_until = expires
        therapist_rows.append(
            {
                "name": name, "name_key": name_key(name), "home_location": loc_index,
                "license_number": f"MT-{100000 + i * 7919 % 900000}",
                "license_state": LICENSE_STATE[tz], "license_expires": expires,
                "gender": "female" if rng.random() < 0.65 else "male", "active": True,
            }
        )
        days_off = rng.sample(range(7), 2)
        staff.append(_Therapist(i, loc_index, creds, works_until,
                                tuple(d for d in range(7) if d not in days_off),
                                rng.random() < 0.5))
    credential_rows = [
        {"therapist": t.id, "kind": kind,
         "expires": today + timedelta(days=rng.randint(200, 1000)) if rng.random() < 0.4
         else None}
        for t in staff for kind in sorted(t.credentials)
    ]

    shift_rows: list[dict] = []
    shift_days: list[tuple[_Therapist, date, time]] = []
    for t in staff:
        for day in horizon:
            if day.weekday() not in t.workdays or (t.works_until and day > t.works_until):
                continue
            if day.weekday() >= 5:
                start = time(10)
            else:
                start = time(12) if t.late else time(9)
            end = time(start.hour + SHIFT_MINUTES // 60)
            shift_rows.append({"therapist": t.id, "location": t.location_index,
                               "shift_date": day, "start_time": start, "end_time": end})
            shift_days.append((t, day, start))

    planned = _plan_bookings(rng, staff, shift_days, menu, bookings, today)
    clients, booking_rows = _attach_clients_and_status(rng, planned, menu, today)
    return DemoPlan(today, locations, menu, therapist_rows, credential_rows, shift_rows,
                    clients, booking_rows)


def seed_demo(
    engine: Engine,
    *,
    today: date,
    seed: int = 7,
    bookings: int = 50_000,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Fill an empty database with the demo chain planned for ``today``."""
    say = progress or (lambda _msg: None)
    say("planning the chain")
    plan = plan_demo(today=today, seed=seed, bookings=bookings)

    with Session(engine) as session:
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
        bulk_insert(session, Client, [
            {"external_ref": row["external_ref"],
             "home_location_id": location_ids[row["home_location"]],
             "focus_areas": "", "contraindications": ""} for row in plan.clients])
        client_ids = dict(session.execute(select(Client.external_ref, Client.id)).all())
        booking_rows = [
            {"external_ref": row["external_ref"],
             "location_id": location_ids[row["location"]],
             "therapist_id": None if row["therapist"] is None
             else therapist_ids[row["therapist"]],
             "service_id": service_ids[row["service"]],
             "client_id": client_ids[row["client_ref"]],
             "starts_at": row["starts_at"], "ends_at": row["ends_at"],
             "duration_min": row["duration_min"], "price_cents": row["price_cents"],
             "status": row["status"], "requested": row["requested"], "import_batch_id": None}
            for row in plan.bookings
        ]
        # Building the booking indexes once after the load beats maintaining them per row.
        connection = session.connection()
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MB for the load
        indexes = list(Booking.__table__.indexes)
        for index in indexes:
            index.drop(connection)
        bulk_insert(session, Booking, booking_rows)
        for index in indexes:
            index.create(connection)
        say("daily rollup")
        refresh_booking_days(connection)

        say("users owner, manager and staff (password 'demo')")
        created = now()
        for username, role in (("owner", "owner"), ("manager", "manager"), ("staff", "staff")):
            user = User(username=username, password_hash=hash_password(DEMO_PASSWORD),
                        role=role, created_at=created)
            session.add(user)
            session.flush()
            if role != "owner":
                session.add(UserLocation(user_id=user.id, location_id=location_ids[0]))
        session.commit()

    return DemoSummary(
        locations=len(plan.locations),
        therapists=len(plan.therapists),
        services=len(plan.menu),
        clients=len(plan.clients),
        shifts=len(plan.shifts),
        bookings=len(plan.bookings),
    )


@dataclass
class _Planned:
    therapist: _Therapist
    start: datetime
    service: int  # index into the menu
    open: bool = False  # left unassigned for a manager (never cancelled)


def _plan_bookings(
    rng: random.Random,
    staff: list[_Therapist],
    shift_days: list[tuple[_Therapist, date, time]],
    menu: list[dict],
    target: int,
    today: date,
) -> list[_Planned]:
    """Lay bookings into shifts without overlaps, then keep exactly ``target`` of them.

    The first location's shifts of the next few days are filled first and kept, and
    their earliest bookings are left open, so every demo has bookings to assign.
    """
    by_family: dict[str, list[int]] = {"therapeutic": [], "relaxation": [], "other": []}
    for index, service in enumerate(menu):
        by_family[service["category"]].append(index)
    # Popular services come first in the menu: weight them higher.
    weights = {fam: [1.0 / (1 + 0.35 * k) for k in range(len(ix))]
               for fam, ix in by_family.items()}
    eligible_cache: dict[int, dict[str, tuple[list[int], list[float]]]] = {}
    for t in staff:
        per_family = {}
        for fam, indexes in by_family.items():
            ok = [(ix, w) for ix, w in zip(indexes, weights[fam], strict=True)
                  if _requirement_met(menu[ix]["required_credentials"], t.credentials)]
            per_family[fam] = ([ix for ix, _ in ok], [w for _, w in ok])
        eligible_cache[t.id] = per_family

    # Cumulative weights once, so each draw is one random number and one bisect.
    families = ("therapeutic", "relaxation", "other")
    family_cum = [list(accumulate(loc[4])) for loc in DEMO_LOCATIONS]
    option_cum = {tid: {fam: (ix, list(accumulate(w))) for fam, (ix, w) in per.items()}
                  for tid, per in eligible_cache.items()}
    durations = [service["default_duration_min"] for service in menu]
    weekday_load = (0.85, 0.85, 0.9, 0.95, 1.05, 1.15, 1.1)
    random_ = rng.random

    def fill(t: _Therapist, day: date, start: time) -> None:
        """Lay a day's bookings into one shift, buffers between, slack spread as gaps."""
        cum_family = family_cum[t.location_index]
        wanted = max(1, round(rng.gauss(BOOKINGS_PER_SHIFT_DAY * weekday_load[day.weekday()], 1)))
        chosen: list[int] = []
        used = 0
        for _ in range(wanted):
            family = families[bisect(cum_family, random_() * cum_family[-1])]
            options, cum = option_cum[t.id][family]
            if not options:
                continue
            ix = options[min(bisect(cum, random_() * cum[-1]), len(options) - 1)]
            need = durations[ix] + (BUFFER_MIN if chosen else 0)
            if used + need > SHIFT_MINUTES:
                break
            chosen.append(ix)
            used += need
        if not chosen:
            return
        slack_quarters = (SHIFT_MINUTES - used) // 15
        cuts = sorted(rng.randint(0, slack_quarters) for _ in chosen)
        cursor = datetime.combine(day, start)
        previous_cut = 0
        for cut, ix in zip(cuts, chosen, strict=True):
            cursor += timedelta(minutes=15 * (cut - previous_cut))
            previous_cut = cut
            planned.append(_Planned(t, cursor, ix))
            cursor += timedelta(minutes=durations[ix] + BUFFER_MIN)

    planned: list[_Planned] = []
    soon = today + timedelta(days=OPEN_WINDOW_DAYS)
    reserved_days = sorted(
        (sd for sd in shift_days if sd[0].location_index == 0 and today <= sd[1] <= soon),
        key=lambda sd: (sd[1], sd[2], sd[0].id))
    reserved = set()
    for shift_day in reserved_days:
        if len(planned) >= min(OPEN_UPCOMING + 2, target):
            break
        fill(*shift_day)
        reserved.add((shift_day[0].id, shift_day[1]))
    kept = planned
    for p in sorted(kept, key=lambda p: (p.start, p.therapist.id))[:OPEN_UPCOMING]:
        p.open = True

    # Fill a random share of shift-days sized for the target; top up from the rest if short.
    capacity = len(shift_days) * BOOKINGS_PER_SHIFT_DAY
    day_probability = min(1.0, max(0, target - len(kept)) * 1.08 / max(capacity, 1))
    planned = []
    skipped: list[tuple[_Therapist, date, time]] = []
    for shift_day in shift_days:
        if (shift_day[0].id, shift_day[1]) in reserved:
            continue
        if day_probability < 1.0 and random_() > day_probability:
            skipped.append(shift_day)
        else:
            fill(*shift_day)
    rest = max(0, target - len(kept))
    for shift_day in skipped:
        if len(planned) >= rest:
            break
        fill(*shift_day)
    if len(planned) > rest:
        keep = sorted(rng.sample(range(len(planned)), rest))
        planned = [planned[i] for i in keep]
    planned = kept[:target] + planned
    planned.sort(key=lambda p: (p.start, p.therapist.id))
    return planned


def _attach_clients_and_status(
    rng: random.Random,
    planned: list[_Planned],
    menu: list[dict],
    today: date,
) -> tuple[list[dict], list[dict]]:
    """Give each booking a client whose visits follow the family's cadence, and a status."""
    cadences = {
        "therapeutic": ((7, 14, 21, 28), (0.25, 0.4, 0.2, 0.15)),
        "relaxation": ((21, 28, 35, 42, 56), (0.15, 0.3, 0.3, 0.15, 0.1)),
    }
    prices: dict[tuple[int, int], int] = {}
    for loc_index, (_n, tier, _tz, _rooms, _mix) in enumerate(DEMO_LOCATIONS):
        for ix, service in enumerate(menu):
            factor = DEMO_PRICE_FACTOR[tier] * rng.uniform(0.9, 1.08)
            dollars = round(service["default_price_cents"] / 100 * factor / 5) * 5
            prices[(loc_index, ix)] = int(dollars * 100)

    due: dict[tuple[int, str], list[tuple[date, int, str]]] = {}
    client_rows: list[dict] = []
    client_cadence: dict[str, int] = {}
    client_last_therapist: dict[str, int] = {}
    rows: list[dict] = []
    for n, p in enumerate(planned):
        loc_index = p.therapist.location_index
        service = menu[p.service]
        family = "therapeutic" if service["category"] == "therapeutic" else "relaxation"
        heap = due.setdefault((loc_index, family), [])
        day = p.start.date()
        if heap and heap[0][0] <= day + timedelta(days=3):
            _due, _tie, ref = heapq.heappop(heap)
        else:
            ref = f"C{len(client_rows) + 1:07d}"
            client_rows.append({"external_ref": ref, "home_location": loc_index})
            options, weights = cadences[family]
            client_cadence[ref] = rng.choices(options, weights=weights)[0]
        if service["category"] != "other" and rng.random() < 0.85:
            next_visit = day + timedelta(days=client_cadence[ref] + rng.randint(-3, 4))
            heapq.heappush(heap, (next_visit, n, ref))

        if day < today:
            roll = rng.random()
            status = "completed" if roll < 0.87 else "cancelled" if roll < 0.97 else "no_show"
        else:
            status = "cancelled" if rng.random() < 0.04 and not p.open else "booked"
        therapist_id: int | None = p.therapist.id
        requested = client_last_therapist.get(ref) == therapist_id and rng.random() < 0.6
        if p.open:
            therapist_id, requested = None, False
        elif status == "booked" and not requested and rng.random() < 0.03:
            therapist_id = None
        if therapist_id is not None:
            client_last_therapist[ref] = therapist_id
        price = prices[(loc_index, p.service)]
        if rng.random() < 0.08:
            price = int(price * rng.choice((0.8, 0.85, 0.9)))
        duration = service["default_duration_min"]
        rows.append(
            {
                "external_ref": f"DEMO-{n + 1:08d}",
                "location": loc_index,
                "therapist": therapist_id,
                "service": p.service,
                "client_ref": ref,
                "starts_at": p.start,
                "ends_at": p.start + timedelta(minutes=duration),
                "duration_min": duration,
                "price_cents": price,
                "status": status,
                "requested": requested,
            }
        )
    return client_rows, rows
