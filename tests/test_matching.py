"""Every matching rule and code, scores with reasons, overrides, requests, concurrency."""

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from models import AssignmentAudit, Booking
from spaops.autoassign import OpenBooking, Option, greedy_plan, optimal_plan, plan_day
from spaops.cli import main
from spaops.errors import RuleRefusal, UsageError
from spaops.matching import assign_therapist, suggest_therapists
from spaops.settings import save_setting
from tests.utils.day import DAY, _at, build_day

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def day(engine):
    with Session(engine) as s:
        save_setting(s, "daily_cap_min", 300)
        s.commit()
    return build_day(engine)


def _suggest(engine, ref):
    with Session(engine) as s:
        return suggest_therapists(s, ref)


def test_each_rule_excludes_with_its_code(engine, day):
    suggestion = _suggest(engine, "OPEN-1")
    excluded = {e.therapist: e.codes for e in suggestion.excluded}
    assert excluded == {
        "Ben": ["license_expired", "gender_preference"],
        "Cat": ["not_on_shift"],
        "Dan": ["busy"],  # starts 10 minutes after Dan's 09:00-10:00: inside the buffer
        "Eve": ["daily_cap"],  # 270 booked + 60 > 300
        "Finn": ["gender_preference"],
    }
    assert [c.therapist for c in suggestion.candidates] == ["Ann", "Gia"]


def test_continuity_ranks_first_with_its_reason(engine, day):
    ann, gia = _suggest(engine, "OPEN-1").candidates
    assert ann.score > gia.score
    assert any("has treated this client 1 time before" in r for r in ann.reasons)
    assert not any("treated" in r for r in gia.reasons)
    assert 0 <= gia.score <= ann.score <= 100


def test_required_credential(engine, day):
    suggestion = _suggest(engine, "OPEN-PRENATAL")
    excluded = {e.therapist: e.codes for e in suggestion.excluded}
    # Only Ann holds the prenatal credential the service requires.
    for name in ("Dan", "Finn", "Gia"):
        assert excluded[name] == ["missing_credential"]
    assert [c.therapist for c in suggestion.candidates] == ["Ann"]


def test_expired_credential_counts_as_missing(engine, day):
    from models import Credential
    with Session(engine) as s:
        cred = s.scalars(select(Credential).where(Credential.kind == "prenatal")).one()
        cred.expires = DAY - timedelta(days=1)
        s.add(cred)
        s.commit()
    excluded = {e.therapist: e.codes for e in _suggest(engine, "OPEN-PRENATAL").excluded}
    assert "missing_credential" in excluded["Ann"]


def test_requested_booking_keeps_its_therapist(engine, day):
    suggestion = _suggest(engine, "REQ-1")
    assert [c.therapist for c in suggestion.candidates] == ["Gia"]
    assert suggestion.candidates[0].reasons[0] == "requested by the client"
    with pytest.raises(RuleRefusal, match="requested Gia"):
        assign_therapist(engine, "REQ-1", "Ann", username="m")


def test_assign_refuses_a_rule_and_changes_nothing(engine, day):
    with pytest.raises(RuleRefusal, match="busy"):
        assign_therapist(engine, "OPEN-1", "Dan", username="m")
    with pytest.raises(RuleRefusal, match="license"):
        assign_therapist(engine, "OPEN-1", "  BEN ", username="m", override=True)
    with Session(engine) as s:
        assert s.scalars(select(Booking).where(Booking.external_ref == "OPEN-1")).one() \
            .therapist_id is None
        assert s.scalars(select(AssignmentAudit)).all() == []


def test_contraindication_needs_an_override_which_is_audited(engine, day):
    suggestion = _suggest(engine, "OPEN-FEVER")
    assert suggestion.warnings and "fever" in suggestion.warnings[0]
    with pytest.raises(RuleRefusal, match="override"):
        assign_therapist(engine, "OPEN-FEVER", "Ann", username="m")
    assign_therapist(engine, "OPEN-FEVER", "Ann", username="max", override=True,
                     override_reason="doctor's note: fever gone")
    with Session(engine) as s:
        audit = s.scalars(select(AssignmentAudit)).one()
    assert (audit.username, audit.override, audit.override_reason) == (
        "max", True, "doctor's note: fever gone")
    assert audit.therapist_id == day["Ann"]


def test_blood_clots_rule_out_deep_pressure_even_with_override(engine, day):
    assert _suggest(engine, "OPEN-CLOTS").blocked
    with pytest.raises(RuleRefusal, match="deep pressure"):
        assign_therapist(engine, "OPEN-CLOTS", "Ann", username="m", override=True)


def test_manager_cannot_reach_another_locations_booking(engine, day):
    with Session(engine) as s, pytest.raises(UsageError, match="no booking"):
        suggest_therapists(s, "OPEN-1", allowed_location_ids=[day["location"] + 1])


