"""The Actions page through AppTest: the same actions as the domain, scoped by role."""

import functools
import threading
from datetime import timedelta

import pytest
import streamlit as st
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

import spaops.figures.overview
import ui.actions
import ui.data
import ui.overview
from spaops import clock
from spaops.actions import UNITS, build_actions
from spaops.analytics.kpis import locations_in_scope
from spaops.db import make_engine
from tests.utils.apptest import APP, TIMEOUT, open_page, sign_in
from ui.actions import evidence_key

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
    # Each file is made on the click, and the click only downloads: a re-run of the page
    # could drop the file being made before the browser fetched it.
    assert all(b.proto.deferred_file_id and b.proto.ignore_rerun
               for b in at.get("download_button"))
    assert "Priced above the band: watch the volume" in [h.value for h in at.subheader]
    links = {(link.proto.label, link.proto.page, link.proto.query_string)
             for link in at.get("page_link")}
    assert ("See the evidence on Pricing", "pricing", "") in links
    assert {page for _label, page, _query in links} == {a.page for a in expected}
    # A link opens the section of its page that holds the evidence.
    assert ("See the evidence on Service mix", "service_mix",
            "mix_section=Coming+back") in links
    assert ("See the evidence on Utilisation", "utilisation",
            "util_section=Busy+hours") in links
    assert at.metric[0].label == "Revenue a month"
    assert at.metric[0].value == f"${sum(a.value for a in expected if a.unit == 'USD/month'):,.0f}"


def test_evidence_is_drawn_when_its_panel_is_opened(app_database):
    at = open_page(sign_in("owner"), "pages/actions.py")
    drifting = next(a for a in _expected(app_database) if a.kind == "clients_drifting")
    tables = len(at.dataframe)  # the watch list; no evidence is drawn while panels are shut
    assert not any(c.value.startswith("Evidence from") for c in at.caption)
    at.session_state[evidence_key(drifting)] = True  # what a click on the panel sets
    at.run()
    assert not at.exception, at.exception
    period = drifting.evidence["period"]
    assert f"Evidence from {period['from']} to {period['to']}" in [c.value for c in at.caption]
    assert len(at.dataframe) == tables + 1
    shown = at.dataframe[0].value
    assert list(shown.columns) == ["Client", "Last visit", "Last therapist", "Usual service",
                                   "Days overdue"]
    assert shown["Client"].tolist() == [c["client"] for c in
                                        drifting.evidence["clients"][:len(shown)]]


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


@pytest.fixture
def fills(monkeypatch: pytest.MonkeyPatch) -> list[threading.Thread]:
    """Turn the background fills on and record each one started (a fill may end before a
    test could look for it among the running threads)."""
    started: list[threading.Thread] = []

    class Recorded(threading.Thread):
        def start(self) -> None:
            if self.name.startswith("prefetch-"):
                started.append(self)
            super().start()

    monkeypatch.setattr(ui.data, "PREFETCH", True)
    monkeypatch.setattr(threading, "Thread", Recorded)
    return started


def _finished(fills: list[threading.Thread]) -> list[str]:
    for fill in fills:
        fill.join(timeout=60)
    assert not any(fill.is_alive() for fill in fills)
    return [fill.name for fill in fills]


def test_prefetch_runs_every_fill_in_the_background_even_after_one_fails(fills, caplog):
    done: list[str] = []
    release = threading.Event()

    def first() -> None:
        release.wait(timeout=30)
        done.append("first")

    def fails() -> None:
        raise RuntimeError("the database went away")

    ui.data.prefetch("test", [first, fails, lambda: done.append("last")])
    assert done == []  # the caller did not wait for the fills
    release.set()
    assert _finished(fills) == ["prefetch-test"]
    assert done == ["first", "last"]
    assert "prefetch of test failed" in caplog.text


def test_the_sign_in_form_works_out_the_chain_overview_and_its_actions_meanwhile(
        app_database, fills, monkeypatch, caplog):
    st.cache_data.clear()
    AppTest.from_file(APP, default_timeout=TIMEOUT).run()  # the form, not yet sent
    # The Overview's fill, then (started by it, one after the other) the Actions'.
    assert _finished(fills) == ["prefetch-chain-overview", "prefetch-actions"]
    assert "failed" not in caplog.text
    computed: list[str] = []

    def counted(fn):  # the same loader (and cache key), counting the runs the cache missed
        @functools.wraps(fn)
        def run(*args, **kwargs):
            computed.append(fn.__name__)
            return fn(*args, **kwargs)
        return run

    for name in ("kpi_sums", "owner_alerts", "weekly_revenue", "setup_progress"):
        monkeypatch.setattr(ui.overview, name, counted(getattr(ui.overview, name)))
    monkeypatch.setattr(spaops.figures.overview, "weekly_revenue_figure",
                        counted(spaops.figures.overview.weekly_revenue_figure))
    monkeypatch.setattr(ui.actions, "build_actions", counted(ui.actions.build_actions))
    at = sign_in("owner")
    assert not at.exception and at.title[0].value == "Overview" and at.metric
    assert at.get("plotly_chart")
    open_page(at, "pages/actions.py")
    assert not at.exception and at.metric
    # Every loader of the owner's first page and of Actions, and the Overview's chart,
    # were ready.
    assert computed == []


def test_the_overview_works_out_the_actions_page_meanwhile(app_database, fills, caplog):
    sign_in("owner")  # lands on the Overview, which starts the fill once it is sent
    assert _finished(fills) == ["prefetch-chain-overview", "prefetch-actions"]
    assert "failed" not in caplog.text
    at = open_page(sign_in("owner"), "pages/actions.py")
    assert not at.exception, at.exception
    assert [m.value for m in at.markdown if m.value.startswith("Raise ")]
    # The second sign-in found both filled for this data and day: neither started again.
    assert _finished(fills) == ["prefetch-chain-overview", "prefetch-actions"]
    fills.clear()
    st.cache_resource.clear()  # forgets what was filled (and the engine)
    # Staff have no Actions page: their pages start no fill. (Their sign-in form did: it
    # works out the whole chain's first pages before anyone has said who they are.)
    staff = sign_in("staff")
    assert not staff.exception
    assert _finished(fills) == ["prefetch-chain-overview", "prefetch-actions"]
