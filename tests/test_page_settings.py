"""Settings through the whole app (AppTest): add and rename locations, remove the demo."""

from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import func, select
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from models import Booking, Location, User
from spaops.auth import is_demo_database
from spaops.db import make_engine
from tests.utils.apptest import APP, open_page, sign_in

pytestmark = pytest.mark.usefixtures("app_database")


def _button(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)


def _db(url: str, query):  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    with Session(engine) as session:
        result = query(session)
    engine.dispose()
    return result


def _locations(url: str) -> list[str]:
    return _db(url, lambda s: list(s.scalars(select(Location.name).order_by(Location.name))))


def _key(at: AppTest, prefix: str, field: str) -> str:
    """A location form's widget key now (the form renews its keys after an add or a pick)."""
    name = f"{prefix}_round"
    rounds = at.session_state[name] if name in at.session_state else 0
    return f"{prefix}{rounds or ''}_{field}"


def _add(at: AppTest, name: str, *, opens: time = time(9), closes: time = time(20)) -> AppTest:
    at.text_input(key=_key(at, "al", "name")).input(name)
    at.selectbox(key=_key(at, "al", "tier")).set_value("rural")
    at.selectbox(key=_key(at, "al", "tz")).set_value("America/Denver")
    at.number_input(key=_key(at, "al", "rooms")).set_value(2)
    at.time_input(key=_key(at, "al", "opens")).set_value(opens)
    at.time_input(key=_key(at, "al", "closes")).set_value(closes)
    at.checkbox(key=_key(at, "al", "lmt")).uncheck()
    _button(at, "Add location").click().run()
    assert not at.exception, at.exception
    return at


def test_owner_adds_and_renames_a_location(app_database):
    at = open_page(sign_in("owner"), "pages/settings.py")
    assert not at.exception, at.exception
    assert at.selectbox(key=_key(at, "al", "tz")).options[0] == "America/New_York (Eastern)"
    assert at.selectbox(key=_key(at, "al", "tier")).options == ["Urban / high-end",
                                                   "Suburban / mid-range spa", "Rural"]
    _add(at, "  Aspen   Lodge Spa ")
    assert any("Added Aspen Lodge Spa" in s.value for s in at.success)
    engine = make_engine(app_database)
    with Session(engine) as s:
        aspen = s.scalars(select(Location).where(Location.name == "Aspen Lodge Spa")).one()
        assert (aspen.tier, aspen.timezone, aspen.rooms, aspen.opens_at, aspen.closes_at,
                aspen.lmt_required) == ("rural", "America/Denver", 2, time(9), time(20), False)
    engine.dispose()
    # The new location is the one now shown for editing; the add form is empty again.
    assert at.selectbox(key="settings_location").value == aspen.id
    assert at.text_input(key=_key(at, "ls", "name")).value == "Aspen Lodge Spa"
    assert at.text_input(key=_key(at, "al", "name")).value == ""

    at.text_input(key=_key(at, "ls", "name")).input("Aspen Mountain Spa")
    at.number_input(key=_key(at, "ls", "rooms")).set_value(3)
    _button(at, "Save location").click().run()
    assert not at.exception, at.exception
    assert any("Saved Aspen Mountain Spa" in s.value for s in at.success)
    assert "Aspen Mountain Spa" in _locations(app_database)
    assert "Aspen Lodge Spa" not in _locations(app_database)
    assert at.text_input(key=_key(at, "ls", "name")).value == "Aspen Mountain Spa"
    assert at.number_input(key=_key(at, "ls", "rooms")).value == 3


@pytest.mark.parametrize("name, opens, closes, says", [
    ("harbor day SPA", time(9), time(20), "another location is already called 'Harbor Day Spa'"),
    ("   ", time(9), time(20), "the location needs a name"),
    ("Late Spa", time(21), time(9), "closing time 09:00 must be after opening time 21:00"),
])
def test_a_bad_location_says_what_is_wrong_and_writes_nothing(app_database, name, opens,
                                                              closes, says):
    before = _locations(app_database)
    at = _add(open_page(sign_in("owner"), "pages/settings.py"), name, opens=opens,
              closes=closes)
    assert any(says in e.value for e in at.error), [e.value for e in at.error]
    assert _locations(app_database) == before
    # What was typed stays, to be fixed.
    assert at.text_input(key=_key(at, "al", "name")).value == name


def test_a_bad_rename_writes_nothing(app_database):
    at = open_page(sign_in("owner"), "pages/settings.py")
    # The first location is Harbor Day Spa.
    at.text_input(key=_key(at, "ls", "name")).input("Maple Grove Spa")
    _button(at, "Save location").click().run()
    assert any("already called 'Maple Grove Spa'" in e.value for e in at.error)
    assert "Harbor Day Spa" in _locations(app_database)


