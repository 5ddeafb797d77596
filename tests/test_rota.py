"""The week grid's logic on a small hand-built chain: reading cells, checks, save, copy, scope."""

from __future__ import annotations

from datetime import date, time

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from models import Location, Shift, ShiftChange, Therapist
from spaops.db import session_scope
from spaops.names import name_key
from spaops.revision import data_revision
from spaops.rota import (
    CellEdit,
    CellError,
    apply_edits,
    cell_edits,
    copy_last_week,
    license_warnings,
    load_week,
    parse_cell,
    recent_changes,
    review_edits,
    week_hours,
    week_start,
)

MON = date(2026, 11, 30)  # the week Mon 30 Nov .. Sun 6 Dec 2026
TUE, WED, THU, FRI, SAT = (date(2026, 12, d) for d in (1, 2, 3, 4, 5))


def _t(hhmm: str) -> time:
    return time.fromisoformat(hhmm)


def build_rota(engine) -> dict[str, int]:
    """Alpha Spa (LMT required, 09-21) and Beta Clinic (no LMT rule, 10-18), six therapists."""
    with Session(engine) as s:
        alpha = Location(name="Alpha Spa", name_key="alpha spa", opens_at=time(9),
                         closes_at=time(21), timezone="America/New_York")
        beta = Location(name="Beta Clinic", name_key="beta clinic", opens_at=time(10),
                        closes_at=time(18), lmt_required=False)
        s.add_all([alpha, beta])
        s.flush()
        ids = {"alpha": alpha.id, "beta": beta.id}
        for name, home, expires, active in (
            ("Ann", alpha, date(2027, 6, 1), True),
            ("Ben", alpha, date(2026, 11, 20), True),  # expired before the week
            ("Cat", beta, date(2027, 6, 1), True),  # visits Alpha on Wednesday
            ("Dan", alpha, date(2027, 6, 1), False),  # inactive, no shift: not listed
            ("Eve", beta, None, True),  # no license: fine at Beta only
            ("Finn", alpha, WED, True),  # valid through Wednesday
        ):
            t = Therapist(name=name, name_key=name_key(name), home_location_id=home.id,
                          license_number=f"MT-{name}" if expires else None,
                          license_state="NY", license_expires=expires, active=active)
            s.add(t)
            s.flush()
            ids[name] = t.id
        for who, where, day, start, end in (
            ("Ann", alpha, MON, "09:00", "17:00"),
            ("Ann", beta, TUE, "10:00", "14:00"),
            ("Cat", alpha, WED, "12:00", "18:00"),
            # last week
            ("Ann", alpha, date(2026, 11, 23), "09:00", "17:00"),  # Monday is taken: kept
            ("Ann", alpha, date(2026, 11, 26), "10:00", "18:00"),  # -> Thu 3 Dec
            ("Ben", alpha, date(2026, 11, 27), "09:00", "17:00"),  # expired: left out
            ("Finn", alpha, date(2026, 11, 24), "09:00", "13:00"),  # -> Tue 1 Dec
            ("Finn", alpha, date(2026, 11, 28), "10:00", "16:00"),  # Sat after expiry: out
            ("Cat", beta, date(2026, 11, 24), "10:00", "18:00"),  # another location
        ):
            s.add(Shift(therapist_id=ids[who], location_id=where.id, shift_date=day,
                        start_time=_t(start), end_time=_t(end)))
        s.commit()
    return ids


@pytest.fixture
def chain(engine):
    return build_rota(engine)


def _messages(review) -> list[str]:
    return [p.message for p in review.errors]


def _review(engine, location_id: int, *edits: CellEdit):
    with session_scope(engine) as s:
        return review_edits(s, location_id, edits)


def _shifts(engine, therapist_id: int, day: date) -> list[tuple[int, str, str]]:
    with session_scope(engine) as s:
        return [(r.location_id, f"{r.start_time:%H:%M}", f"{r.end_time:%H:%M}")
                for r in s.scalars(select(Shift).where(Shift.therapist_id == therapist_id,
                                                       Shift.shift_date == day)
                                   .order_by(Shift.start_time))]


def _count(engine, model) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(("text", "spans"), [
    ("9-17", [("09:00", "17:00")]),
    ("09:00-17:00", [("09:00", "17:00")]),
    ("9am-5pm", [("09:00", "17:00")]),
    ("9:30am – 1:15pm", [("09:30", "13:15")]),
    ("12pm-8pm", [("12:00", "20:00")]),
    ("0900-1300, 14-18", [("09:00", "13:00"), ("14:00", "18:00")]),
    ("", []), ("  ", []), ("off", []), (None, []), (float("nan"), []),
])
def test_cells_people_write_are_read(text, spans):
    assert [(f"{s:%H:%M}", f"{e:%H:%M}") for s, e in parse_cell(text)] == spans


