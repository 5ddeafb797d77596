"""From demo to own chain: removing the demo data, location add/rename rules, setup steps."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models import (
    AssignmentAudit,
    Booking,
    BookingDay,
    Client,
    Credential,
    ImportBatch,
    ImportRejection,
    Location,
    MarketBand,
    Service,
    Setting,
    Shift,
    ShiftChange,
    Therapist,
    User,
    UserLocation,
)
from seed.demo import seed_demo
from seed.reference import DEFAULT_SETTINGS, DEMO_LOCATIONS, DEMO_MENU, MARKET_BANDS
from spaops.auth import NotAllowed, Viewer, create_user, is_demo_database, viewer_for
from spaops.display import in_words
from spaops.location_settings import (
    LocationForm,
    LocationRefused,
    add_location,
    location_problems,
    save_location,
    timezone_choices,
)
from spaops.names import name_key
from spaops.onboarding import (
    confirmation_matches,
    remove_demo_data,
    setup_progress,
)
from spaops.revision import data_revision

DAY = date(2026, 6, 15)
LATER = date(2026, 7, 20)  # past the demo's 14 days of planned shifts
TABLES = (Location, Booking, BookingDay, AssignmentAudit, Client, Therapist, Credential, Shift,
          ShiftChange, ImportBatch, ImportRejection, User, UserLocation, Service, MarketBand,
          Setting)


def _counts(session: Session) -> dict[str, int]:
    return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in TABLES}


def _viewer(session: Session, username: str) -> Viewer:
    user = session.scalars(select(User).where(User.username == username)).one()
    return viewer_for(session, user)


@pytest.fixture
def demo(engine: Engine) -> Engine:
    """A small demo chain on SQLite and PostgreSQL."""
    seed_demo(engine, seed=1, bookings=300, today=DAY)
    return engine


def _own_location(session: Session, owner: Viewer) -> dict[str, int]:
    """What an owner adds before removing the demo: a location with a whole week's data,
    using one demo therapist and one demo service, and a manager of both chains."""
    cedar = add_location(session, LocationForm(name="Cedar Spa", tier="urban", rooms=2),
                         viewer=owner)
    own = Therapist(name="Nadia Brook", name_key="nadia brook", home_location_id=cedar.id,
                    license_number="MT-1", license_state="NY", license_expires=date(2028, 1, 1))
    borrowed = session.scalars(select(Therapist).order_by(Therapist.id)).first()
    own_service = Service(name="Cedar Signature 60", name_key="cedar signature 60",
                          category="relaxation")
    client = Client(external_ref="CEDAR-C1", home_location_id=cedar.id)
    session.add_all([own, own_service, client])
    session.flush()
    session.add(Credential(therapist_id=own.id, kind="prenatal"))
    session.add(Shift(therapist_id=own.id, location_id=cedar.id, shift_date=DAY,
                      start_time=time(9), end_time=time(17)))
    session.add(Shift(therapist_id=borrowed.id, location_id=cedar.id, shift_date=LATER,
                      start_time=time(9), end_time=time(17)))
    session.add(ShiftChange(changed_at=datetime(2026, 6, 14, 12, tzinfo=UTC), username="owner",
                            location_id=cedar.id, therapist="Nadia Brook", shift_date=DAY,
                            action="added", after="09:00-17:00"))
    batch = ImportBatch(file_name="cedar.csv", sha256="0" * 64, location_id=cedar.id,
                        imported_at=datetime(2026, 6, 14, tzinfo=UTC), rows=3, inserted=2,
                        rejected=1)
    session.add(batch)
    session.flush()
    session.add(ImportRejection(batch_id=batch.id, row=4, reason="no date"))
    swedish = session.scalars(select(Service).where(
        Service.name_key == name_key(DEMO_MENU[0][0]))).one()
    for ref, therapist, service in (("CEDAR-1", own, own_service),
                                    ("CEDAR-2", borrowed, swedish)):
        booking = Booking(external_ref=ref, location_id=cedar.id, therapist_id=therapist.id,
                          service_id=service.id, client_id=client.id,
                          starts_at=datetime(2026, 6, 15, 10), ends_at=datetime(2026, 6, 15, 11),
                          duration_min=60, price_cents=12000, status="booked",
                          import_batch_id=batch.id)
        session.add(booking)
        session.flush()
        session.add(AssignmentAudit(booking_id=booking.id, therapist_id=therapist.id,
                                    username="owner",
                                    assigned_at=datetime(2026, 6, 14, tzinfo=UTC)))
    create_user(session, "alice", "secret", "manager", ["Cedar Spa", DEMO_LOCATIONS[0][0]])
    session.flush()
    return {"cedar": cedar.id, "borrowed": borrowed.id, "swedish": swedish.id}


def test_removing_the_demo_leaves_an_empty_chain_with_its_reference_data(demo):
    with Session(demo) as session:
        before = _counts(session)
        owner = _viewer(session, "owner")
        revision = data_revision(session)
        removal = remove_demo_data(session, "REMOVE DEMO", viewer=owner)
        session.commit()
    with Session(demo) as session:
        after = _counts(session)
        assert not is_demo_database(session)
        assert data_revision(session) > revision
        assert session.scalars(select(User.username)).all() == ["owner"]
    assert after == {
        "location": 0, "booking": 0, "booking_day": 0, "assignment_audit": 0, "client": 0,
        "therapist": 0, "credential": 0, "shift": 0, "shift_change": 0, "import_batch": 0,
        "import_rejection": 0, "app_user": 1, "user_location": 0, "service": 0,
        "market_band": len(MARKET_BANDS),
        # the default settings and the data revision; the demo flag is gone
        "setting": len(DEFAULT_SETTINGS) + 1,
    }
    assert after["market_band"] == 6
    assert set(DEFAULT_SETTINGS) | {"data_revision"} == set(_setting_keys(demo))
    assert removal.removed == {
        "locations": 4, "bookings": 300, "booking_days": before["booking_day"],
        "assignment_audits": 0, "clients": before["client"],
        "therapists": before["therapist"], "credentials": before["credential"],
        "shifts": before["shift"], "shift_changes": 0, "import_batches": 0,
        "import_rejections": 0, "user_locations": 2, "users": 2,
        "services": len(DEMO_MENU), "settings": 1,
    }
    assert removal.kept_locations == ()
    assert "4 demo locations, 300 bookings" in removal.summary()


def _setting_keys(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.scalars(select(Setting.key)))


def test_what_the_owner_added_survives_the_demo_removal(demo):
    with Session(demo) as session:
        create_user(session, "olga", "secret", "owner")
        session.commit()
        owner = _viewer(session, "olga")
        ids = _own_location(session, owner)
        session.commit()
        removal = remove_demo_data(session, "  remove   demo ", viewer=owner)
        session.commit()
    with Session(demo) as session:
        counts = _counts(session)
        assert session.scalars(select(Location.name)).all() == ["Cedar Spa"]
        # The demo owner goes too: only the signed-in owner and the owner's manager stay.
        assert sorted(session.scalars(select(User.username))) == ["alice", "olga"]
        links = session.execute(select(UserLocation.location_id)).scalars().all()
        assert links == [ids["cedar"]]
        borrowed = session.get(Therapist, ids["borrowed"])
        assert borrowed is not None and borrowed.home_location_id is None
        assert session.get(Service, ids["swedish"]) is not None  # still booked at Cedar
        assert session.scalar(select(func.sum(BookingDay.bookings))) == 2
    assert (counts["booking"], counts["assignment_audit"], counts["therapist"],
            counts["credential"], counts["shift"], counts["shift_change"],
            counts["import_batch"], counts["import_rejection"], counts["client"],
            counts["service"], counts["market_band"]) == (2, 2, 2, 1 + _credentials_of(
                demo, ids["borrowed"]), 2, 1, 1, 1, 1, 2, 6)
    assert removal.kept_locations == ("Cedar Spa",)
    assert removal.kept_therapists == 1
    assert removal.removed["users"] == 3  # owner, manager, staff of the demo
    assert removal.removed["locations"] == 4 and removal.removed["bookings"] == 300
    assert removal.removed["services"] == len(DEMO_MENU) - 1


def _credentials_of(engine: Engine, therapist_id: int) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Credential).where(
            Credential.therapist_id == therapist_id))


def test_removing_the_demo_refuses_a_wrong_confirmation_a_manager_and_a_second_time(demo):
    with Session(demo) as session:
        before = _counts(session)
        owner = _viewer(session, "owner")
        with pytest.raises(ValueError, match="REMOVE DEMO"):
            remove_demo_data(session, "remove", viewer=owner)
        with pytest.raises(NotAllowed):
            remove_demo_data(session, "REMOVE DEMO", viewer=_viewer(session, "manager"))
        assert _counts(session) == before
        remove_demo_data(session, "REMOVE DEMO", viewer=owner)
        session.commit()
        with pytest.raises(ValueError, match="not the demo"):
            remove_demo_data(session, "REMOVE DEMO", viewer=owner)


@pytest.mark.parametrize("typed, ok", [("REMOVE DEMO", True), ("remove demo", True),
                                       (" REMOVE  DEMO ", True), ("REMOVE", False),
                                       ("", False), ("REMOVE DEMO!", False)])
def test_the_typed_confirmation(typed, ok):
    assert confirmation_matches(typed) is ok


def _form(**changes: object) -> LocationForm:
    values: dict = {"name": "Cedar Spa", "tier": "urban", "timezone": "America/Chicago",
                    "rooms": 3, "opens_at": time(9), "closes_at": time(20),
                    "lmt_required": False, "turnover_buffer_min": 10}
    return LocationForm(**{**values, **changes})


OWNER = Viewer(user_id=0, username="owner", role="owner", location_ids=None)


@pytest.mark.parametrize("changes, problem", [
    ({"name": "   "}, "the location needs a name"),
    ({"name": "x" * 121}, "the name is too long (121 characters; at most 120)"),
    ({"name": "  harbor   DAY spa "}, "another location is already called 'Harbor Day Spa'"),
    ({"tier": "downtown"}, "the market tier must be one of urban, suburban, rural"),
    ({"timezone": "Mars/Olympus"}, "unknown timezone 'Mars/Olympus': use an IANA name such "
                                   "as America/New_York"),
    ({"rooms": -1}, "treatment rooms cannot be negative"),
    ({"closes_at": time(9)}, "closing time 09:00 must be after opening time 09:00"),
    ({"opens_at": time(22)}, "closing time 20:00 must be after opening time 22:00"),
    ({"turnover_buffer_min": 61}, "the turnover buffer must be 0 to 60 minutes"),
])
def test_a_bad_location_is_refused_with_the_reason_and_nothing_written(demo, changes, problem):
    with Session(demo) as session:
        before = _counts(session)
        assert location_problems(session, _form(**changes)) == [problem]
        with pytest.raises(LocationRefused) as refused:
            add_location(session, _form(**changes), viewer=OWNER)
        assert refused.value.problems == [problem]
        assert _counts(session) == before


def test_locations_are_added_and_renamed(demo):
    with Session(demo) as session:
        added = add_location(session, _form(name="  Cedar   Spa "), viewer=OWNER)
        session.commit()
        stored = session.get(Location, added.id)
        assert (stored.name, stored.name_key, stored.tier, stored.timezone, stored.rooms,
                stored.opens_at, stored.closes_at, stored.lmt_required,
                stored.turnover_buffer_min) == ("Cedar Spa", "cedar spa", "urban",
                                                "America/Chicago", 3, time(9), time(20),
                                                False, 10)
        # Renaming: its own name in another case is fine, another location's name is not.
        save_location(session, added.id, _form(name="CEDAR spa"), viewer=OWNER)
        assert session.get(Location, added.id).name == "CEDAR spa"
        with pytest.raises(LocationRefused, match="already called 'Maple Grove Spa'"):
            save_location(session, added.id, _form(name="maple grove spa"), viewer=OWNER)
        save_location(session, added.id, _form(name="Cedar Day Spa", rooms=0), viewer=OWNER)
        session.commit()
        assert session.get(Location, added.id).name == "Cedar Day Spa"
        with pytest.raises(NotAllowed):
            add_location(session, _form(name="Elm"), viewer=_viewer(session, "manager"))
        with pytest.raises(LocationRefused, match="no longer exists"):
            save_location(session, 10_000, _form(), viewer=OWNER)


def test_timezones_and_tiers_read_as_people_say_them():
    zones = timezone_choices()
    assert zones[:3] == ["America/New_York", "America/Chicago", "America/Denver"]
    assert "Europe/Berlin" in zones and len(zones) == len(set(zones)) > 300
    assert [in_words("tier", t) for t in ("urban", "suburban", "rural")] == [
        "Urban / high-end", "Suburban / mid-range spa", "Rural"]


def test_setup_steps_tick_as_the_chain_fills(engine):
    with Session(engine) as session:
        progress = setup_progress(session)
        assert [(s.key, s.done) for s in progress.steps] == [
            ("locations", False), ("roster", False), ("shifts", False), ("bookings", False)]
        assert progress.needs_guide and progress.next_step == "locations"
        cedar = add_location(session, _form(), viewer=OWNER)
        elm = add_location(session, _form(name="Elm Clinic"), viewer=OWNER)
        therapist = Therapist(name="Nadia Brook", name_key="nadia brook",
                              home_location_id=cedar.id)
        session.add(therapist)
        session.flush()
        progress = setup_progress(session)
        assert (progress.step("locations").count, progress.step("roster").count) == (2, 1)
        assert progress.needs_guide and progress.next_step == "shifts"
        session.add(Shift(therapist_id=therapist.id, location_id=cedar.id, shift_date=DAY,
                          start_time=time(9), end_time=time(17)))
        service = Service(name="Swedish 60", name_key="swedish 60", category="relaxation")
        session.add(service)
        session.flush()
        assert setup_progress(session).next_step == "bookings"
        session.add(Booking(external_ref="B1", location_id=cedar.id, service_id=service.id,
                            starts_at=datetime(2026, 6, 15, 10),
                            ends_at=datetime(2026, 6, 15, 11), duration_min=60))
        session.flush()
        done = setup_progress(session)
        assert not done.needs_guide and done.next_step is None
        # A manager of the other location still sees an empty chain of their own.
        elm_only = setup_progress(session, location_ids=[elm.id])
        assert [s.count for s in elm_only.steps] == [1, 0, 0, 0] and elm_only.needs_guide


def test_the_demo_chain_needs_no_guide(demo):
    with Session(demo) as session:
        progress = setup_progress(session)
    assert all(step.done for step in progress.steps) and not progress.needs_guide