def test_suggest_and_assign_commands_keep_the_contract(engine, day, db_url, capsys):
    assert main(["suggest", "OPEN-1", "--db", db_url, "--top", "1", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document) == {"booking_ref", "candidates", "excluded"}
    assert [c["therapist"] for c in document["candidates"]] == ["Ann"]
    assert {e["therapist"] for e in document["excluded"]} == {"Ben", "Cat", "Dan", "Eve",
                                                               "Finn"}
    assert main(["assign", "OPEN-1", "Dan", "--db", db_url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "busy" in err
    assert main(["assign", "OPEN-1", "ann", "--db", db_url]) == 0


def test_autoassign_places_what_it_can_and_says_why_not(engine, day, db_url, capsys):
    with Session(engine) as s:
        plan = plan_day(s, "alpha spa", DAY)
    placed = {ref for ref, _t, _s in plan.assignments}
    assert placed == {"OPEN-1", "OPEN-PRENATAL"}
    why = dict(plan.unplaced)
    assert "override" in why["OPEN-FEVER"] and "deep pressure" in why["OPEN-CLOTS"]
    assert "REQ-1" not in placed and plan.optimal
    assert main(["autoassign", "--location", "Alpha Spa", "--date", DAY.isoformat(),
                 "--db", db_url, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert len(document["assigned"]) == 2
    with Session(engine) as s:
        assert s.scalars(select(Booking).where(Booking.external_ref == "REQ-1")).one() \
            .therapist_id == day["Gia"]


def _open(ref, start, end, options):
    return OpenBooking(ref, _at(start), _at(end), 60, [Option(t, t, sc) for t, sc in options])


def test_optimal_beats_greedy_where_greedy_blocks_itself():
    bookings = [_open("A", "09:00", "10:00", [(1, 50), (2, 10)]),
                _open("B", "09:30", "10:30", [(1, 40)])]
    greedy = greedy_plan(bookings, timedelta(minutes=15), 360, {})
    best, proven = optimal_plan(bookings, timedelta(minutes=15), 360, {})
    assert [o and o.therapist_id for o in greedy] == [1, None]
    assert [o and o.therapist_id for o in best] == [2, 1] and proven


def test_optimal_never_worse_than_greedy_on_crowded_days():
    import random
    rng = random.Random(5)
    for _ in range(30):
        bookings = []
        for i in range(18):
            start = 9 * 60 + rng.randrange(0, 8 * 60, 15)
            options = [(t, rng.randint(10, 90)) for t in range(6) if rng.random() < 0.5]
            bookings.append(OpenBooking(
                f"B{i}", _at(f"{start // 60:02d}:{start % 60:02d}"),
                _at(f"{start // 60:02d}:{start % 60:02d}") + timedelta(minutes=60), 60,
                sorted((Option(t, str(t), s) for t, s in options),
                       key=lambda o: -o.score)))
        bookings.sort(key=lambda b: b.start)
        greedy = greedy_plan(bookings, timedelta(minutes=15), 240, {})
        best, _proven = optimal_plan(bookings, timedelta(minutes=15), 240, {})
        placed = sum(o is not None for o in best)
        assert placed >= sum(o is not None for o in greedy)
        if placed == sum(o is not None for o in greedy):
            assert sum(o.score for o in best if o) >= sum(o.score for o in greedy if o)


def _best_by_hand(bookings, buffer, cap):
    """Every way to give each booking one of its options or none: the best (placements,
    then score) among those that keep the overlap, buffer and cap rules."""
    from itertools import product

    best = (-1, -1)
    for choice in product(*[[None, *b.options] for b in bookings]):
        spans: dict[int, list] = {}
        for booking, option in zip(bookings, choice, strict=True):
            if option is not None:
                spans.setdefault(option.therapist_id, []).append(booking)
        if any(sum(b.minutes for b in held) > cap or any(
                b.start < a.end + buffer for a, b in zip(sorted(held, key=lambda x: x.start),
                                                         sorted(held, key=lambda x: x.start)[1:],
                                                         strict=False))
               for held in spans.values()):
            continue
        best = max(best, (sum(o is not None for o in choice),
                          sum(o.score for o in choice if o is not None)))
    return best


def test_the_solver_finds_the_best_plan_a_full_search_finds_and_proves_it():
    import random
    rng = random.Random(11)
    buffer = timedelta(minutes=15)
    for _ in range(25):
        bookings = []
        for i in range(7):
            start = _at("09:00") + timedelta(minutes=rng.randrange(0, 6 * 60, 15))
            options = [Option(t, str(t), rng.randint(10, 90)) for t in range(3)
                       if rng.random() < 0.6]
            bookings.append(OpenBooking(f"B{i}", start, start + timedelta(minutes=60), 60,
                                        sorted(options, key=lambda o: -o.score)))
        bookings.sort(key=lambda b: b.start)
        best, proven = optimal_plan(bookings, buffer, 180, {})
        assert proven
        assert (sum(o is not None for o in best),
                sum(o.score for o in best if o)) == _best_by_hand(bookings, buffer, 180)


def test_two_managers_assigning_at_once_never_double_book(engine, day, db_url):
    # OPEN-1 (10:10-11:10) and a twin overlapping it, both to Gia at the same moment.
    with Session(engine) as s:
        first = s.scalars(select(Booking).where(Booking.external_ref == "OPEN-1")).one()
        s.add(Booking(external_ref="OPEN-TWIN", location_id=first.location_id,
                      service_id=first.service_id, starts_at=first.starts_at,
                      ends_at=first.ends_at, duration_min=60, price_cents=100,
                      status="booked"))
        s.commit()
    processes = [subprocess.Popen(
        [sys.executable, "-m", "spaops.cli", "assign", ref, "Gia", "--db", db_url],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for ref in ("OPEN-1", "OPEN-TWIN")]
    codes = sorted(p.wait(timeout=60) for p in processes)
    assert codes == [0, 1]
    with Session(engine) as s:
        gia = s.scalars(select(Booking).where(Booking.therapist_id == day["Gia"],
                                              Booking.external_ref.in_(
                                                  ["OPEN-1", "OPEN-TWIN"]))).all()
    assert len(gia) == 1
