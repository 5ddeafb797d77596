"""Shift hours to trim or add, from the weekday x hour grid, and the shift plan they make.

Looks at the 8 weeks ending at the period's end. An hour (weekday x hour, within opening
hours) with therapist utilisation under the target band is trimmed, never below the
busiest of those weeks' demand nor below what the band's top needs; one over the burnout
line gets the hours the band's top needs. The plan starts from the most recent week's
shifts, moved to the coming week, and trims or extends shifts at their edges.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlmodel import Session

from models import Location, Shift, Therapist
from spaops.actions.base import Action
from spaops.analytics.hours import (
    WEEKDAYS,
    Cells,
    booked_by_location_and_date,
    scheduled_by_location,
)
from spaops.analytics.report import Period, in_scope

WEEKS = 8
WEEKS_PER_MONTH = 52 / 12
PLAN_COLUMNS = ("therapist", "location", "date", "start", "end")

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Change:
    """Therapist-hours a week to trim (negative) or add (positive) in one weekday x hour."""

    weekday: int
    hour: int
    hours: int
    utilisation: float
    utilisation_after: float | None
    hours_per_week: float

    def document(self) -> dict:
        """The change as evidence."""
        return {"day": WEEKDAYS[self.weekday], "hour": f"{self.hour:02d}:00",
                "utilisation": self.utilisation, "hours_per_week": self.hours_per_week,
                "change_hours": self.hours, "utilisation_after": self.utilisation_after}


def coming_monday(today: date) -> date:
    """The first day of the coming week (the next Monday after today)."""
    return today + timedelta(days=7 - today.weekday())


def _booked(by_date: Cells) -> tuple[Cells, Cells]:
    """Booked minutes per weekday x hour over the window, and those of its busiest date
    (each week has one such date)."""
    total: Cells = {}
    peaks: Cells = {}
    for (day, hour), minutes in by_date.items():
        key = (day.weekday(), hour)
        total[key] = total.get(key, 0.0) + minutes
        peaks[key] = max(peaks.get(key, 0.0), minutes)
    return total, peaks


def _changes(location: Location, booked_by_date: Cells, scheduled: Cells,
             settings: dict) -> list[Change]:
    low, high = float(settings["utilisation_target_low"]), float(
        settings["utilisation_target_high"])
    burnout = float(settings["utilisation_burnout"])
    booked_cells, peaks = _booked(booked_by_date)
    open_hours = range(location.opens_at.hour,
                       location.closes_at.hour + (1 if location.closes_at.minute else 0))
    changes = []
    for (weekday, hour), scheduled_minutes in sorted(scheduled.items()):
        if scheduled_minutes <= 0 or hour not in open_hours:
            continue
        booked_minutes = booked_cells.get((weekday, hour), 0.0)
        utilisation = round(booked_minutes / scheduled_minutes, 4)
        now = scheduled_minutes / WEEKS / 60  # therapist-hours a week
        booked = booked_minutes / WEEKS  # minutes a week
        by_band = math.ceil(round(booked / 60 / high, 6))
        if utilisation < low:
            keep = max(by_band, math.ceil(round(peaks.get((weekday, hour), 0) / 60, 6)))
            hours = min(0, -math.floor(round(now - keep, 6)))  # a quiet hour is never added to
        elif utilisation > burnout:
            hours = math.ceil(round(by_band - now, 6))
        else:
            continue
        if hours:
            after = now + hours
            changes.append(Change(weekday, hour, hours, utilisation,
                                  round(booked / (after * 60), 4) if after > 0 else None,
                                  round(now, 2)))
    return changes


def _changes_by_location(session: Session, window: Period, settings: dict,
                         location_ids: Collection[int] | None
                         ) -> list[tuple[Location, list[Change]]]:
    """Each location in scope (by name) with its changes, from two readings for them all."""
    locations = list(session.scalars(select(Location).where(
        in_scope(Location.__table__.c.id, location_ids)).order_by(Location.name)))
    booked = booked_by_location_and_date(session, window, location_ids=location_ids)
    scheduled = scheduled_by_location(session, window, location_ids=location_ids)
    return [(location, _changes(location, booked.get(location.id, {}),
                                scheduled.get(location.id, {}), settings))
            for location in locations]


def _action(location: Location, changes: list[Change], window: Period, trim: bool,
            settings: dict, monday: date) -> Action:
    hours = sum(abs(c.hours) for c in changes)
    month = round(hours * WEEKS_PER_MONTH, 1)
    when = ", ".join(f"{WEEKDAYS[c.weekday]} {c.hour:02d}:00" for c in changes[:6])
    more = f" and {len(changes) - 6} more" if len(changes) > 6 else ""
    if trim:
        instruction = (f"Trim {hours:,} therapist-hour{'s' if hours != 1 else ''} a week from "
                       f"{location.name}'s quiet hours ({when}{more}): about {month:,g} paid "
                       "hours a month saved, never below the busiest recent week's demand.")
    else:
        instruction = (f"Add {hours:,} therapist-hour{'s' if hours != 1 else ''} a week to "
                       f"{location.name} in the hours that run over the burnout line "
                       f"({when}{more}), however quiet the week is as a whole: about "
                       f"{month:,g} paid hours a month.")
    return Action(
        kind="staffing_trim" if trim else "staffing_add", location=location.name,
        subject="shift hours", instruction=instruction, value=month,
        unit="paid hours a month",
        evidence={"period": {"from": window.start.isoformat(), "to": window.end.isoformat()},
                  "weeks": WEEKS, "hours_per_week": hours, "plan_week": monday.isoformat(),
                  "hours": [c.document() for c in changes]},
        assumptions=[
            f"demand holds at the last {WEEKS} weeks' booked minutes, each counted in the "
            "hours it covers",
            f"target band {float(settings['utilisation_target_low']):.0%}-"
            f"{float(settings['utilisation_target_high']):.0%}, burnout over "
            f"{float(settings['utilisation_burnout']):.0%} (settings: utilisation_target_low,"
            " utilisation_target_high, utilisation_burnout)",
            "a month is 52 / 12 weeks"],
        page="utilisation")


def staffing_actions(session: Session, end: date, today: date, settings: dict, *,
                     location_ids: Collection[int] | None = None) -> list[Action]:
    """Per location: one action to trim quiet hours and one to add overloaded ones."""
    window = Period(end - timedelta(days=7 * WEEKS - 1), end)
    monday = coming_monday(today)
    actions = []
    for location, changes in _changes_by_location(session, window, settings, location_ids):
        for trim in (True, False):
            mine = [c for c in changes if (c.hours < 0) == trim]
            if mine:
                actions.append(_action(location, mine, window, trim, settings, monday))
    return actions


def _edge_moves(spans: list[list], change: Change, opens: time, closes: time) -> None:
    """Shorten or lengthen shifts (therapist, start, end) at an edge by one hour each."""
    begin, finish = time(change.hour), (datetime(2000, 1, 1, change.hour)
                                        + timedelta(hours=1)).time()
    left = abs(change.hours)
    for span in sorted(spans, key=lambda s: s[0]):
        if not left:
            return
        if change.hours < 0 and span[1] == begin and span[2] > finish:
            span[1], left = finish, left - 1
        elif change.hours < 0 and span[2] == finish and span[1] < begin:
            span[2], left = begin, left - 1
        elif change.hours > 0 and span[2] == begin and finish <= closes:
            span[2], left = finish, left - 1
        elif change.hours > 0 and span[1] == finish and begin >= opens:
            span[1], left = begin, left - 1


def shift_plan(session: Session, end: date, *, location_ids: Collection[int] | None = None,
               today: date, settings: dict) -> pd.DataFrame:
    """The coming week's shifts with the staffing actions applied, as a shift file."""
    import pandas as pd
    window = Period(end - timedelta(days=7 * WEEKS - 1), end)
    monday = coming_monday(today)
    last_week = end - timedelta(days=6)
    rows = []
    for location, changes in _changes_by_location(session, window, settings, location_ids):
        by_day: dict[int, list[list]] = {}
        for shift, name in session.execute(
                select(Shift, Therapist.name).join(Therapist, Therapist.id == Shift.therapist_id)
                .where(Shift.location_id == location.id, Shift.shift_date >= last_week,
                       Shift.shift_date <= end)):
            by_day.setdefault(shift.shift_date.weekday(), []).append(
                [name, shift.start_time, shift.end_time])
        for change in changes:
            _edge_moves(by_day.get(change.weekday, []), change, location.opens_at,
                        location.closes_at)
        for weekday, spans in sorted(by_day.items()):
            day = monday + timedelta(days=weekday)
            rows += [(name, location.name, day.isoformat(), start.strftime("%H:%M"),
                      finish.strftime("%H:%M"))
                     for name, start, finish in sorted(spans) if start < finish]
    return pd.DataFrame(rows, columns=list(PLAN_COLUMNS))
