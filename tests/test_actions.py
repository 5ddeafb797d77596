"""Known answers for the actions, worked out by hand from tests/utils/actions_chain.py."""

import json
from datetime import date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from models import Booking, Location, Service, Setting
from seed.demo import seed_demo
from spaops.actions import actions_document, build_actions, call_list, watch_volume
from spaops.actions.clients import call_instruction
from spaops.actions.pricing import new_price
from spaops.analytics.alerts import owner_alerts
from spaops.analytics.kpis import Period
from spaops.cli import main
from spaops.db import make_engine, upgrade_schema
from spaops.rollup import refresh_booking_days
from spaops.settings import ensure_reference_data, save_setting
from tests.utils.actions_chain import build_actions_chain

FROM, TO = date(2026, 10, 26), date(2026, 11, 24)  # the suite's day is 2026-11-24


def _actions(engine, **scope):
    build_actions_chain(engine)
    with Session(engine) as session:
        return build_actions(session, FROM, TO, **scope)


def _of(actions, kind):
    return [a for a in actions if a.kind == kind]


def test_new_price_rounds_the_band_floor_up_to_a_menu_step():
    assert new_price(110, 60, 5) == 110
    assert new_price(70, 90, 5) == 105        # 70 * 1.5 = 105 exactly
    assert new_price(120, 45, 5) == 90        # 90 exactly
    assert new_price(110, 45, 5) == 85        # 82.50 -> 85
    assert new_price(110, 45, 10) == 90


def test_prices_below_band(engine):
    prices = _of(_actions(engine), "price_below_band")
    # Cedar (urban, relaxation $110-150): Swedish 60 completed in the 90 days ending
    # 2026-11-24 (from 2026-08-27): p1..p3 at $100 (below), p4 at $120; p0 (Aug 1) is
    # outside. New price ceil(110 * 60/60 / 5) * 5 = $110; gain 3 x $10 = $30 over the
    # window -> $30 / 3 = $10.00 a month.
    # Dune (rural, therapeutic $70-110): Deep Tissue 90 c4a at $100 -> $66.67/h, below;
    # new price ceil(70 * 90/60 / 5) * 5 = $105; gain $5 / 3 = $1.67 a month.
    # Deep Tissue 60 at Cedar ($130, within $120-165) and Swedish at Dune ($80, within
    # $60-100) are not under the band: no action.
    assert [(a.location, a.subject, a.value, a.unit) for a in prices] == [
        ("Cedar Spa", "Swedish 60", 10.0, "USD/month"),
        ("Dune Clinic", "Deep Tissue 90", 1.67, "USD/month"),
    ]
    cedar = prices[0]
    assert {k: v for k, v in cedar.evidence.items() if k != "period"} == {
        "completed": 4, "below_band": 3, "duration_min": 60, "band_low": 110.0,
        "band_high": 150.0, "new_price": 110}
    assert cedar.evidence["period"] == {"from": "2026-08-27", "to": "2026-11-24"}
    assert cedar.page == "pricing" and "$110" in cedar.instruction
    assert any("volume holds" in a for a in cedar.assumptions)


def test_prices_above_band_are_watched_not_cut(engine):
    build_actions_chain(engine)
    with Session(engine) as session:
        watch = watch_volume(session, TO)
        actions = build_actions(session, FROM, TO)
    # Dune (rural, therapeutic top $110): Deep Tissue 60 w1 (Sep 1) and w2 (Oct 1) at
    # $120, w3 (Nov 20) at $100: 3 completed in the 90 days, 2 above the band, price
    # (120 + 120 + 100) / 3 = $113.33 an hour; 1 in the 30 days from Oct 26, and
    # (3 - 1) / 2 = 1.0 a month in the 60 days before. Nothing else is over its band.
    assert watch.to_dict("records") == [{
        "location": "Dune Clinic", "service": "Deep Tissue 60", "price_60": 113.33,
        "band_high": 110.0, "completed": 3, "above_band": 2, "last_30_days": 1,
        "month_before": 1.0}]
    assert not [a for a in actions if a.subject == "Deep Tissue 60"]  # never a cut


