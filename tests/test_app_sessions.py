"""Sign-in sessions in the app (AppTest) and the HTTP route that sets their cookie.

AppTest cannot send a cookie, so a "reload" here is a fresh AppTest whose cookie lookup
returns the token the route would have set; the real cookie is tested in Chromium
(tests/test_browser_session.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session
from starlette.requests import Request
from streamlit.testing.v1 import AppTest

from spaops import clock
from spaops.auth import reset_password
from spaops.db import make_engine
from spaops.sessions import exchange_handoff
from tests.utils.apptest import APP, TIMEOUT, figures, open_page, sign_in
from ui import auth as ui_auth
from ui.session_cookie import ADOPT_PATH, COOKIE_NAME, adopt, clear

pytestmark = pytest.mark.usefixtures("app_database")
SIGN_IN_FORM = ["Username", "Password"]


def _cookie_from(at: AppTest, app_database: str) -> str:
    """What the browser's request to the adopt route would store as the cookie."""
    code = at.session_state[ui_auth.HANDOFF_KEY]
    engine = make_engine(app_database)
    with Session(engine) as s:
        token = exchange_handoff(s, code)
    engine.dispose()
    assert token
    return token


def _reload(monkeypatch: pytest.MonkeyPatch, token: str | None,
            page: str | None = None) -> AppTest:
    """A new browser tab (or a reload) that sends this cookie, then opens a page."""
    monkeypatch.setattr(ui_auth, "_cookie_token", lambda: token)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    return open_page(at, page) if page else at


def test_sign_in_asks_the_browser_to_fetch_its_cookie_once(app_database):
    at = sign_in("owner")
    open_page(at, "pages/overview.py")
    assert not at.exception
    beacons = [h.proto.body for h in at.get("html")]
    assert any(f"{ADOPT_PATH}?code=" in body and "<script" not in body for body in beacons)
    _cookie_from(at, app_database)
    at.run()  # the browser now holds the cookie: no more requests for it
    assert ui_auth.HANDOFF_KEY not in at.session_state
    assert not any(ADOPT_PATH in h.proto.body for h in at.get("html"))


def test_a_reload_with_the_cookie_stays_signed_in(app_database, monkeypatch):
    at = sign_in("manager")
    token = _cookie_from(at, app_database)
    again = _reload(monkeypatch, token, "pages/assign.py")
    assert not again.exception
    assert again.title[0].value == "Assign therapists"
    assert again.session_state[ui_auth.VIEWER_KEY].username == "manager"
    assert [t.label for t in again.text_input] != SIGN_IN_FORM


def test_after_sign_out_the_old_cookie_gives_the_sign_in_page(app_database, monkeypatch):
    at = sign_in("owner")
    token = _cookie_from(at, app_database)
    open_page(at, "pages/overview.py")
    at.sidebar.button(key="sign_out").click().run()
    assert not at.exception
    assert any("/api/session/clear" in h.proto.body for h in at.get("html"))
    stolen = _reload(monkeypatch, token)
    assert not stolen.exception
    assert [t.label for t in stolen.text_input] == SIGN_IN_FORM
    assert not figures(stolen)
    assert not stolen.info  # signing out is no news to the person who did it


def test_an_unknown_cookie_gives_the_sign_in_page(monkeypatch):
    at = _reload(monkeypatch, "not-a-token")
    assert not at.exception
    assert [t.label for t in at.text_input] == SIGN_IN_FORM


def test_a_password_reset_signs_out_every_open_tab(app_database):
    at = sign_in("manager")
    open_page(at, "pages/assign.py")
    engine = make_engine(app_database)
    with Session(engine) as s:
        reset_password(s, "manager", "a-new-one")
        s.commit()
    engine.dispose()
    at.run()
    assert not at.exception
    assert [t.label for t in at.text_input] == SIGN_IN_FORM
    assert any("signed out" in i.value for i in at.info)


def test_twelve_idle_hours_sign_out_with_a_notice(app_database):
    at = sign_in("owner")
    open_page(at, "pages/overview.py")
    engine = make_engine(app_database)
    idle_since = clock.now() - timedelta(hours=12, minutes=1)
    with engine.begin() as conn:
        conn.execute(text("UPDATE sign_in_session SET last_seen_at = :t"), {"t": idle_since})
    engine.dispose()
    at.run()
    assert not at.exception
    assert [t.label for t in at.text_input] == SIGN_IN_FORM
    assert any("12 idle hours" in i.value for i in at.info)


def _request(path: str, query: str = "", scheme: str = "http") -> Request:
    return Request({"type": "http", "method": "GET", "path": path, "scheme": scheme,
                    "query_string": query.encode(), "headers": [],
                    "server": ("127.0.0.1", 8501)})


def test_the_route_sets_a_strict_httponly_cookie_once(app_database):
    at = sign_in("owner")
    code = at.session_state[ui_auth.HANDOFF_KEY]
    response = adopt(_request(ADOPT_PATH, f"code={code}"))
    assert response.status_code == 204
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=")
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite", "path", "max-age"} <= attributes
    assert "samesite=strict" in cookie.lower()
    assert "domain" not in attributes and "secure" not in attributes  # plain http here
    replay = adopt(_request(ADOPT_PATH, f"code={code}"))
    assert "set-cookie" not in replay.headers
    assert "set-cookie" not in adopt(_request(ADOPT_PATH, "code=guessed")).headers


def test_over_https_the_cookie_is_secure_and_sign_out_clears_it(app_database):
    at = sign_in("owner")
    code = at.session_state[ui_auth.HANDOFF_KEY]
    cookie = adopt(_request(ADOPT_PATH, f"code={code}", scheme="https")).headers["set-cookie"]
    assert "secure" in cookie.lower()
    cleared = clear(_request("/api/session/clear")).headers["set-cookie"]
    assert cleared.startswith(f'{COOKIE_NAME}=""') and "max-age=0" in cleared.lower()
