"""The week grid of the Rota page: load a location's week, read and check cells, save, copy.

A cell holds a therapist's shifts at the location on one day, written "09:00-17:00"
(also "9-17", "9am-5pm"; a split day as "9-13, 14-18"); an empty cell is a day off.
Every save re-checks inside its write transaction, records each changed cell in
`shift_change` and bumps the data revision; when any check fails nothing is written.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import delete, or_, select
from sqlmodel import Session

from models import Location, Shift, ShiftChange, Therapist
from spaops import clock
from spaops.errors import RuleRefusal
from spaops.revision import bump_data_revision

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
THERAPIST, HOURS = "Therapist", "Hours"
MAX_SHIFTS_PER_DAY = 3
OFF_WORDS = frozenset({"", "off", "-", "—", "–", "none", "nan"})
_TIME = re.compile(r"^(\d{1,2})(?:[:.]?(\d{2}))?\s*(?:([ap])\.?m?\.?)?$", re.IGNORECASE)
_RANGE = re.compile(r"\s*(?:-|–|—|\bto\b)\s*", re.IGNORECASE)
AUDIT_COLUMNS = ["When", "Who", "Therapist", "Day", "Change", "Before", "After"]

Span = tuple[time, time]


class CellError(ValueError):
    """A cell that cannot be read as shifts; the message says why in plain words."""


class RotaRefused(RuleRefusal):
    """A save or copy that a check refused: nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


@dataclass(frozen=True)
class CellEdit:
    """What a person typed into one cell of the grid ("" for a day off)."""

    therapist_id: int
    day: date
    text: str


@dataclass(frozen=True)
class Problem:
    """A check that failed (or warns) for one therapist on one day."""

    therapist_id: int
    day: date
    message: str


@dataclass(frozen=True)
class Change:
    """One cell that a save changes: its shifts before and after."""

    therapist_id: int
    therapist: str
    day: date
    action: str
    before: str
    after: str
    spans: tuple[Span, ...]


