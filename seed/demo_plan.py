"""The demo chain planned as plain rows: four locations with a story each, staff, rota, bookings.

Every held booking obeys the rules the product enforces when it assigns: a valid license on
the day, the credentials its service requires, inside its therapist's shift, the location's
turnover buffer from the therapist's other held bookings, and the daily hands-on cap. Each
location's rota is drawn around the bookings so that its utilisation tells the story written
in ``seed.reference.DEMO_LOCATIONS`` (in band, over the burnout line, idle), and its prices
sit where that story puts them against the market band.
"""

from __future__ import annotations

import math
import random
from bisect import bisect
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from operator import attrgetter

from seed.reference import (
    DEFAULT_SETTINGS,
    DEMO_LOCATIONS,
    DEMO_MENU,
    DEMO_PREMIUM,
    DEMO_PRICE_FACTOR,
    MARKET_BANDS,
    DemoLocation,
)
from spaops.names import name_key
from spaops.services import classify_service

DAYS_BACK = 365
DAYS_AHEAD = 14
OPENS, CLOSES = time(9), time(21)
DAILY_CAP_MIN = int(DEFAULT_SETTINGS["daily_cap_min"])  # type: ignore[call-overload]
CANCELLED_SHARE = 0.08  # of all bookings, mostly in the past
NO_SHOW_SHARE = 0.035  # of past bookings that held their time
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
FAMILIES = ("therapeutic", "relaxation", "other")
# Every offset into a day, made once: a million bookings would otherwise each build one.
MINUTES = tuple(timedelta(minutes=m) for m in range(24 * 60 + 1))
Chain = tuple[DemoLocation, ...]


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


@dataclass
class _Therapist:
    id: int
    location_index: int
    credentials: set[str]
    licensed_until: date
    workdays: tuple[int, ...]
    late: bool


@dataclass(slots=True)
class _Planned:
    therapist: _Therapist
    start: datetime
    service: int  # index into the menu
    open: bool = False  # left unassigned for a manager (never cancelled)
    cancelled: bool = False


@dataclass
class _ShiftDay:
    therapist: _Therapist
    day: date
    start: datetime
    end: datetime | None = None  # set when the day is filled
    bookings: list[_Planned] = field(default_factory=list)


def menu_rows() -> list[dict]:
    """The demo menu as service rows, categorised the way a new service would be."""
    rows = []
    for name, modality, duration, price in DEMO_MENU:
        defaults = classify_service(name)
        rows.append({
            "name": name, "name_key": name_key(name), "category": defaults.category,
            "modality": modality, "default_duration_min": duration,
            "default_price_cents": int(price * 100),
            "required_credentials": defaults.required_credentials,
            "preferred_credentials": defaults.preferred_credentials,
            "deep_pressure": defaults.deep_pressure, "needs_review": False,
        })
    return rows


def requirement_met(required: str, credentials: set[str]) -> bool:
    """Whether credentials satisfy a requirement ('a|b;c': a or b, and c)."""
    return all(any(alt in credentials for alt in group.split("|"))
               for group in required.split(";") if group)


def _round_to(value: float, step: int) -> int:
    return int(round(value / step) * step)


def _ceil_to(value: float, step: int) -> int:
    return int(math.ceil(value / step - 1e-9) * step)


def _future_fill(days_ahead: int) -> float:
    """Share of a future day's bookings already made: the next days are nearly full."""
    return max(0.25, 0.92 - 0.05 * days_ahead)


def _names(count: int, rng: random.Random) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        name = f"{first} {last}"
        if name in seen:  # the next free surname for that first name (no draw: the names
            # after it stay as they were); a number only once every pair is taken
            free = (f"{first} {other}" for other in LAST_NAMES
                    if f"{first} {other}" not in seen)
            name = next(free, f"{name} {len(names) + 1}")
        seen.add(name)
        names.append(name)
    return names


def _bookings_per_day(menu: list[dict], loc: DemoLocation) -> float:
    """About how many bookings a shift-day at this location holds: its hands-on minutes
    (its share of a usual shift, under the cap) over the mean length its mix books."""
    means = []
    for family in FAMILIES:
        durations = [s["default_duration_min"] for s in menu if s["category"] == family]
        means.append(sum(durations) / len(durations))
    mean = sum(w * m for w, m in zip(loc.mix, means, strict=True)) / sum(loc.mix)
    return min(DAILY_CAP_MIN, loc.utilisation * loc.shift_hours * 60) / mean