@pytest.mark.parametrize(("text", "says"), [
    ("nine to five", "cannot read"),
    ("9-17-18", "cannot read"),
    ("25-26", "does not exist"),
    ("17-9", "does not end after it starts"),
    ("9-9", "does not end after it starts"),
    ("9-5", "does not end after it starts"),
    ("9-10, 11-12, 13-14, 15-16", "at most 3 shifts"),
])
def test_unreadable_cells_say_why(text, says):
    with pytest.raises(CellError, match=says):
        parse_cell(text)


def test_week_start_is_monday():
    assert week_start(date(2026, 12, 6)) == MON and week_start(MON) == MON


def test_the_week_lists_home_therapists_and_visitors(engine, chain):
    with session_scope(engine) as s:
        grid = load_week(s, chain["alpha"], THU)  # any day of the week loads its Monday
    assert grid["Therapist"].tolist() == ["Ann", "Ben", "Cat", "Finn"]  # Dan is inactive
    assert list(grid.columns) == ["Therapist", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
                                  "Hours"]
    assert grid.at[chain["Ann"], "Mon"] == "09:00-17:00"
    assert grid.at[chain["Ann"], "Tue"] == ""  # the Beta shift is not shown at Alpha
    assert grid.at[chain["Cat"], "Wed"] == "12:00-18:00"
    assert grid["Hours"].tolist() == [8.0, 0.0, 6.0, 0.0]


def test_an_empty_location_has_an_empty_grid(engine, chain):
    with Session(engine) as s:
        s.add(Location(name="Gamma", name_key="gamma"))
        s.commit()
        gamma = s.scalars(select(Location.id).where(Location.name == "Gamma")).one()
    with session_scope(engine) as s:
        assert load_week(s, gamma, MON).empty


def test_edits_are_the_cells_that_changed_and_totals_follow_them(engine, chain):
    with session_scope(engine) as s:
        grid = load_week(s, chain["alpha"], MON)
    edited = grid.copy()
    edited.loc[chain["Ann"], "Mon"] = "9am-5pm"  # the same shift, written differently
    edited.loc[chain["Ann"], "Wed"] = "10-14"
    edited.loc[chain["Cat"], "Wed"] = None
    edits = cell_edits(grid, edited, MON)
    assert edits == [CellEdit(chain["Ann"], MON, "9am-5pm"), CellEdit(chain["Ann"], WED, "10-14"),
                     CellEdit(chain["Cat"], WED, "")]
    assert week_hours(edited).tolist() == [12.0, 0.0, 0.0, 0.0]
    review = _review(engine, chain["alpha"], *edits)
    assert review.ok
    # Rewriting Monday's shift in other words is no change at all.
    assert [(c.therapist, c.day, c.action, c.before, c.after) for c in review.changes] == [
        ("Ann", WED, "added", "", "10:00-14:00"),
        ("Cat", WED, "removed", "12:00-18:00", ""),
    ]


def test_each_check_names_therapist_and_day(engine, chain):
    a = chain["alpha"]
    cases = [
        (CellEdit(chain["Ann"], WED, "nine-ish"), 'Ann, Wed 2 Dec: cannot read "nine-ish": '
                                                  "write it like 09:00-17:00, 9-17 or 9am-5pm"),
        (CellEdit(chain["Ann"], WED, "17-9"), "Ann, Wed 2 Dec: the shift 17:00-09:00 does not "
                                              "end after it starts (use 24-hour times such as "
                                              "9-17, or 9am-5pm)"),
        (CellEdit(chain["Ann"], WED, "7-15"), "Ann, Wed 2 Dec: 07:00-15:00 is outside the "
                                              "opening hours (09:00-21:00)"),
        (CellEdit(chain["Ann"], WED, "9-13, 12-18"), "Ann, Wed 2 Dec: the shifts 09:00-13:00 "
                                                     "and 12:00-18:00 overlap"),
        (CellEdit(chain["Ann"], TUE, "9-12"), "Ann, Tue 1 Dec: 09:00-12:00 overlaps their "
                                              "shift 10:00-14:00 at another location"),
        (CellEdit(chain["Ben"], MON, "9-17"), "Ben, Mon 30 Nov: the LMT license expired on "
                                              "2026-11-20"),
        (CellEdit(chain["Finn"], THU, "9-17"), "Finn, Thu 3 Dec: the LMT license expired on "
                                               "2026-12-02"),
    ]
    for edit, expected in cases:
        review = _review(engine, a, edit)
        assert _messages(review) == [expected + "."], expected
        assert review.changes == []