def test_price_step_is_a_setting(engine):
    build_actions_chain(engine)
    with Session(engine) as session:
        save_setting(session, "action_price_round_dollars", 10)
        session.commit()
        dune = [a for a in build_actions(session, FROM, TO) if a.subject == "Deep Tissue 90"]
    # ceil(105 / 10) * 10 = $110; gain $10 / 3 = $3.33 a month.
    assert dune[0].evidence["new_price"] == 110 and dune[0].value == 3.33


def test_license_risk(engine):
    risks = _of(_actions(engine), "license_risk")
    # Ann's LMT license lapses 2026-12-10 (16 days away, within 60): l1 ($120, Dec 11) and
    # l2 ($130, Dec 15) are booked after it -> 2 at risk, $250; l0 falls on the 10th itself
    # (still valid) and l3 is cancelled. Ben's prenatal credential lapses 2026-12-31: only
    # l4 (Prenatal 60, $115) needs it -> 1 at risk; l5 (Swedish) does not. Cy's license
    # runs to 2028: no action.
    assert [(a.subject, a.value, a.evidence["bookings_value"], a.evidence["days_left"])
            for a in risks] == [
        ("Ann Ash: LMT license", 2, 250.0, 16),
        ("Ben Birch: prenatal credential", 1, 115.0, 37),
    ]
    assert all(a.location == "Cedar Spa" and a.page == "therapists" for a in risks)
    assert risks[0].unit == "bookings at risk"
    assert risks[0].instruction == (
        "Get Ann Ash's LMT license renewed and the proof on file: it lapses on Dec 10, 2026, "
        "and 2 booked appointments ($250.00) fall after that date.")


def test_clients_drifting(engine):
    drifting = _of(_actions(engine), "clients_drifting")
    # Cadence 14 days, to = 2026-11-24. C1's last therapeutic visit 2026-10-20 (with Ben):
    # 35 days ago -> 21 overdue, nothing booked since. C4 at Dune, 2026-09-10 with Cy: 75
    # days -> 61 overdue. C2 has c2b booked (not drifting); C3 was in 9 days ago (due);
    # C5 is a relaxation client; C6 was last seen 2026-06-01, past the 120-day lookback.
    assert [(a.location, a.value, a.evidence["clients"]) for a in drifting] == [
        ("Cedar Spa", 1, [{"client": "C1", "last_visit": "2026-10-20",
                           "last_therapist": "Ben Birch", "usual_service": "Deep Tissue 60",
                           "days_overdue": 21}]),
        ("Dune Clinic", 1, [{"client": "C4", "last_visit": "2026-09-10",
                             "last_therapist": "Cy Cole", "usual_service": "Deep Tissue 90",
                             "days_overdue": 61}]),
    ]
    assert drifting[0].instruction == call_instruction(1, "Cedar Spa", 14) == (
        "Call 1 therapeutic client of Cedar Spa who is past the 14-day cadence with nothing "
        "booked, and offer their usual therapist.")
    assert call_instruction(11640, "Harbor Day Spa", 21).startswith(
        "Call 11,640 therapeutic clients of Harbor Day Spa who are past the 21-day cadence")
    calls = call_list(drifting)
    assert calls.to_dict("records") == [{"Location": "Cedar Spa", "Client reference": "C1"},
                                        {"Location": "Dune Clinic", "Client reference": "C4"}]


def test_over_cap(engine):
    over = _of(_actions(engine), "over_cap")
    # Ben: o0..o6, 7 x 60 = 420 hands-on minutes on 2026-11-30 against the 360 cap -> 60
    # over. Ann is on shift at Cedar 09:00-18:00 that day, licensed and free: moving o0
    # (60 min, the earliest) to her ends the overload. Cy's 5 x 60 = 300 at Dune is under.
    assert [(a.subject, a.value, a.unit) for a in over] == [
        ("Ben Birch, 2026-11-30", 60, "minutes over cap")]
    evidence = over[0].evidence
    assert evidence["booked_minutes"] == 420 and evidence["cap_min"] == 360
    assert evidence["movable"] == [{"booking_ref": "o0", "starts_at": "2026-11-30T09:00",
                                    "duration_min": 60, "colleagues": ["Ann Ash"]}]
    assert "move o0 to Ann Ash" in over[0].instruction and over[0].page == "assign"


