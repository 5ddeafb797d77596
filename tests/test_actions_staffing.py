"""Staffing actions worked out by hand from build_staffing_chain, and the plan round trip."""

from datetime import date

from sqlmodel import Session

from spaops.actions import build_actions, shift_plan_for
from spaops.analytics.kpis import Period
from spaops.analytics.utilisation import weekday_hour_grid
from spaops.export import safe_csv
from spaops.ingest.roster import import_shifts
from tests.utils.actions_chain import build_staffing_chain

FROM, TO = date(2026, 10, 26), date(2026, 11, 24)
PLAN_WEEK = Period(date(2026, 11, 30), date(2026, 12, 6))  # the week after Tue 2026-11-24


def _staffing(engine):
    build_staffing_chain(engine)
    with Session(engine) as session:
        return {a.kind: a for a in build_actions(session, FROM, TO)
                if a.kind.startswith("staffing")}


def test_trim_and_add_known_answers(engine):
    actions = _staffing(engine)
    # Mondays, a week on average (8 alike weeks from 2026-09-30 to 2026-11-24):
    # 09:00 has 2 therapist-hours for 30 booked minutes: 25% < 60%. The band's top needs
    # ceil(30/60/0.8) = 1 hour and the busiest week's 30 minutes need 1 hour: trim 2 - 1 =
    # 1 hour a week, 52/12 = 4.3 paid hours a month; after it 30/60 = 50%.
    # 13:00 has 1 hour (Gus left) for 60 minutes: 100% > 85%. ceil(60/60/0.8) = 2 hours:
    # add 1, 4.3 paid hours a month; after it 60/120 = 50%.
    # 10-12 (90/120 = 75%) and 14-16 (45/60 = 75%) sit in the band: untouched.
    trim, add = actions["staffing_trim"], actions["staffing_add"]
    assert (trim.value, trim.unit, add.value, add.unit) == (
        4.3, "paid hours a month", 4.3, "paid hours a month")
    assert trim.evidence["hours"] == [{
        "day": "Mon", "hour": "09:00", "utilisation": 0.25, "hours_per_week": 2.0,
        "change_hours": -1, "utilisation_after": 0.5}]
    assert add.evidence["hours"] == [{
        "day": "Mon", "hour": "13:00", "utilisation": 1.0, "hours_per_week": 1.0,
        "change_hours": 1, "utilisation_after": 0.5}]
    assert trim.evidence["period"] == {"from": "2026-09-30", "to": "2026-11-24"}
    assert trim.page == "utilisation" and "Mon 09:00" in trim.instruction


def test_shift_plan_round_trips_through_the_shift_import(engine):
    actions = _staffing(engine)
    with Session(engine) as session:
        plan = shift_plan_for(session, TO)
    # Last week's Monday (2026-11-23) moved to 2026-11-30: Fay's 09:00 hour is trimmed
    # (names in order: Fay first), Gus's shift is extended past 13:00 by one hour.
    assert plan.to_dict("records") == [
        {"therapist": "Fay Fir", "location": "Elm Spa", "date": "2026-11-30",
         "start": "10:00", "end": "17:00"},
        {"therapist": "Gus Gale", "location": "Elm Spa", "date": "2026-11-30",
         "start": "09:00", "end": "14:00"}]
    counts = import_shifts(engine, safe_csv(plan), "shift_plan.csv")
    assert counts["inserted"] == 2 and counts["rejected"] == 0
    with Session(engine) as session:
        grid = weekday_hour_grid(session, PLAN_WEEK).set_index(["weekday", "hour"])
    # The last 8 weeks' average demand over the planned hours moves as the actions said.
    for action in actions.values():
        for cell in action.evidence["hours"]:
            hour = int(cell["hour"][:2])
            scheduled = grid.loc[(0, hour), "scheduled_minutes"]
            assert scheduled == (cell["hours_per_week"] + cell["change_hours"]) * 60
            booked_a_week = cell["utilisation"] * cell["hours_per_week"] * 60
            assert round(booked_a_week / scheduled, 4) == cell["utilisation_after"]
