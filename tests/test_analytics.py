"""Known answers for the owner analytics on the hand-built chain (tests/utils/chain.py)."""

from datetime import date

import pytest
from sqlmodel import Session, select

from models import Credential, Therapist
from spaops.analytics.credentials import expiring
from spaops.analytics.kpis import Period, kpi_table
from spaops.analytics.mix import attendance, mix_by_location, revenue_by_modality
from spaops.analytics.pricing import market_bands, price_bands, save_market_band
from spaops.analytics.utilisation import (
    band_status,
    hands_on_per_day,
    room_utilisation,
    therapist_utilisation,
    weekday_hour_grid,
    weekly_utilisation,
)
from spaops.auth import NotAllowed, Viewer
from spaops.roster import roster
from tests.utils.chain import build_small_chain

WEEK = Period(date(2026, 3, 1), date(2026, 3, 7))
OWNER = Viewer(user_id=1, username="o", role="owner", location_ids=None)


@pytest.fixture
def chain(engine):
    return build_small_chain(engine)


def test_therapist_utilisation(engine, chain):
    with Session(engine) as s:
        frame = therapist_utilisation(s, WEEK)
    assert list(frame.columns) == ["therapist_id", "therapist", "home_location",
                                   "scheduled_minutes", "booked_minutes", "utilisation",
                                   "completed", "revenue"]  # the name leads the tables
    frame = frame.set_index("therapist")
    # Tess: 390 booked of 480 + 240 scheduled; Tom: 150 of 360 (see tests/test_kpis.py).
    assert frame.loc["Tess One", ["booked_minutes", "scheduled_minutes"]].tolist() == [390, 720]
    assert frame.loc["Tess One", "utilisation"] == 0.5417
    assert frame.loc["Tom Two", "utilisation"] == 0.4167
    assert frame.loc["Tess One", "revenue"] == 530.0 and frame.loc["Tom Two", "completed"] == 2


def test_room_utilisation_and_revpath(engine, chain):
    with Session(engine) as s:
        rooms = room_utilisation(s, WEEK).set_index("location")
    # Alpha: 2 rooms x 720 opening minutes (09-21) x 7 days = 10,080 room minutes = 168 h.
    assert rooms.loc["Alpha Spa", "available_room_hours"] == 168.0
    assert rooms.loc["Alpha Spa", "room_utilisation"] == round(390 / 10080, 4)
    assert rooms.loc["Alpha Spa", "revpath"] == round(530 / 168, 2)
    # Beta: 1 room x 720 x 7 = 84 h; $170 completed.
    assert rooms.loc["Beta Clinic", "revpath"] == round(170 / 84, 2)
    # The table reads its results first (a narrow screen shows them without scrolling).
    assert list(rooms.columns[1:4]) == ["room_utilisation", "revpath", "revenue"]


def test_weekday_hour_grid(engine, chain):
    with Session(engine) as s:
        grid = weekday_hour_grid(s, WEEK).set_index(["day", "hour"])
    # Monday 2026-03-02 09:00: a1 (60 min) against Tess's hour on shift (Tom starts at 10).
    assert grid.loc[("Mon", 9), ["booked_minutes", "scheduled_minutes"]].tolist() == [60, 60]
    # 10:00: Tom's b1 (10:00-11:30) fills its first hour, against Tess + Tom on shift.
    assert grid.loc[("Mon", 10), ["booked_minutes", "scheduled_minutes"]].tolist() == [60, 120]
    assert grid.loc[("Mon", 10), "utilisation"] == 0.5
    # 11:00: b1's last 30 minutes and the first hour of Tess's a2 (11:00-12:30).
    assert grid.loc[("Mon", 11), ["booked_minutes", "scheduled_minutes"]].tolist() == [90, 120]
    assert grid.loc[("Mon", 12), "booked_minutes"] == 30 + 60  # a2's rest, b2 (12:00-13:00)
    assert grid.loc[("Sat", 23), "booked_minutes"] == 30  # a8 23:30-00:30, no shift
    assert grid.loc[("Sat", 23), "scheduled_minutes"] == 0
    assert grid.loc[("Sun", 0), "booked_minutes"] == 30  # a8's last half hour


def test_weekly_utilisation_and_hands_on(engine, chain):
    with Session(engine) as s:
        weekly = weekly_utilisation(s, WEEK)
        daily = hands_on_per_day(s, WEEK)
    alpha = weekly[weekly["location"] == "Alpha Spa"].set_index("week")
    # Sunday 03-01 belongs to the week of Monday 02-23; everything else to 03-02.
    assert alpha.loc["2026-03-02", "booked_minutes"] == 390
    assert alpha.loc["2026-03-02", "scheduled_minutes"] == 720
    tess = daily[daily["therapist"] == "Tess One"].set_index("day")["minutes"]
    assert tess.to_dict() == {pd_ts("2026-03-02"): 210, pd_ts("2026-03-03"): 120,
                              pd_ts("2026-03-07"): 60}


def pd_ts(text):
    import pandas as pd
    return pd.Timestamp(text)