def test_what_passes_the_checks(engine, chain):
    # Touching the Beta shift is no overlap; Finn may work through his license's last day
    # (with a warning); removing an expired therapist's shift is always allowed.
    review = _review(engine, chain["alpha"], CellEdit(chain["Ann"], TUE, "14-21"),
                     CellEdit(chain["Finn"], MON, "9-17"), CellEdit(chain["Finn"], WED, "9-17"))
    assert review.ok, _messages(review)
    assert [p.message for p in review.warnings] == [
        "Finn: the LMT license expires on Wed 2 Dec, this week; no shifts after that day."]
    # Beta requires no LMT license: Eve (none on file) may be scheduled there.
    assert _review(engine, chain["beta"], CellEdit(chain["Eve"], MON, "10-18")).ok
    assert "no LMT license on file" in _messages(
        _review(engine, chain["alpha"], CellEdit(chain["Eve"], MON, "10-18")))[0]
    assert "no longer active" in _messages(
        _review(engine, chain["alpha"], CellEdit(chain["Dan"], MON, "10-18")))[0]


def test_saving_writes_shifts_and_one_audit_row_per_cell(engine, chain, monkeypatch):
    monkeypatch.setenv("SPAOPS_TODAY", "2026-11-28")
    with session_scope(engine) as s:
        revision = data_revision(s)
    edits = [CellEdit(chain["Ann"], MON, "10-18"), CellEdit(chain["Ann"], WED, "9-13, 14-18"),
             CellEdit(chain["Cat"], WED, "")]
    with session_scope(engine, write=True) as s:
        changes = apply_edits(s, chain["alpha"], edits, username="mia",
                              allowed_location_ids={chain["alpha"]})
    assert [c.action for c in changes] == ["changed", "added", "removed"]
    a = chain["alpha"]
    assert _shifts(engine, chain["Ann"], MON) == [(a, "10:00", "18:00")]
    assert _shifts(engine, chain["Ann"], WED) == [(a, "09:00", "13:00"), (a, "14:00", "18:00")]
    assert _shifts(engine, chain["Cat"], WED) == []
    with session_scope(engine) as s:
        audit = s.scalars(select(ShiftChange).order_by(ShiftChange.id)).all()
        assert data_revision(s) == revision + 1
    assert [(r.username, r.location_id, r.therapist, r.shift_date, r.action, r.before, r.after)
            for r in audit] == [
        ("mia", a, "Ann", MON, "changed", "09:00-17:00", "10:00-18:00"),
        ("mia", a, "Ann", WED, "added", "", "09:00-13:00, 14:00-18:00"),
        ("mia", a, "Cat", WED, "removed", "12:00-18:00", ""),
    ]
    assert {r.changed_at.date() for r in audit} == {date(2026, 11, 28)}  # spaops.clock
    with session_scope(engine) as s:
        panel = recent_changes(s, a)
        assert license_warnings(s, a, MON) == []
    assert list(panel.columns) == ["When", "Who", "Therapist", "Day", "Change", "Before",
                                   "After"]
    assert len(panel) == 3 and set(panel["Who"]) == {"mia"}
    assert panel["Day"].tolist()[-1] == "Mon 30 Nov 2026"


def test_one_failing_check_writes_nothing(engine, chain):
    with session_scope(engine) as s:
        revision = data_revision(s)
    edits = [CellEdit(chain["Ann"], WED, "10-14"), CellEdit(chain["Ben"], WED, "10-14")]
    with pytest.raises(Exception, match="Ben, Wed 2 Dec: the LMT license expired") as caught:
        with session_scope(engine, write=True) as s:
            apply_edits(s, chain["alpha"], edits, username="mia")
    assert [p.therapist_id for p in caught.value.problems] == [chain["Ben"]]
    assert _shifts(engine, chain["Ann"], WED) == []
    assert _count(engine, ShiftChange) == 0
    with session_scope(engine) as s:
        assert data_revision(s) == revision


def test_copy_last_week_fills_only_empty_days(engine, chain):
    a = chain["alpha"]
    before = _count(engine, Shift)
    with session_scope(engine, write=True) as s:
        result = copy_last_week(s, a, FRI, username="mia", allowed_location_ids={a})
    # Ann's Monday is taken; Ben's license expired; Finn's Saturday is after his expiry.
    assert (result.copied, result.days) == (2, 2)
    assert [p.message for p in result.skipped] == [
        "Ben, Fri 4 Dec: the LMT license expired on 2026-11-20.",
        "Finn, Sat 5 Dec: the LMT license expired on 2026-12-02."]
    assert [p.message for p in result.warnings] == [
        "Finn: the LMT license expires on Wed 2 Dec, this week; no shifts after that day."]
    assert _shifts(engine, chain["Ann"], MON) == [(a, "09:00", "17:00")]
    assert _shifts(engine, chain["Ann"], THU) == [(a, "10:00", "18:00")]
    assert _shifts(engine, chain["Finn"], TUE) == [(a, "09:00", "13:00")]
    assert _count(engine, Shift) == before + 2
    with session_scope(engine) as s:
        rows = s.scalars(select(ShiftChange).order_by(ShiftChange.id)).all()
    assert [(r.therapist, r.shift_date, r.action, r.after) for r in rows] == [
        ("Ann", THU, "added", "10:00-18:00"), ("Finn", TUE, "added", "09:00-13:00")]
    # A second copy finds nothing left to fill.
    with session_scope(engine, write=True) as s:
        again = copy_last_week(s, a, MON, username="mia")
    assert again.copied == 0 and _count(engine, ShiftChange) == 2


