"""The Actions page through AppTest: the same actions as the domain, scoped by role."""

from datetime import timedelta

import pytest
from sqlmodel import Session

from spaops import clock
from spaops.actions import UNITS, build_actions
from spaops.analytics.kpis import locations_in_scope
from spaops.db import make_engine
from tests.utils.apptest import open_page, sign_in

pytestmark = pytest.mark.usefixtures("app_database")
OTHERS = ("Maple Grove Spa", "Pinecrest Retreat", "Midtown Recovery Clinic")


def _expected(url: str, names: list[str] | None = None):
    engine = make_engine(url)
    end = clock.today()
    with Session(engine) as s:
        locations = locations_in_scope(s)
        ids = locations.loc[locations["location"].isin(names or locations["location"]),
                            "location_id"].tolist()
        actions = build_actions(s, end - timedelta(days=29), end, location_ids=ids)
    engine.dispose()
    return actions


def _shown_text(at) -> str:
    return " ".join([m.value for m in at.markdown] + [str(d.value.to_csv())
                                                       for d in at.dataframe])


def test_owner_sees_every_action_worth_most_first(app_database):
    at = open_page(sign_in("owner"), "pages/actions.py")
    assert not at.exception, at.exception
    expected = _expected(app_database)
    assert expected, "the demo chain has findings to act on"
    shown = [m.value for m in at.markdown]
    # The 15 most valuable of each unit are shown, in order; the rest are downloadable.
    instructions = [a.instruction for unit in UNITS
                    for a in [b for b in expected if b.unit == unit][:15]]
    assert [s for s in shown if s in instructions] == instructions
    assert {"price_below_band", "license_risk"} <= {a.kind for a in expected}
    assert [b.proto.label for b in at.get("download_button")] == [
        "Download all actions", "Download call list", "Download shift plan",
        "Download watch list"]
    assert "Priced above the band: watch the volume" in [h.value for h in at.subheader]
    links = {(link.proto.label, link.proto.page) for link in at.get("page_link")}
    assert ("See the evidence on Pricing", "pricing") in links
    assert {page for _label, page in links} == {a.page for a in expected}
    assert at.metric[0].label == "Revenue a month"
    assert at.metric[0].value == f"${sum(a.value for a in expected if a.unit == 'USD/month'):,.0f}"


def test_a_manager_sees_only_their_location(app_database):
    at = open_page(sign_in("manager"), "pages/actions.py")
    assert not at.exception, at.exception
    expected = _expected(app_database, ["Harbor Day Spa"])
    text = _shown_text(at)
    assert all(a.instruction in text for a in expected)
    for other in OTHERS:
        assert other not in text


def test_staff_cannot_open_actions():
    at = sign_in("staff")
    try:
        at.switch_page("pages/actions.py").run()
    except Exception:  # not in the staff navigation at all
        return
    assert not at.metric
