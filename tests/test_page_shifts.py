"""The Rota page in-process on the demo copy: edit a cell, save, audit; refusals; scope."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import delete, func, select
from sqlmodel import Session

from models import Location, Shift, ShiftChange, Therapist, User, UserLocation
from spaops import clock
from spaops.db import make_engine
from spaops.rota import load_week, week_start
from tests.utils.apptest import open_page, sign_in

PAGE = "pages/shifts.py"


def _manager_location(url: str) -> tuple[int, str]:
    engine = make_engine(url)
    with Session(engine) as s:
        row = s.execute(select(Location.id, Location.name)
                        .join(UserLocation, UserLocation.location_id == Location.id)
                        .join(User, User.id == UserLocation.user_id)
                        .where(User.username == "manager")).one()
    engine.dispose()
    return row.id, row.name


def _grid(url: str, location_id: int):
    engine = make_engine(url)
    with Session(engine) as s:
        grid = load_week(s, location_id, week_start(clock.today()))
        licensed = {t.id for t in s.scalars(select(Therapist).where(
            Therapist.license_expires >= week_start(clock.today()) + timedelta(days=7)))}
    engine.dispose()
    return grid, licensed


def _key(location_id: int) -> str:
    return f"rota_grid_{location_id}_{week_start(clock.today()):%Y%m%d}_0"


def _edit(at, location_id: int, row: int, day: str, text: str):
    at.session_state[_key(location_id)] = {"edited_rows": {row: {day: text}},
                                           "added_rows": [], "deleted_rows": []}
    return at.run()


def test_manager_edits_a_shift_and_it_is_audited(app_database):
    location_id, location = _manager_location(app_database)
    grid, licensed = _grid(app_database, location_id)
    row = next(i for i, tid in enumerate(grid.index) if tid in licensed)
    therapist_id, name = int(grid.index[row]), grid["Therapist"].iloc[row]
    at = sign_in("manager")
    open_page(at, PAGE)
    assert not at.exception, at.exception
    assert at.selectbox(key="rota_location").options == [location]
    _edit(at, location_id, row, "Wed", "10am-6pm")
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert any(name in m.value and "→ 10:00-18:00" in m.value for m in at.markdown)
    at.button(key="rota_save").click().run()
    assert not at.exception, at.exception
    assert any("Saved 1 change to the rota" in s.value for s in at.success)
    wednesday = week_start(clock.today()) + timedelta(days=2)
    engine = make_engine(app_database)
    with Session(engine) as s:
        shifts = s.execute(select(Shift.location_id, Shift.start_time, Shift.end_time).where(
            Shift.therapist_id == therapist_id, Shift.shift_date == wednesday)).all()
        audit = s.scalars(select(ShiftChange)).all()
    engine.dispose()
    assert [(loc, f"{a:%H:%M}", f"{b:%H:%M}") for loc, a, b in shifts] == [
        (location_id, "10:00", "18:00")]
    assert [(r.username, r.location_id, r.therapist, r.shift_date, r.after) for r in audit] == [
        ("manager", location_id, name, wednesday, "10:00-18:00")]
    # The audit panel shows who changed what, and the grid starts fresh after the save.
    assert at.dataframe[-1].value["Who"].tolist() == ["manager"]
    assert at.session_state["rota_version"] == 1


def test_a_bad_edit_shows_an_error_and_writes_nothing(app_database):
    location_id, _ = _manager_location(app_database)
    grid, _ = _grid(app_database, location_id)
    name = grid["Therapist"].iloc[0]
    at = sign_in("manager")
    open_page(at, PAGE)
    _edit(at, location_id, 0, "Tue", "7-15")
    assert any(m.value.startswith(f"{name}, Tue ") and "outside the opening hours" in m.value
               for m in at.error), [e.value for e in at.error]
    at.button(key="rota_save").click().run()
    assert any("Nothing saved" in e.value for e in at.error)
    _edit(at, location_id, 0, "Tue", "half nine till five")
    assert any("cannot read" in e.value for e in at.error)
    engine = make_engine(app_database)
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(ShiftChange)) == 0
        assert not s.scalars(select(Shift).where(Shift.location_id == location_id,
                                                 Shift.start_time == time(7))).all()
    engine.dispose()
    grid_after, _ = _grid(app_database, location_id)
    assert grid_after.equals(grid)


def test_copy_last_week_on_the_page(app_database):
    location_id, _ = _manager_location(app_database)
    monday = week_start(clock.today())
    engine = make_engine(app_database)
    with Session(engine) as s:
        s.execute(delete(Shift).where(Shift.location_id == location_id,
                                      Shift.shift_date >= monday,
                                      Shift.shift_date < monday + timedelta(days=7)))
        s.commit()
    engine.dispose()
    at = sign_in("manager")
    open_page(at, PAGE)
    at.button(key="rota_copy").click().run()
    assert not at.exception, at.exception
    notice = next(s.value for s in at.success if "Copied" in s.value)
    copied = int(notice.split()[1])
    engine = make_engine(app_database)
    with Session(engine) as s:
        now = s.scalar(select(func.count()).select_from(Shift).where(
            Shift.location_id == location_id, Shift.shift_date >= monday,
            Shift.shift_date < monday + timedelta(days=7)))
        audited = s.scalar(select(func.count()).select_from(ShiftChange))
    engine.dispose()
    assert copied > 0 and now == copied and audited == copied


def test_owner_picks_any_location_and_an_empty_one_points_to_import(app_database):
    engine = make_engine(app_database)
    with Session(engine) as s:
        s.add(Location(name="Zeta New Spa", name_key="zeta new spa"))
        s.commit()
        count = s.scalar(select(func.count()).select_from(Location))
    engine.dispose()
    at = sign_in("owner")
    open_page(at, PAGE)
    assert len(at.selectbox(key="rota_location").options) == count
    at.selectbox(key="rota_location").set_value("Zeta New Spa").run()
    assert not at.exception, at.exception
    assert any("No therapists at Zeta New Spa" in i.value and "Import" in i.value
               for i in at.info)