def test_sorted_by_value_within_each_unit(engine):
    actions = _actions(engine)
    assert [(a.unit, a.value) for a in actions] == [
        ("USD/month", 10.0), ("USD/month", 1.67), ("bookings at risk", 2),
        ("bookings at risk", 1), ("minutes over cap", 60), ("clients to call", 1),
        ("clients to call", 1)]


def test_a_location_in_scope_never_sees_another(engine):
    ids = build_actions_chain(engine)
    with Session(engine) as session:
        dune = build_actions(session, FROM, TO, location_ids=[ids["dune"]])
        cedar = build_actions(session, FROM, TO, location_ids=[ids["cedar"]])
        nobody = build_actions(session, FROM, TO, location_ids=[])
    assert {a.location for a in dune} == {"Dune Clinic"}
    assert sorted(a.kind for a in dune) == ["clients_drifting", "price_below_band"]
    assert {a.location for a in cedar} == {"Cedar Spa"}
    assert nobody == []


def test_readers_side_by_side_find_what_one_session_finds(engine):
    """A fresh session runs the readers on connections of their own; one already in a
    transaction (which may hold writes the others cannot see) runs them itself."""
    build_actions_chain(engine)
    with Session(engine) as fresh:
        side_by_side = build_actions(fresh, FROM, TO)
    with Session(engine) as begun:
        begun.get(Setting, "cadence_therapeutic_days").value = "30"
        begun.flush()  # uncommitted: only this session's own connection sees it
        alone = build_actions(begun, FROM, TO)
        begun.rollback()
        again = build_actions(begun, FROM, TO)
    assert [a.document() for a in side_by_side] == [a.document() for a in again]
    # With a 30-day cadence C1 (35 days) is 5 days overdue and C4 (75 days) 45.
    assert [c["days_overdue"] for a in _of(alone, "clients_drifting")
            for c in a.evidence["clients"]] == [5, 45]
    assert {a.kind for a in side_by_side} == {"price_below_band", "license_risk",
                                              "over_cap", "clients_drifting"}


def test_nothing_applies_on_an_empty_chain(engine):
    with Session(engine) as session:
        assert actions_document(session, FROM, TO) == {
            "from": "2026-10-26", "to": "2026-11-24", "actions": []}


def test_actions_command_prints_the_document_for_one_location(engine, db_url, capsys):
    build_actions_chain(engine)
    code = main(["actions", "--db", db_url, "--from", "2026-10-26", "--to", "2026-11-24",
                 "--location", "  dune CLINIC ", "--json"])
    assert code == 0
    document = json.loads(capsys.readouterr().out)
    assert document["from"] == "2026-10-26" and document["to"] == "2026-11-24"
    assert [(a["kind"], a["location"], a["value"], a["unit"]) for a in document["actions"]] \
        == [("price_below_band", "Dune Clinic", 1.67, "USD/month"),
            ("clients_drifting", "Dune Clinic", 1, "clients to call")]
    assert set(document["actions"][0]) == {"kind", "location", "subject", "instruction",
                                           "value", "unit", "evidence", "assumptions",
                                           "page"}