def test_owner_removes_the_demo_and_overview_shows_the_setup_guide(app_database):
    at = open_page(sign_in("owner"), "pages/settings.py")
    _add(at, "Aspen Lodge Spa")  # added before the removal: it stays
    at.text_input(key="demo_confirm").input("remove")
    _button(at, "Remove the demo data").click().run()
    assert not at.exception, at.exception
    assert any("Nothing removed: type REMOVE DEMO" in e.value for e in at.error)
    assert _db(app_database, is_demo_database)

    at.text_input(key="demo_confirm").input("REMOVE DEMO")
    _button(at, "Remove the demo data").click().run()
    assert not at.exception, at.exception
    done = " ".join(s.value for s in at.success)
    assert "Demo data removed: 4 demo locations" in done and "demo users" in done
    assert "password is still the demo one" in done
    assert not _db(app_database, is_demo_database)
    assert _locations(app_database) == ["Aspen Lodge Spa"]
    assert _db(app_database, lambda s: list(s.scalars(select(User.username)))) == ["owner"]
    assert _db(app_database, lambda s: s.scalar(select(func.count()).select_from(Booking))) == 0
    assert not [b for b in at.button if b.label == "Remove the demo data"]
    assert at.selectbox(key="settings_location").value is not None

    open_page(at, "pages/overview.py")
    assert not at.exception, at.exception
    assert not at.metric  # no empty charts and cards
    guide = " ".join(m.value for m in at.markdown)
    for step in ("1. Add your locations", "2. Load your therapist roster", "3. Load shifts",
                 "4. Import bookings"):
        assert step in guide
    assert "Done: 1 location." in guide and "check_circle" in guide
    links = [link.value for link in at.get("page_link")]
    assert links == ["Add a location in Settings",
                     "Import the roster (choose “Therapist roster”)",
                     "Import a shift file (choose “Shifts”)", "Or type the week in the Rota",
                     "Import a booking export (choose “Bookings”)"]
    # st.page_link resolved each file to its page's URL under st.navigation.
    assert [link.proto.page for link in at.get("page_link")] == [
        "settings", "import", "import", "shifts", "import"]

    # Signed out, the sign-in page no longer offers the demo passwords.
    fresh = AppTest.from_file(APP, default_timeout=60).run()
    assert not fresh.exception
    assert not any("demo" in c.value for c in fresh.caption)


def test_a_manager_cannot_reach_the_remove_action():
    at = sign_in("manager")
    try:
        open_page(at, "pages/settings.py")
    except Exception:  # AppTest refuses a page that is not in the manager's navigation
        pass
    else:
        assert at.error[0].value == "You do not have access to this page."
    assert not [b for b in at.button if b.label == "Remove the demo data"]
    open_page(at, "pages/overview.py")
    assert at.metric and not [b for b in at.button if b.label == "Remove the demo data"]


def test_a_manager_of_an_empty_location_is_told_to_ask_the_owner(app_database):
    engine = make_engine(app_database)
    with Session(engine) as session:
        from spaops.auth import create_user

        session.add(Location(name="Aspen Lodge Spa", name_key="aspen lodge spa"))
        session.flush()
        create_user(session, "mia", "secret", "manager", ["Aspen Lodge Spa"])
        session.commit()
    engine.dispose()
    at = open_page(sign_in("mia", "secret"), "pages/overview.py")
    assert not at.exception, at.exception
    assert any("ask the owner" in c.value for c in at.caption)
    assert "Add a location in Settings" not in [link.value for link in at.get("page_link")]


def test_a_renamed_location_drops_out_of_the_remembered_filter(app_database):
    at = open_page(sign_in("owner"), "pages/overview.py")
    at.multiselect(key="f_locations").set_value(["Harbor Day Spa"]).run()
    assert not at.exception, at.exception
    open_page(at, "pages/settings.py")
    at.text_input(key=_key(at, "ls", "name")).input("Harbor Bay Spa")  # Harbor is first
    _button(at, "Save location").click().run()
    assert any("Saved Harbor Bay Spa" in s.value for s in at.success)
    open_page(at, "pages/overview.py")
    assert not at.exception, at.exception
    assert at.multiselect(key="f_locations").value == []  # all locations, not an error


def test_the_users_table_says_which_locations_each_user_sees():
    at = open_page(sign_in("owner"), "pages/settings.py")
    assert not at.exception, at.exception
    users = next(d.value for d in at.dataframe if "Username" in d.value.columns)
    seen = dict(zip(users["Username"], users["Locations"], strict=True))
    assert seen == {"manager": "Harbor Day Spa", "owner": "all locations",
                    "staff": "Harbor Day Spa"}


def test_the_owner_adds_a_user_and_is_told_so_in_words(app_database):
    at = open_page(sign_in("owner"), "pages/settings.py")
    at.text_input(key="us_name").input("desk")
    at.multiselect(key="us_locations").set_value(["Harbor Day Spa"])
    at.text_input(key="us_password").input("front-desk-2026")
    at.radio(key="us_action").set_value("Add user")
    next(b for b in at.button if b.label == "Apply").click().run()
    assert not at.exception, at.exception
    assert "Added desk: they can sign in now." in [s.value for s in at.success]
    assert _db(app_database, lambda s: s.scalars(
        select(User.role).where(User.username == "desk")).one()) == "staff"
    at.text_input(key="us_name").input("desk")
    at.radio(key="us_action").set_value("Add user")
    at.text_input(key="us_password").input("front-desk-2026")
    next(b for b in at.button if b.label == "Apply").click().run()
    assert [e.value for e in at.error][0].startswith("Not done: ")
    # Who is signed in, in words: a demo user's name is its role, said once.
    assert "Signed in as **owner**" in [c.value for c in at.sidebar.caption]
    desk = open_page(sign_in("desk", "front-desk-2026"), "pages/import_bookings.py")
    assert "Signed in as **desk** · Staff" in [c.value for c in desk.sidebar.caption]