@dataclass
class Review:
    """The outcome of checking edits: the changes, what refuses them and what only warns."""

    changes: list[Change] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Tell whether the edits may be saved."""
        return not self.errors


@dataclass(frozen=True)
class CopyResult:
    """What "Copy last week" did: shifts copied, and the days it left out and why."""

    copied: int
    days: int
    skipped: list[Problem]
    warnings: list[Problem]


def week_start(day: date) -> date:
    """The Monday of the week a date falls in."""
    return day - timedelta(days=day.weekday())


def day_label(day: date) -> str:
    """A day as people read it in the grid and in messages, e.g. "Tue 24 Nov"."""
    return f"{DAYS[day.weekday()]} {day.day} {day:%b}"


def format_spans(spans: Iterable[Span]) -> str:
    """Shifts as "09:00-17:00", several joined by ", "; "" for none."""
    return ", ".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in sorted(spans))


def _read_time(token: str, whole: str) -> tuple[int, int, str | None]:
    found = _TIME.match(token.strip())
    if not found:
        raise CellError(f'cannot read "{whole}": write it like 09:00-17:00, 9-17 or 9am-5pm')
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    half = found.group(3).lower() if found.group(3) else None
    if minute > 59 or (half and not 1 <= hour <= 12) or hour > 23:
        raise CellError(f'"{whole}" has a time that does not exist')
    return hour, minute, half


def _to_24h(hour: int, half: str | None) -> int:
    if half == "a":
        return 0 if hour == 12 else hour
    if half == "p":
        return 12 if hour == 12 else hour + 12
    return hour


def parse_shift(text: str) -> Span:
    """One shift such as "9-17", "09:00-17:00" or "9am-5pm" as (start, end); checks the order."""
    parts = _RANGE.split(text.strip())
    if len(parts) != 2 or not all(parts):
        raise CellError(f'cannot read "{text.strip()}": write it like 09:00-17:00, 9-17 '
                        "or 9am-5pm")
    (h1, m1, a1), (h2, m2, a2) = (_read_time(p, text.strip()) for p in parts)
    if a1 is None and a2 is not None and h1 <= 12:
        # "9-5pm": the start shares the end's half of the day unless that puts it after the end.
        a1 = a2 if _to_24h(h1, a2) * 60 + m1 < _to_24h(h2, a2) * 60 + m2 else "a"
    elif a1 is not None and a2 is None and h2 <= 12 and h2 * 60 + m2 <= _to_24h(h1, a1) * 60 + m1:
        a2 = "p"  # "9am-5": the end is in the afternoon
    start, end = time(_to_24h(h1, a1), m1), time(_to_24h(h2, a2), m2)
    if end <= start:
        raise CellError(f"the shift {start:%H:%M}-{end:%H:%M} does not end after it starts "
                        "(use 24-hour times such as 9-17, or 9am-5pm)")
    return start, end


def is_off(text: object) -> bool:
    """Tell whether a cell means a day off (empty, blank, "off")."""
    return text is None or (isinstance(text, float) and pd.isna(text)) or (
        str(text).strip().casefold() in OFF_WORDS)


def parse_cell(text: object) -> tuple[Span, ...]:
    """Every shift in a cell, sorted; () for a day off; CellError when it cannot be read."""
    if is_off(text):
        return ()
    pieces = [p for p in re.split(r"[,;/]|\band\b", str(text)) if p.strip()]
    spans = tuple(sorted(parse_shift(p) for p in pieces))
    if len(spans) > MAX_SHIFTS_PER_DAY:
        raise CellError(f"at most {MAX_SHIFTS_PER_DAY} shifts a day")
    return spans


def _hours(spans: Iterable[Span]) -> float:
    return sum((e.hour * 60 + e.minute - s.hour * 60 - s.minute) for s, e in spans) / 60


def _require_scope(location_id: int, allowed_location_ids: Collection[int] | None) -> None:
    if allowed_location_ids is not None and location_id not in set(allowed_location_ids):
        raise RotaRefused([Problem(0, date.min,
                                   "You can only see and change the rota of your own locations.")])


def _location(session: Session, location_id: int) -> Location:
    location = session.get(Location, location_id)
    if location is None:
        raise RotaRefused([Problem(0, date.min, "That location does not exist.")])
    return location


def opening_hours(session: Session, location_id: int) -> tuple[time, time]:
    """When a location opens and closes."""
    location = _location(session, location_id)
    return location.opens_at, location.closes_at


def _shifts_at(session: Session, location_id: int, first: date, last: date
               ) -> dict[tuple[int, date], list[Span]]:
    cells: dict[tuple[int, date], list[Span]] = defaultdict(list)
    sh = Shift.__table__
    for therapist_id, day, start, end in session.execute(
            select(sh.c.therapist_id, sh.c.shift_date, sh.c.start_time, sh.c.end_time)
            .where(sh.c.location_id == location_id, sh.c.shift_date >= first,
                   sh.c.shift_date <= last)):
        cells[(therapist_id, day)].append((start, end))
    return cells


def load_week(session: Session, location_id: int, monday: date, *,
              allowed_location_ids: Collection[int] | None = None) -> pd.DataFrame:
    """The week grid: a row per therapist (index therapist_id), Therapist, Mon..Sun, Hours."""
    _require_scope(location_id, allowed_location_ids)
    monday = week_start(monday)
    sunday = monday + timedelta(days=6)
    cells = _shifts_at(session, location_id, monday, sunday)
    on_rota = {tid for tid, _ in cells}
    people = session.scalars(select(Therapist).where(or_(
        (Therapist.home_location_id == location_id) & Therapist.active,
        Therapist.id.in_(on_rota or {-1}))).order_by(Therapist.name, Therapist.id)).all()
    rows = []
    for t in people:
        row: dict[str, object] = {"therapist_id": t.id, THERAPIST: t.name}
        spans = []
        for i, name in enumerate(DAYS):
            day_spans = cells.get((t.id, monday + timedelta(days=i)), [])
            row[name] = format_spans(day_spans)
            spans += day_spans
        row[HOURS] = round(_hours(spans), 2)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["therapist_id", THERAPIST, *DAYS, HOURS])
    frame[HOURS] = frame[HOURS].astype(float)
    return frame.set_index("therapist_id")


def week_hours(grid: pd.DataFrame) -> pd.Series:
    """Scheduled hours per row of a (possibly edited) grid; unreadable cells count 0."""
    def row_hours(row: pd.Series) -> float:
        total = 0.0
        for name in DAYS:
            try:
                total += _hours(parse_cell(row[name]))
            except CellError:
                pass
        return round(total, 2)

    return grid.apply(row_hours, axis=1).astype(float) if len(grid) else pd.Series(dtype=float)


def cell_edits(original: pd.DataFrame, edited: pd.DataFrame, monday: date) -> list[CellEdit]:
    """The cells a person changed between the loaded grid and the edited one."""
    monday = week_start(monday)
    edits = []
    for tid in edited.index:
        if tid not in original.index:
            continue
        for i, name in enumerate(DAYS):
            old, new = original.at[tid, name], edited.at[tid, name]
            old_text = "" if is_off(old) else str(old).strip()
            new_text = "" if is_off(new) else str(new).strip()
            if old_text != new_text:
                edits.append(CellEdit(int(tid), monday + timedelta(days=i), new_text))
    return edits


def _license_problem(location: Location, therapist: Therapist, day: date) -> str | None:
    if not location.lmt_required:
        return None
    if therapist.license_expires is None:
        return "has no LMT license on file, which this location requires"
    if therapist.license_expires < day:
        return f"the LMT license expired on {therapist.license_expires:%Y-%m-%d}"
    return None


def review_edits(session: Session, location_id: int, edits: Iterable[CellEdit], *,
                 allowed_location_ids: Collection[int] | None = None) -> Review:
    """Check edits against the rules and today's database; list what a save would change."""
    _require_scope(location_id, allowed_location_ids)
    location = _location(session, location_id)
    edits = list(edits)
    review = Review()
    if not edits:
        return review
    ids = sorted({e.therapist_id for e in edits})
    people = {t.id: t for t in session.scalars(select(Therapist).where(Therapist.id.in_(ids)))}
    days = sorted({e.day for e in edits})
    here: dict[tuple[int, date], list[Span]] = defaultdict(list)
    elsewhere: dict[tuple[int, date], list[Span]] = defaultdict(list)
    for s in session.scalars(select(Shift).where(Shift.therapist_id.in_(ids),
                                                 Shift.shift_date.in_(days))):
        target = here if s.location_id == location_id else elsewhere
        target[(s.therapist_id, s.shift_date)].append((s.start_time, s.end_time))
    warned: set[int] = set()
    for edit in edits:
        therapist = people.get(edit.therapist_id)
        if therapist is None:
            review.errors.append(Problem(edit.therapist_id, edit.day,
                                         f"{day_label(edit.day)}: that therapist does not exist."))
            continue
        who = f"{therapist.name}, {day_label(edit.day)}"

        def refuse(message: str, edit: CellEdit = edit, who: str = who) -> None:
            review.errors.append(Problem(edit.therapist_id, edit.day, f"{who}: {message}."))

        try:
            spans = parse_cell(edit.text)
        except CellError as exc:
            refuse(str(exc))
            continue
        before = tuple(sorted(here.get((edit.therapist_id, edit.day), [])))
        if spans == before:
            continue
        failed = len(review.errors)
        if spans:
            if not therapist.active:
                refuse("is no longer active; make them active on the Therapists page first")
            for start, end in spans:
                if start < location.opens_at or end > location.closes_at:
                    refuse(f"{start:%H:%M}-{end:%H:%M} is outside the opening hours "
                           f"({location.opens_at:%H:%M}-{location.closes_at:%H:%M})")
            for (s1, e1), (s2, e2) in zip(spans, spans[1:], strict=False):
                if s2 < e1:
                    refuse(f"the shifts {s1:%H:%M}-{e1:%H:%M} and {s2:%H:%M}-{e2:%H:%M} overlap")
            for start, end in spans:
                for s2, e2 in sorted(elsewhere.get((edit.therapist_id, edit.day), [])):
                    if start < e2 and s2 < end:
                        refuse(f"{start:%H:%M}-{end:%H:%M} overlaps their shift "
                               f"{s2:%H:%M}-{e2:%H:%M} at another location")
            if (why := _license_problem(location, therapist, edit.day)) is not None:
                refuse(why)
            expires = therapist.license_expires
            monday = week_start(edit.day)
            if (location.lmt_required and expires is not None and therapist.id not in warned
                    and edit.day <= expires <= monday + timedelta(days=6)):
                warned.add(therapist.id)
                review.warnings.append(Problem(
                    therapist.id, edit.day, f"{therapist.name}: the LMT license expires on "
                    f"{day_label(expires)}, this week; no shifts after that day."))
        if len(review.errors) > failed:
            continue
        action = "added" if not before else "removed" if not spans else "changed"
        review.changes.append(Change(therapist.id, therapist.name, edit.day, action,
                                     format_spans(before), format_spans(spans), spans))
    return review