def _staff_size(bookings: int, menu: list[dict], chain: Chain, days_back: int) -> int:
    """Therapists enough for the bookings asked for (at least 30), with room to choose days."""
    rooms = sum(loc.rooms for loc in chain)
    shift_days = (days_back + DAYS_AHEAD / 2) * 5 / 7
    per_therapist = sum(loc.rooms / rooms * shift_days * _bookings_per_day(menu, loc)
                        for loc in chain)
    return max(30, math.ceil(bookings * (1 - CANCELLED_SHARE) * 1.15 / per_therapist))


def _home_locations(count: int, chain: Chain) -> list[int]:
    """Each therapist's location, shared out by rooms and interleaved."""
    rooms = [loc.rooms for loc in chain]
    share = [r / sum(rooms) for r in rooms]
    counts = [0] * len(rooms)
    homes = []
    for i in range(count):
        pick = max(range(len(rooms)), key=lambda k: (share[k] * (i + 1) - counts[k], -k))
        counts[pick] += 1
        homes.append(pick)
    return homes


def _location_rows(homes: list[int], chain: Chain) -> list[dict]:
    rows = []
    for index, loc in enumerate(chain):
        staff = homes.count(index)
        rows.append({
            "name": loc.name, "name_key": name_key(loc.name), "tier": loc.tier,
            "timezone": loc.timezone, "rooms": max(loc.rooms, math.ceil(staff / 2)),
            "opens_at": OPENS, "closes_at": CLOSES, "turnover_buffer_min": loc.buffer_min,
            "lmt_required": True})
    return rows


def _price_list(rng: random.Random, menu: list[dict], chain: Chain) -> dict[tuple[int, int], int]:
    """Cents per location and service, placed against the band where the story says."""
    bands = {(tier, category): (low, high) for tier, category, low, high, _s in MARKET_BANDS}
    prices: dict[tuple[int, int], int] = {}
    for loc_index, loc in enumerate(chain):
        for ix, service in enumerate(menu):
            minutes = service["default_duration_min"]
            band = bands.get((loc.tier, service["category"]))
            if band is None:  # no market band: the tier's usual markup on the base price
                dollars = _round_to(service["default_price_cents"] / 100
                                    * DEMO_PRICE_FACTOR[loc.tier], 5)
                prices[(loc_index, ix)] = max(5, dollars) * 100
                continue
            low, high = band
            aim = (loc.relaxation_price if service["category"] == "relaxation"
                   else loc.therapeutic_price) + rng.uniform(-0.12, 0.12)
            premium = DEMO_PREMIUM.get((loc.name, service["name"]))
            under = aim < 0
            aim = min(aim, -0.12) if under else premium or min(max(aim, 0.2), 0.85)
            dollars = _round_to((low + aim * (high - low)) * minutes / 60, 5)
            per_hour = dollars * 60 / minutes
            while not under and per_hour < low:
                dollars += 5
                per_hour = dollars * 60 / minutes
            while (not under and not premium and per_hour > high
                   or under and per_hour >= low):
                dollars -= 5
                per_hour = dollars * 60 / minutes
            prices[(loc_index, ix)] = dollars * 100
    return prices