def test_mix_and_attendance(engine, chain):
    with Session(engine) as s:
        mix = mix_by_location(s, WEEK).set_index("location")
        visits = attendance(s, WEEK).set_index("location")
        modality = revenue_by_modality(s, WEEK)
    assert list(mix.columns[:2]) == ["share_by_count", "share_by_revenue"]  # read first
    assert mix.loc["Alpha Spa", "share_by_count"] == 0.3333
    assert mix.loc["Alpha Spa", "share_by_revenue"] == round(180 / 440, 4)
    assert mix.loc["Beta Clinic", "share_by_revenue"] == round(90 / 170, 4)
    assert visits.loc["Alpha Spa", ["cancellation_rate", "no_show_rate"]].tolist() == [
        0.125, 0.125]
    assert modality.groupby("category")["revenue"].sum().to_dict() == {
        "other": 90.0, "relaxation": 340.0, "therapeutic": 270.0}


def test_price_bands_add_up_to_the_kpis(engine, chain):
    with Session(engine) as s:
        bands = price_bands(s, WEEK)
        kpis = kpi_table(s, WEEK).set_index("location")
    sums = bands.groupby("location")[["below_band", "within_band", "above_band",
                                      "below_band_gap"]].sum()
    for location in ("Alpha Spa", "Beta Clinic"):
        for column in sums.columns:
            assert sums.loc[location, column] == pytest.approx(kpis.loc[location, column])
    swedish = bands[(bands["location"] == "Alpha Spa") & (bands["service"] == "Swedish 60")]
    assert swedish["price_60"].iloc[0] == 130.0  # a1 $100 and a3 $160 per hour, averaged


def test_expiring_licenses(engine, chain):
    with Session(engine) as s:
        soon = expiring(s, date(2026, 12, 15), within_days=30)
        later = expiring(s, date(2026, 11, 1), within_days=30)
    assert soon["therapist"].tolist() == ["Tess One", "Tom Two"]
    assert soon["days_left"].tolist() == [17, 17] and set(soon["status"]) == {"expiring"}
    assert later.empty


def test_band_status_edges():
    assert band_status(0.85, 0.6, 0.8, 0.85) == "above band"
    assert band_status(0.851, 0.6, 0.8, 0.85) == "burnout risk"
    assert band_status(0.6, 0.6, 0.8, 0.85) == "in band"
    assert band_status(0.59, 0.6, 0.8, 0.85) == "idle time"
    assert band_status(None, 0.6, 0.8, 0.85) == "no shifts"


def test_market_bands_are_owner_edited_and_validated(engine, chain):
    manager = Viewer(user_id=2, username="m", role="manager", location_ids=frozenset({1}))
    with Session(engine) as s:
        with pytest.raises(NotAllowed):
            save_market_band(s, "urban", "relaxation", 100, 140, "x", viewer=manager)
        with pytest.raises(ValueError, match="low <= high"):
            save_market_band(s, "urban", "relaxation", 150, 140, "x", viewer=OWNER)
        save_market_band(s, "urban", "relaxation", 95, 140, "owner survey 2026", viewer=OWNER)
        s.commit()
        bands = market_bands(s).set_index(["tier", "category"])
    assert bands.loc[("urban", "relaxation"), ["low", "source"]].tolist() == [
        95.0, "owner survey 2026"]


ANALYTICS = [therapist_utilisation, room_utilisation, weekly_utilisation, hands_on_per_day,
             mix_by_location, attendance, price_bands]


@pytest.mark.parametrize("function", ANALYTICS, ids=lambda f: f.__name__)
def test_a_manager_of_one_location_sees_nothing_of_another(engine, chain, function):
    with Session(engine) as s:
        frame = function(s, WEEK, location_ids=[chain["beta"]])
        alpha_only = function(s, WEEK, location_ids=[chain["alpha"]])
    text = frame.to_csv()
    assert "Alpha Spa" not in text and "Tess One" not in text
    assert "Beta Clinic" not in alpha_only.to_csv()


def test_roster_reads_whether_each_may_work_before_the_paperwork(engine, chain):
    with Session(engine) as s:
        tess = s.exec(select(Therapist).where(Therapist.name == "Tess One")).one()
        s.add_all([Credential(therapist_id=tess.id, kind="deep_tissue",
                              expires=date(2027, 3, 1)),
                   Credential(therapist_id=tess.id, kind="prenatal",
                              expires=date(2026, 11, 1))])
        s.commit()
        people = roster(s, date(2026, 12, 10), warning_days=30).set_index("name")
    assert list(people.columns) == [
        "id", "home_location", "license_status", "days_to_expiry", "license_expires",
        "credentials", "license_number", "license_state", "gender", "active"]
    # Both licenses run to 2027-01-01: 22 days after 2026-12-10, inside the 30-day warning.
    assert people.loc["Tess One", ["license_status", "days_to_expiry"]].tolist() == [
        "expiring", 22]
    # Credentials in words, as the form names them, each with its expiry.
    assert people.loc["Tess One", "credentials"] == (
        "Deep tissue (to 2027-03-01), Prenatal (expired 2026-11-01)")
    assert people.loc["Tom Two", "credentials"] == ""
