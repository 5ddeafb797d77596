"""The whole app in-process (AppTest): sign-in first, every page runs, figures match SQL."""

import sys
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import text

from spaops import clock
from spaops.db import make_engine
from tests.utils.apptest import figures, metric_values, open_page, sign_in
from ui.navigation import PAGES, pages_for

pytestmark = pytest.mark.usefixtures("app_database")


def test_sign_in_comes_first_and_names_the_demo_users():
    from streamlit.testing.v1 import AppTest

    from tests.utils.apptest import APP

    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert any("owner" in c.value and "demo" in c.value for c in at.caption)
    assert not figures(at)  # no figures before sign-in


def test_wrong_password_is_refused_with_a_generic_message():
    at = sign_in("owner", "not-the-password")
    assert not at.exception
    assert at.error and "check the username and password" in at.error[0].value
    assert not figures(at)
    unknown = sign_in("nobody", "demo")
    assert unknown.error[0].value == at.error[0].value  # no hint whether the user exists


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_runs_for_the_owner(page):
    at = sign_in("owner")
    assert not at.exception
    open_page(at, PAGES[page][0])
    assert not at.exception, at.exception
    assert at.title, f"{page} shows no title"


def test_overview_completed_bookings_match_a_direct_sql_count(app_database):
    today = clock.today()
    start = today - timedelta(days=29)
    engine = make_engine(app_database)
    with engine.connect() as conn:
        completed = conn.execute(
            text("SELECT count(*) FROM booking WHERE status = 'completed' "
                 "AND starts_at >= :a AND starts_at < :b"),
            {"a": str(datetime.combine(start, time())),
             "b": str(datetime.combine(today + timedelta(days=1), time()))},
        ).scalar_one()
    engine.dispose()
    assert completed > 100
    at = sign_in("owner")
    open_page(at, "pages/overview.py")  # default period: the last 30 days, every location
    assert metric_values(at)["Completed bookings"] == f"{completed:,}"


def test_staff_sees_only_import_pages():
    assert set(pages_for("staff")) <= {"import"}
    assert "settings" not in pages_for("manager")
    assert set(pages_for("owner")) == set(PAGES)


def test_sign_out_returns_to_sign_in():
    at = sign_in("owner")
    open_page(at, "pages/overview.py")
    assert at.metric
    at.sidebar.button(key="sign_out").click().run()
    assert not at.exception
    assert "viewer" not in at.session_state
    # AppTest stays on the page it was switched to; signed out, that page shows only the
    # sign-in form (in a browser every page's address does: ui.navigation), and the unseen
    # warm-up that has the browser load the Overview's table and widget code meanwhile:
    # disabled, so the keyboard never lands on it.
    assert not figures(at)
    assert [m.label for m in at.metric] == ["warm-up"]
    assert [frame.value.shape for frame in at.dataframe] == [(1, 1)]
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    warm_up = [w for w in (*at.selectbox, *at.multiselect, *at.button)
               if w.key and w.key.startswith("warmup")]
    assert sorted(w.key for w in warm_up) == ["warmup_button", "warmup_multiselect",
                                              "warmup_select"]
    assert all(w.disabled for w in warm_up)


def test_a_user_disabled_while_signed_in_is_signed_out_on_the_next_click(app_database):
    at = sign_in("manager")
    open_page(at, "pages/assign.py")
    assert not at.exception and at.title[0].value == "Assign therapists"
    engine = make_engine(app_database)
    with engine.begin() as conn:
        conn.execute(text("UPDATE app_user SET active = false WHERE username = 'manager'"))
    engine.dispose()
    at.run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert any("disabled or removed" in i.value for i in at.info)


def test_the_sign_in_page_imports_every_page_meanwhile():
    from ui.navigation import PAGES, modules_of

    assert {"spaops.figures.overview", "ui.actions", "ui.overview"} <= set(
        modules_of("pages/overview.py"))
    assert "spaops.figures.rota" in modules_of("pages/shifts.py")
    sign_in("owner")  # the sign-in page imports them, once per process
    every = {m for file, _title, _icon in PAGES.values() for m in modules_of(file)}
    assert every <= set(sys.modules)


def test_a_slow_page_run_is_logged_with_its_time(monkeypatch, caplog):
    import ui.navigation

    def logged() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.getMessage().startswith("page run:")]

    monkeypatch.setattr(ui.navigation, "SLOW_PAGE_S", 3600.0)  # none is that slow
    assert not sign_in("owner").exception and logged() == []
    monkeypatch.setattr(ui.navigation, "SLOW_PAGE_S", 0.0)  # every run counts as slow
    assert not sign_in("owner").exception
    # The form, the click on Sign in, then the Overview it lands on, each with its time.
    assert [" ".join(line.split()[2:-2]) for line in logged()] == [
        "Sign in", "Sign in", "Overview"]
    assert all(float(line.split()[-2]) > 0 for line in logged())


def test_a_slow_page_threshold_that_is_not_a_number_falls_back_to_two_seconds(monkeypatch,
                                                                               caplog):
    from ui.navigation import _slow_page_seconds

    monkeypatch.setenv("SPAOPS_SLOW_PAGE_S", "0.5")
    assert _slow_page_seconds() == 0.5
    monkeypatch.setenv("SPAOPS_SLOW_PAGE_S", "two")
    assert _slow_page_seconds() == 2.0 and "is not a number of seconds" in caplog.text


def test_a_prefetch_fills_in_the_background_once_and_is_logged_with_its_time(monkeypatch,
                                                                             caplog):
    import threading
    import time

    import ui.data
    import ui.navigation

    monkeypatch.setattr(ui.data, "PREFETCH", True)  # the in-process tests turn it off
    monkeypatch.setattr(ui.navigation, "SLOW_PAGE_S", 0.05)
    filled: list[str] = []

    def broken() -> None:
        raise RuntimeError("no database")

    def slow() -> None:
        time.sleep(0.1)
        filled.append("slow")

    def prefetch(key: tuple) -> None:
        ui.data.prefetch("probe", [broken, slow], key=key)
        for thread in [t for t in threading.enumerate() if t.name == "prefetch-probe"]:
            thread.join(5)

    prefetch(("Cedar",))  # a failing load does not stop the next
    assert filled == ["slow"]
    assert "prefetch of probe failed" in caplog.text
    (line,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("prefetch:")]
    assert line.startswith("prefetch: probe ") and float(line.split()[-2]) >= 0.1
    prefetch(("Cedar",))  # filled already: not started again
    assert filled == ["slow"]
    prefetch(("Dune",))  # something else: filled
    assert filled == ["slow", "slow"]


def test_the_served_config_hides_tracebacks_and_skips_a_full_collection_per_run(monkeypatch):
    from pathlib import Path

    from streamlit import config

    monkeypatch.chdir(Path(__file__).resolve().parents[1])  # where `make run` starts it
    config.get_config_options(force_reparse=True)
    assert config.get_option("client.showErrorDetails") == "none"
    # A full gc.collect after every script run cost 0.13 s of CPU a view (bench figures).
    assert config.get_option("runner.postScriptGC") is False