class _Planner:
    """Lays bookings into shift-days and draws each shift around them."""

    def __init__(self, rng: random.Random, staff: list[_Therapist], menu: list[dict],
                 today: date, chain: Chain) -> None:
        self.rng, self.today, self.chain = rng, today, chain
        self.durations = [s["default_duration_min"] for s in menu]
        by_family: dict[str, list[int]] = {f: [] for f in FAMILIES}
        for index, service in enumerate(menu):
            by_family[service["category"]].append(index)
        # Popular services come first in the menu: weight them higher.
        weights = {f: [1.0 / (1 + 0.35 * k) for k in range(len(ix))]
                   for f, ix in by_family.items()}
        self.options: dict[int, dict[str, tuple[list[int], list[float]]]] = {}
        for t in staff:
            per_family = {}
            for family, indexes in by_family.items():
                ok = [(ix, w) for ix, w in zip(indexes, weights[family], strict=True)
                      if requirement_met(menu[ix]["required_credentials"], t.credentials)]
                per_family[family] = ([ix for ix, _ in ok], list(accumulate(w for _, w in ok)))
            self.options[t.id] = per_family
        self.family_cum = [list(accumulate(loc.mix)) for loc in chain]
        self.per_day = [_bookings_per_day(menu, loc) for loc in chain]

    def draw_service(self, t: _Therapist) -> int | None:
        """A service this therapist may give, drawn by the location's mix and popularity."""
        cum_family = self.family_cum[t.location_index]
        family = FAMILIES[bisect(cum_family, self.rng.random() * cum_family[-1])]
        options, cum = self.options[t.id][family]
        if not options:
            return None
        return options[min(bisect(cum, self.rng.random() * cum[-1]), len(options) - 1)]

    def fill(self, sd: _ShiftDay) -> None:
        """Choose the day's bookings under the cap, then draw the shift so that its hands-on
        share is the location's, the bookings packed with the turnover buffer between.

        Run for every shift-day of a million-booking chain: `draw_service` is written out
        inline and times are counted in minutes from the shift's start, with the same
        draws in the same order (`randrange(m + 1)` is `randint(0, m)`).
        """
        t, rng = sd.therapist, self.rng
        draw = rng.random
        loc: DemoLocation = self.chain[t.location_index]
        durations = self.durations
        closing = datetime.combine(sd.day, CLOSES)
        longest = int((closing - sd.start).total_seconds() // 60)
        share = min(0.95, max(0.25, loc.utilisation + rng.gauss(0, 0.03)))
        target = min(DAILY_CAP_MIN, share * min(loc.shift_hours * 60, longest))
        ceiling = min(DAILY_CAP_MIN, target + 15)
        cum_family = self.family_cum[t.location_index]
        total_family = cum_family[-1]
        options_by_family = self.options[t.id]
        chosen: list[int] = []
        hands = 0
        for _ in range(14):
            if hands >= target - 15:
                break
            options, cum = options_by_family[FAMILIES[bisect(cum_family,
                                                             draw() * total_family)]]
            if not options:
                continue
            ix = options[min(bisect(cum, draw() * cum[-1]), len(options) - 1)]
            if hands + durations[ix] > ceiling:
                continue
            chosen.append(ix)
            hands += durations[ix]
        if not chosen:
            ix = min((i for opts, _c in options_by_family.values() for i in opts),
                     key=lambda i: durations[i])
            chosen, hands = [ix], durations[ix]
        buffer = loc.buffer_min
        packed = hands + buffer * (len(chosen) - 1)
        length = min(max(packed, _ceil_to(hands / share, 15)), longest)
        while packed > length:  # only near closing time
            hands -= durations[chosen.pop()]
            packed = hands + buffer * (len(chosen) - 1)
        step = 15 if buffer % 15 == 0 else 5
        slack = (length - packed) // step + 1
        cuts = sorted([rng.randrange(slack) for _ in chosen])
        days_ahead = (sd.day - self.today).days
        keep = _future_fill(days_ahead) if days_ahead >= 0 else 1.0
        start, minutes, previous = sd.start, 0, 0
        for cut, ix in zip(cuts, chosen, strict=True):
            minutes += step * (cut - previous)
            previous = cut
            if keep >= 1.0 or draw() < keep:
                sd.bookings.append(_Planned(t, start + MINUTES[minutes], ix))
            minutes += durations[ix] + buffer
        sd.end = start + MINUTES[length]

    def expected(self, sd: _ShiftDay) -> float:
        """About how many bookings filling this shift-day gives."""
        per_day = self.per_day[sd.therapist.location_index]
        days_ahead = (sd.day - self.today).days
        return per_day * (_future_fill(days_ahead) if days_ahead >= 0 else 1.0)

    def add_cancelled(self, days: list[_ShiftDay]) -> None:
        """A cancelled booking inside one of these shift-days (its time was sold again)."""
        while True:
            sd = self.rng.choice(days)
            ix = self.draw_service(sd.therapist)
            assert sd.end is not None
            room = int((sd.end - sd.start).total_seconds() // 60)
            if ix is None or self.durations[ix] > room:
                continue
            offset = 15 * self.rng.randint(0, (room - self.durations[ix]) // 15)
            sd.bookings.append(_Planned(sd.therapist, sd.start + timedelta(minutes=offset),
                                        ix, cancelled=True))
            return


def _staff(rng: random.Random, today: date, count: int,
           chain: Chain) -> tuple[list[dict], list[_Therapist]]:
    homes = _home_locations(count, chain)
    names = _names(count, rng)
    rows: list[dict] = []
    staff: list[_Therapist] = []
    slots = [0] * len(chain)
    for i, (name, home) in enumerate(zip(names, homes, strict=True)):
        loc = chain[home]
        clinic = loc.mix[0] > 0.5
        creds = {c for c in GENERAL_CREDENTIALS if rng.random() < 0.3}
        creds |= {c for c in THERAPEUTIC_CREDENTIALS if rng.random() < (0.6 if clinic else 0.3)}
        if rng.random() < 0.25:
            creds.add("prenatal")
        # Every location can staff every service: its first three carry each specialty.
        slot, slots[home] = slots[home], slots[home] + 1
        creds |= ({"prenatal", "medical", "deep_tissue"},
                  {"myofascial_release", "trigger_point", "sports"},
                  {"neuromuscular", "hot_stone", "prenatal"}, set())[min(slot, 3)]
        expires = today + timedelta(days=rng.randint(120, 900))
        if i in EXPIRING:  # licenses running out within 30 days, whatever the day
            expires = today + timedelta(days=EXPIRING[i])
        elif i == EXPIRED:  # one license already expired
            expires = today - timedelta(days=20)
        rows.append({
            "name": name, "name_key": name_key(name), "home_location": home,
            "license_number": f"MT-{100000 + i * 7919 % 900000}",
            "license_state": LICENSE_STATE[loc.timezone], "license_expires": expires,
            "gender": "female" if rng.random() < 0.65 else "male", "active": True})
        days_off = rng.sample(range(7), 2)
        staff.append(_Therapist(i, home, creds, expires,
                                tuple(d for d in range(7) if d not in days_off),
                                rng.random() < 0.5))
    return rows, staff


def demo_chain(locations: int) -> Chain:
    """The demo's locations: the four with their stories, then copies of them (numbered) for
    a chain that size, as benches at scale need."""
    return tuple(
        base if i < len(DEMO_LOCATIONS) else base._replace(
            name=f"{base.name} {i // len(DEMO_LOCATIONS) + 1}")
        for i, base in ((i, DEMO_LOCATIONS[i % len(DEMO_LOCATIONS)]) for i in range(locations)))


def plan_demo(*, today: date, seed: int = 7, bookings: int = 50_000,
              locations: int = len(DEMO_LOCATIONS), days_back: int = DAYS_BACK) -> DemoPlan:
    """Plan the demo chain for a day, deterministic for a seed and that day; writes nothing.

    ``locations`` and ``days_back`` make a larger chain or a longer history (benches)."""
    rng = random.Random(seed)
    chain = demo_chain(locations)
    menu = menu_rows()
    therapist_rows, staff = _staff(rng, today, _staff_size(bookings, menu, chain, days_back),
                                   chain)
    credential_rows = [
        {"therapist": t.id, "kind": kind,
         "expires": today + timedelta(days=rng.randint(200, 1000)) if rng.random() < 0.4
         else None}
        for t in staff for kind in sorted(t.credentials)]

    first_day = today - timedelta(days=days_back)
    horizon = [first_day + timedelta(days=i) for i in range(days_back + DAYS_AHEAD + 1)]
    shift_days = [
        _ShiftDay(t, day, datetime.combine(day, time(10) if day.weekday() >= 5
                                           else time(12) if t.late else time(9)))
        for t in staff for day in horizon
        if day.weekday() in t.workdays and day <= t.licensed_until]
    planner = _Planner(rng, staff, menu, today, chain)
    kept = _choose_days(rng, planner, shift_days, bookings, today)
    planned = [p for sd in kept for p in sd.bookings]
    planned.sort(key=attrgetter("start", "therapist.id", "cancelled"))
    shift_rows = [{"therapist": sd.therapist.id, "location": sd.therapist.location_index,
                   "shift_date": sd.day, "start_time": sd.start.time(),
                   "end_time": sd.end.time()} for sd in kept if sd.end is not None]
    clients, booking_rows = _attach_clients_and_status(rng, planned, menu, today, chain)
    return DemoPlan(today, _location_rows([t.location_index for t in staff], chain), menu,
                    therapist_rows, credential_rows, shift_rows, clients, booking_rows)


def _choose_days(rng: random.Random, planner: _Planner, shift_days: list[_ShiftDay],
                 target: int, today: date) -> list[_ShiftDay]:
    """Fill shift-days until exactly ``target`` bookings: whole days decide how many held
    their time, cancelled bookings make up the rest.

    The first location's shift-days of the next few days are filled first and kept, and
    their earliest bookings are left open, so every demo has bookings to assign.
    """
    soon = today + timedelta(days=OPEN_WINDOW_DAYS)
    upcoming = sorted((sd for sd in shift_days
                       if sd.therapist.location_index == 0 and today <= sd.day <= soon),
                      key=lambda sd: (sd.day, sd.start, sd.therapist.id))
    reserved: list[_ShiftDay] = []
    for sd in upcoming:
        if sum(len(r.bookings) for r in reserved) >= min(OPEN_UPCOMING + 2, target):
            break
        planner.fill(sd)
        reserved.append(sd)
    for p in sorted((p for sd in reserved for p in sd.bookings),
                    key=lambda p: (p.start, p.therapist.id))[:OPEN_UPCOMING]:
        p.open = True

    taken = {id(sd) for sd in reserved}
    rest = [sd for sd in shift_days if id(sd) not in taken]
    held_target = target - round(target * CANCELLED_SHARE)
    held = sum(len(sd.bookings) for sd in reserved)
    expected = sum(planner.expected(sd) for sd in rest)
    chance = min(1.0, max(0, held_target - held) * 1.05 / max(expected, 1.0))
    filled: list[_ShiftDay] = []
    skipped: list[_ShiftDay] = []
    for sd in rest:
        if chance < 1.0 and rng.random() > chance:
            skipped.append(sd)
        else:
            planner.fill(sd)
            filled.append(sd)
            held += len(sd.bookings)
    rng.shuffle(skipped)
    while held < held_target and skipped:  # short: fill more days
        sd = skipped.pop()
        planner.fill(sd)
        filled.append(sd)
        held += len(sd.bookings)
    rng.shuffle(filled)
    while held > held_target and filled:  # over: those therapists had the day off
        held -= len(filled.pop().bookings)
    kept = reserved + filled
    if held > target:  # a tiny demo: fewer bookings than the days it must keep
        planned = sorted((p for sd in reserved for p in sd.bookings),
                         key=lambda p: (p.start, p.therapist.id))
        keep = {id(p) for p in planned[:target]}
        for sd in reserved:
            sd.bookings = [p for p in sd.bookings if id(p) in keep]
        held = target
    past = [sd for sd in kept if sd.day < today] or kept
    for _ in range(target - held):
        planner.add_cancelled(past if rng.random() < 0.9 else kept)
    return sorted(kept, key=lambda sd: (sd.day, sd.therapist.id))


class _DueBack:
    """Clients due back at one location for one family of services, by day: the earliest
    day's client first and, within a day, the one whose visit was booked first.

    A queue per day in place of one heap of (day, booking, client) tuples: the bookings come
    in order, so each day's queue is already in booking order. Planning a million bookings,
    the heaps (up to 13,000 entries) took a fifth of the time in their pops and pushes.
    """

    def __init__(self) -> None:
        self.days: dict[int, deque[int]] = {}
        self.first: int | None = None  # the earliest day anyone is due, if anyone is

    def add(self, day: int, client: int) -> None:
        """Client `client` is due back on `day` (an ordinal)."""
        self.days.setdefault(day, deque()).append(client)
        if self.first is None or day < self.first:
            self.first = day

    def next_due(self, by: int) -> int | None:
        """The next client due back on or before day `by`, taken off the queue; or None."""
        first = self.first
        if first is None or first > by:
            return None
        waiting = self.days[first]
        client = waiting.popleft()
        if not waiting:
            del self.days[first]
            self.first = min(self.days, default=None)
        return client


def _attach_clients_and_status(rng: random.Random, planned: list[_Planned], menu: list[dict],
                               today: date, chain: Chain) -> tuple[list[dict], list[dict]]:
    """Give each booking a client whose visits follow the family's cadence, a status, a price.

    A million bookings pass through this loop, so what does not change from one booking to
    the next (a location's service: its family, length, price, member's rate) is worked out
    once, days are ordinals and clients are numbers; the draws are the same, in the same
    order (`randrange(8) - 3` is `randint(-3, 4)`, a bisect of cumulative weights is
    `choices`), so a seed and a day plan the same chain as ever.
    """
    cadences = {
        "therapeutic": ((7, 14, 21, 28), (0.25, 0.4, 0.2, 0.15)),
        "relaxation": ((21, 28, 35, 42, 56), (0.15, 0.3, 0.3, 0.15, 0.1)),
    }
    cumulative = {family: (options, list(accumulate(weights)))
                  for family, (options, weights) in cadences.items()}
    prices = _price_list(rng, menu, chain)
    floors = {(tier, category): low * 100 for tier, category, low, _h, _s in MARKET_BANDS}
    # (location, service) -> its family's queue of clients due back, whether a visit
    # brings the client back, length, list price, member's rate (None where under the band)
    terms: dict[tuple[int, int], tuple] = {}
    queues: dict[tuple[int, str], _DueBack] = {}
    for (loc_index, ix), price in prices.items():
        service = menu[ix]
        category, duration = service["category"], service["default_duration_min"]
        family = "therapeutic" if category == "therapeutic" else "relaxation"
        member_rate = int(price * 0.9)  # a member's rate, never under the market band
        floor = floors.get((chain[loc_index].tier, category), 0)
        terms[(loc_index, ix)] = (
            family, queues.setdefault((loc_index, family), _DueBack()), category != "other",
            duration, timedelta(minutes=duration), price,
            member_rate if member_rate * 60 >= floor * duration else None)
    draw, below = rng.random, rng.randrange
    today_ordinal = today.toordinal()
    client_rows: list[dict] = []
    refs: list[str] = []
    cadence: list[int] = []  # by client number
    last_therapist: dict[int, int] = {}  # client number -> therapist of their last visit
    rows: list[dict] = []
    for n, p in enumerate(planned):
        therapist = p.therapist
        loc_index = therapist.location_index
        family, queue, returns, duration, length, price, member_rate = terms[
            (loc_index, p.service)]
        day = p.start.toordinal()
        if (client := queue.next_due(day + 3)) is None:
            client = len(refs)
            refs.append(f"C{client + 1:07d}")
            client_rows.append({"external_ref": refs[client], "home_location": loc_index})
            options, cum = cumulative[family]
            cadence.append(options[bisect(cum, draw() * cum[-1], 0, len(options) - 1)])
        cancelled = p.cancelled
        if returns and not cancelled and draw() < 0.85:
            queue.add(day + cadence[client] + below(8) - 3, client)

        if cancelled:
            status = "cancelled"
        elif day < today_ordinal:
            status = "no_show" if draw() < NO_SHOW_SHARE else "completed"
        else:
            status = "booked"
        therapist_id: int | None = therapist.id
        requested = last_therapist.get(client) == therapist_id and draw() < 0.6
        if p.open:
            therapist_id, requested = None, False
        elif status == "booked" and not requested and draw() < 0.03:
            therapist_id = None
        if therapist_id is not None and not cancelled:
            last_therapist[client] = therapist_id
        if draw() < 0.08 and member_rate is not None:
            price = member_rate
        rows.append({
            "external_ref": f"DEMO-{n + 1:08d}", "location": loc_index,
            "therapist": therapist_id, "service": p.service, "client_ref": refs[client],
            "starts_at": p.start, "ends_at": p.start + length,
            "duration_min": duration, "price_cents": price, "status": status,
            "requested": requested})
    return client_rows, rows