@pytest.mark.parametrize("argv, message", [
    (["--from", "2026-11-24", "--to", "2026-11-01"], "before --from"),
    (["--from", "2026-11-01", "--to", "2026-11-24", "--location", "Nowhere"], "no location"),
])
def test_actions_command_refuses_unusable_input(engine, db_url, capsys, argv, message):
    build_actions_chain(engine)
    assert main(["actions", "--db", db_url, *argv, "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("error: ")
    assert message in captured.err


def test_action_settings_reach_every_database_and_edits_stay(engine):
    with Session(engine) as session:
        save_setting(session, "action_license_horizon_days", 90)
        session.commit()
    with engine.begin() as connection:
        ensure_reference_data(connection)
    with Session(engine) as session:
        stored = {r.key: json.loads(r.value) for r in session.exec(select(Setting))}
    assert stored["action_license_horizon_days"] == 90  # an owner's edit is never undone
    assert stored["action_price_round_dollars"] == 5
    assert stored["action_over_cap_horizon_days"] == 14
    assert stored["action_drift_lookback_days"] == 120


@pytest.fixture(scope="module")
def default_demo(tmp_path_factory):
    """The demo chain at its default size, whose 8 weeks give every hour enough shifts."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    upgrade_schema(engine)
    seed_demo(engine, today=TO)
    return engine


def test_the_demo_chains_stories_are_actions(default_demo):
    """Each demo location's story (seed/reference.py) ends in the action it calls for."""
    with Session(default_demo) as session:
        actions = build_actions(session, TO - timedelta(days=29), TO, today=TO)
        watch = watch_volume(session, TO)
    staffing = {(a.kind, a.location): a.value for a in actions if a.kind.startswith("staff")}
    adds = {loc: v for (kind, loc), v in staffing.items() if kind == "staffing_add"}
    trims = {loc: v for (kind, loc), v in staffing.items() if kind == "staffing_trim"}
    assert max(adds, key=adds.get) == "Midtown Recovery Clinic"  # over the burnout line
    assert max(trims, key=trims.get) == "Pinecrest Retreat"  # idle time
    assert "Pinecrest Retreat" not in adds  # a quiet hour is never added to
    # In the band, a few hours either way at most against the clinic's shortfall.
    harbor = adds.get("Harbor Day Spa", 0) + trims.get("Harbor Day Spa", 0)
    assert harbor < adds["Midtown Recovery Clinic"] / 5
    assert {a.location for a in actions if a.kind == "price_below_band"} == {
        "Maple Grove Spa"}  # its relaxation menu under the suburban band
    licenses = [a for a in actions if a.kind == "license_risk"
                and a.evidence["what"] == "LMT license"]
    assert sorted(a.evidence["days_left"] for a in licenses) == [-20, 4, 12, 26]
    assert not [a for a in actions if a.kind == "over_cap"]  # the demo keeps the cap
    assert [a.location for a in actions if a.kind == "clients_drifting"]
    assert list(zip(watch["location"], watch["service"], strict=True)) == [
        ("Harbor Day Spa", "Hot Stone Massage")]  # a premium to keep while volume holds


def test_an_owner_gets_one_price_alert_per_service_or_one_for_a_whole_menu(engine):
    build_actions_chain(engine)
    with Session(engine) as session:
        ids = dict(session.exec(select(Service.name, Service.id)).all())
        dune = session.exec(select(Location.id).where(Location.name == "Dune Clinic")).one()
        for ref, service, dollars in (("x1", "Swedish 60", 30), ("x2", "Prenatal 60", 40)):
            starts = datetime(2026, 11, 12, 10)
            session.add(Booking(external_ref=ref, location_id=dune, service_id=ids[service],
                                starts_at=starts, ends_at=starts + timedelta(minutes=60),
                                duration_min=60, price_cents=dollars * 100,
                                status="completed"))
        session.commit()
        refresh_booking_days(session.connection())
        session.commit()
        alerts = owner_alerts(session, Period(date(2026, 8, 27), TO), TO)
    # Cedar (urban relaxation $110-150): Swedish 60 p1-p3 at $100 and p4 at $120, $105 an
    # hour on average, 3 x $10 missed: one service, one alert.
    # Dune (rural): Deep Tissue 90 c4a $100 for 90 min = $66.67/h under $70 ($5 missed);
    # Swedish 60 p5 $80 and x1 $30 = $55/h under $60 ($30 missed by x1); Prenatal 60 x2
    # $40/h ($20 missed): three services, one alert for the menu, $5 + $30 + $20 = $55.
    assert sorted(a.message for a in alerts if a.topic == "pricing") == [
        "Dune Clinic: 3 services priced $40-$67 per hour, below their rural band; "
        "$55 missed this period (see Pricing).",
        "Swedish 60 at Cedar Spa: $105 per hour is below the urban band ($110-$150); "
        "$30 missed this period."]
