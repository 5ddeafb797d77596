"""The Assign page in-process: select an open booking, see reasons, assign, timeline updates."""

import pytest
import streamlit as st
from sqlalchemy import select
from sqlmodel import Session

from models import AssignmentAudit, Booking
from spaops.db import make_engine
from tests.utils.apptest import open_page, sign_in
from tests.utils.day import DAY, build_day


@pytest.fixture
def day_url(tmp_path, monkeypatch):
    from spaops.auth import create_user
    from spaops.db import upgrade_schema

    url = f"sqlite:///{tmp_path / 'day.db'}"
    engine = make_engine(url)
    upgrade_schema(engine)
    build_day(engine)
    with Session(engine) as s:
        create_user(s, "mia", "pw1234", "manager", ["Alpha Spa"])
        s.commit()
    engine.dispose()
    monkeypatch.setenv("SPAOPS_DATABASE_URL", url)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield url
    st.cache_data.clear()
    st.cache_resource.clear()


def test_manager_assigns_an_open_booking(day_url):
    at = sign_in("mia", "pw1234")
    open_page(at, "pages/assign.py")
    at.date_input(key="assign_day").set_value(DAY).run()
    assert not at.exception, at.exception
    at.selectbox(key="assign_booking").set_value("OPEN-1").run()
    candidates = at.dataframe[1].value
    # Default daily cap 360: Eve (270 booked) may take one more hour here.
    assert candidates["Therapist"].iloc[0] == "Ann"
    assert set(candidates["Therapist"]) == {"Ann", "Gia", "Eve"}
    assert "has treated this client" in candidates["Why"].iloc[0]
    at.button(key="assign_confirm").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Ann assigned to 10:10 · Swedish 60 · OPEN-1."]
    # The open list no longer offers OPEN-1 (the timeline is drawn from the same data).
    assert "OPEN-1" not in at.selectbox(key="assign_booking").options
    engine = make_engine(day_url)
    with Session(engine) as s:
        booking = s.scalars(select(Booking).where(Booking.external_ref == "OPEN-1")).one()
        audit = s.scalars(select(AssignmentAudit)).one()
    engine.dispose()
    assert booking.therapist_id is not None and audit.username == "mia"


def test_another_booking_starts_at_its_own_best_match(day_url):
    at = sign_in("mia", "pw1234")
    open_page(at, "pages/assign.py")
    at.date_input(key="assign_day").set_value(DAY).run()
    at.selectbox(key="assign_booking").set_value("OPEN-1").run()
    picked = at.selectbox(key="assign_therapist_OPEN-1")
    assert picked.value == "Ann"
    picked.set_value("Eve").run()
    assert at.button(key="assign_confirm").label == "Assign Eve"
    at.selectbox(key="assign_booking").set_value("OPEN-FEVER").run()
    assert not at.exception, at.exception
    best = at.dataframe[1].value["Therapist"].iloc[0]
    assert at.selectbox(key="assign_therapist_OPEN-FEVER").value == best
    assert at.button(key="assign_confirm").label == f"Assign {best}"


def test_contraindication_warning_is_unmissable(day_url):
    at = sign_in("mia", "pw1234")
    open_page(at, "pages/assign.py")
    at.date_input(key="assign_day").set_value(DAY).run()
    at.selectbox(key="assign_booking").set_value("OPEN-FEVER").run()
    assert any("fever" in e.value for e in at.error)
    at.button(key="assign_confirm").click().run()
    assert any("Not assigned" in e.value and "override" in e.value for e in at.error)


def _therapists_drawn(at) -> set[str]:  # type: ignore[no-untyped-def]
    import json

    [timeline] = at.get("plotly_chart")
    return {name for trace in json.loads(timeline.proto.spec)["data"] for name in trace["y"]}


def test_a_busy_day_is_drawn_a_page_of_therapists_at_a_time(day_url, monkeypatch):
    import ui.assign

    monkeypatch.setattr(ui.assign, "TIMELINE_ROWS", 4)
    at = sign_in("mia", "pw1234")
    open_page(at, "pages/assign.py")
    at.date_input(key="assign_day").set_value(DAY).run()
    assert not at.exception, at.exception
    # Six therapists work that day (Cat has no shift): Ann, Ben, Dan, Eve on page 1.
    assert _therapists_drawn(at) == {"Ann", "Ben", "Dan", "Eve"}
    assert "Therapists 1-4 of 6 on the day, by name." in [c.value for c in at.main.caption]
    at.session_state[f"assign_page_1_{DAY}"] = 2
    at.run()
    assert not at.exception, at.exception
    assert _therapists_drawn(at) == {"Finn", "Gia"}
    assert "Therapists 5-6 of 6 on the day, by name." in [c.value for c in at.main.caption]


def test_a_quiet_day_is_drawn_whole_without_pages(day_url):
    at = sign_in("mia", "pw1234")
    open_page(at, "pages/assign.py")
    at.date_input(key="assign_day").set_value(DAY).run()
    assert _therapists_drawn(at) == {"Ann", "Ben", "Dan", "Eve", "Finn", "Gia"}
    assert not [c for c in at.main.caption if c.value.startswith("Therapists ")]


def test_an_empty_day_says_so_once_and_offers_nothing_to_assign(day_url):
    from datetime import timedelta

    at = sign_in("mia", "pw1234")
    open_page(at, "pages/assign.py")
    empty = DAY + timedelta(days=30)
    at.date_input(key="assign_day").set_value(empty).run()
    assert not at.exception, at.exception
    assert [i.value for i in at.main.info][0].startswith(
        f"No shifts or bookings at Alpha Spa on {empty:%A %b %d, %Y}.")
    assert not at.main.subheader and not at.success  # no "Open bookings (0)", no "all done"