def _write(session: Session, location_id: int, changes: list[Change], username: str) -> None:
    now = clock.now()
    for change in changes:
        session.execute(delete(Shift).where(
            Shift.therapist_id == change.therapist_id, Shift.location_id == location_id,
            Shift.shift_date == change.day))
        for start, end in change.spans:
            session.add(Shift(therapist_id=change.therapist_id, location_id=location_id,
                              shift_date=change.day, start_time=start, end_time=end))
        session.add(ShiftChange(changed_at=now, username=username, location_id=location_id,
                                therapist=change.therapist, shift_date=change.day,
                                action=change.action, before=change.before,
                                after=change.after))
    if changes:
        session.flush()
        bump_data_revision(session)


def _lock(session: Session, location_id: int, therapist_ids: Iterable[int]) -> None:
    """Serialise rota writes for these therapists on PostgreSQL (SQLite: BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    ids = sorted(set(therapist_ids))
    session.execute(select(Location.id).where(Location.id == location_id).with_for_update())
    if ids:
        session.execute(select(Therapist.id).where(Therapist.id.in_(ids))
                        .order_by(Therapist.id).with_for_update())


def apply_edits(session: Session, location_id: int, edits: Iterable[CellEdit], *,
                username: str, allowed_location_ids: Collection[int] | None = None
                ) -> list[Change]:
    """Re-check and save edits with an audit row per changed cell; RotaRefused writes nothing."""
    edits = list(edits)
    _require_scope(location_id, allowed_location_ids)
    _lock(session, location_id, (e.therapist_id for e in edits))
    review = review_edits(session, location_id, edits)
    if review.errors:
        raise RotaRefused(review.errors)
    _write(session, location_id, review.changes, username)
    return review.changes


def copy_last_week(session: Session, location_id: int, monday: date, *, username: str,
                   allowed_location_ids: Collection[int] | None = None) -> CopyResult:
    """Copy the previous week's shifts here into this week's empty days, checked and audited."""
    _require_scope(location_id, allowed_location_ids)
    monday = week_start(monday)
    last = _shifts_at(session, location_id, monday - timedelta(days=7),
                      monday - timedelta(days=1))
    _lock(session, location_id, (tid for tid, _ in last))
    taken = _shifts_at(session, location_id, monday, monday + timedelta(days=6))
    edits = [CellEdit(tid, day + timedelta(days=7), format_spans(spans))
             for (tid, day), spans in sorted(last.items())
             if (tid, day + timedelta(days=7)) not in taken]
    review = review_edits(session, location_id, edits)
    _write(session, location_id, review.changes, username)
    return CopyResult(copied=sum(len(c.spans) for c in review.changes),
                      days=len(review.changes), skipped=review.errors,
                      warnings=review.warnings)


def recent_changes(session: Session, location_id: int, *, limit: int = 200,
                   allowed_location_ids: Collection[int] | None = None) -> pd.DataFrame:
    """The latest rota changes at a location, newest first, times in the location's zone."""
    _require_scope(location_id, allowed_location_ids)
    location = _location(session, location_id)
    try:
        zone = ZoneInfo(location.timezone)
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    rows = session.scalars(select(ShiftChange).where(ShiftChange.location_id == location_id)
                           .order_by(ShiftChange.changed_at.desc(), ShiftChange.id.desc())
                           .limit(limit)).all()

    def local(moment: datetime) -> str:
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return f"{aware.astimezone(zone):%Y-%m-%d %H:%M}"

    return pd.DataFrame([[local(r.changed_at), r.username, r.therapist,
                          f"{day_label(r.shift_date)} {r.shift_date:%Y}", r.action,
                          r.before, r.after] for r in rows], columns=AUDIT_COLUMNS)