def test_a_manager_never_reads_or_writes_another_location(engine, chain):
    mine = {chain["beta"]}
    with session_scope(engine) as s, pytest.raises(Exception, match="your own locations"):
        load_week(s, chain["alpha"], MON, allowed_location_ids=mine)
    with session_scope(engine) as s, pytest.raises(Exception, match="your own locations"):
        recent_changes(s, chain["alpha"], allowed_location_ids=mine)
    for write in (
        lambda s: apply_edits(s, chain["alpha"], [CellEdit(chain["Ann"], WED, "10-14")],
                              username="bea", allowed_location_ids=mine),
        lambda s: copy_last_week(s, chain["alpha"], MON, username="bea",
                                 allowed_location_ids=mine),
    ):
        with pytest.raises(Exception, match="your own locations"):
            with session_scope(engine, write=True) as s:
                write(s)
    assert _shifts(engine, chain["Ann"], WED) == [] and _count(engine, ShiftChange) == 0
    # Their own location's grid never lists a shift of Alpha's.
    with session_scope(engine) as s:
        grid = load_week(s, chain["beta"], MON, allowed_location_ids=mine)
    assert grid.at[chain["Ann"], "Tue"] == "10:00-14:00"
    assert (grid[["Mon", "Wed"]] == "").all().all()
    assert isinstance(grid, pd.DataFrame)


def test_license_warnings_for_the_week(engine, chain):
    with Session(engine) as s:
        s.add(Shift(therapist_id=chain["Finn"], location_id=chain["alpha"], shift_date=MON,
                    start_time=time(9), end_time=time(17)))
        s.add(Shift(therapist_id=chain["Ben"], location_id=chain["alpha"], shift_date=MON,
                    start_time=time(9), end_time=time(17)))
        s.commit()
    with session_scope(engine) as s:
        notes = license_warnings(s, chain["alpha"], MON)
    assert notes == ["Ben is on the rota after their LMT license ran out (2026-11-20).",
                     "Finn's LMT license expires on Wed 2 Dec, this week."]


def test_cover_counts_therapists_on_shift_per_hour():
    from spaops.figures.rota import cover_figure
    from spaops.rota import cover_by_hour

    grid = pd.DataFrame({"Therapist": ["Ana", "Ben"], "Mon": ["09:00-17:00", "12-13:30"],
                         "Tue": ["", "nonsense"], "Wed": ["9-11, 14-15", None],
                         "Thu": [""] * 2, "Fri": [""] * 2, "Sat": [""] * 2, "Sun": [""] * 2})
    cover = cover_by_hour(grid).set_index(["day", "hour"])["therapists"]
    # Ana 9..16 on Monday (8 hours); Ben 12:00-13:30 covers the 12 and 13 o'clock hours.
    assert [cover[("Mon", h)] for h in range(8, 18)] == [0, 1, 1, 1, 2, 2, 1, 1, 1, 0]
    assert cover.loc["Tue"].sum() == 0  # a blank and an unreadable cell count nobody
    assert [cover[("Wed", h)] for h in (9, 10, 11, 14, 15)] == [1, 1, 0, 1, 0]
    figure = cover_figure(cover.reset_index(), 9, 21)
    heat = figure.data[0]
    assert list(heat.y) == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert heat.x[0] == "09:00" and heat.x[-1] == "20:00"  # the opening hours, 9 to 21
    assert list(heat.z[0][:5]) == [1, 1, 1, 2, 2]
    assert (heat.zmin, heat.zmax, heat.colorbar.dtick) == (0, 2, 1)  # whole therapists
    assert [a.text for a in figure.layout.annotations] == ["opening hours"]


def test_an_empty_week_reads_as_nobody_on_shift_not_as_cover():
    from spaops.figures.rota import cover_figure
    from spaops.rota import cover_by_hour

    grid = pd.DataFrame({"Therapist": ["Ana"], **{day: [""] for day in
                                                  ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
                                                   "Sun")}})
    figure = cover_figure(cover_by_hour(grid), 9, 21)
    heat = figure.data[0]
    assert (heat.zmin, heat.zmax) == (0, 1)  # nobody is the scale's white, not its middle
    assert [a.text for a in figure.layout.annotations] == [
        "No one is on shift this week yet.", "opening hours"]