def license_warnings(session: Session, location_id: int, monday: date) -> list[str]:
    """Therapists on this week's rota whose LMT license runs out during (or before) the week."""
    location = _location(session, location_id)
    if not location.lmt_required:
        return []
    monday = week_start(monday)
    sunday = monday + timedelta(days=6)
    last_day: dict[int, date] = {}  # each therapist's last day on this week's rota
    for tid, day in _shifts_at(session, location_id, monday, sunday):
        last_day[tid] = max(day, last_day.get(tid, day))
    notes = []
    th = Therapist.__table__
    for tid, name, expires in session.execute(
            select(th.c.id, th.c.name, th.c.license_expires)
            .where(th.c.id.in_(sorted(last_day) or [-1])).order_by(th.c.name)):
        if expires is None:
            notes.append(f"{name} has no LMT license on file.")
        elif expires < last_day[tid]:
            notes.append(f"{name} is on the rota after their LMT license ran out "
                         f"({expires:%Y-%m-%d}).")
        elif expires <= sunday:
            notes.append(f"{name}'s LMT license expires on {day_label(expires)}, this week.")
    return notes


def cover_by_hour(grid: pd.DataFrame) -> pd.DataFrame:
    """Therapists on shift in each hour of each day of a week grid: day, hour, therapists.

    An hour counts a therapist on shift for any part of it; unreadable cells count nothing.
    """
    counts = {(day, hour): 0 for day in DAYS for hour in range(24)}
    for day in DAYS:
        for text in grid.get(day, pd.Series(dtype=object)):
            try:
                spans = parse_cell(text)
            except CellError:
                continue
            for start, end in spans:
                last = end.hour if (end.minute or end.second) else end.hour - 1
                for hour in range(start.hour, last + 1):
                    counts[(day, hour)] += 1
    return pd.DataFrame([(d, h, n) for (d, h), n in counts.items()],
                        columns=["day", "hour", "therapists"])
