"""Sign-in that survives a reload, in Chromium at 1440 px: the session cookie end to end."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.utils.browser import serve_app, sign_in, wait_for_run
from ui.session_cookie import COOKIE_NAME

pytestmark = pytest.mark.browser
SIGN_OUT = "Sign out"


@pytest.fixture(scope="module")
def small_app(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The app (serve.py, with its cookie route) on a private copy of the small demo."""
    database = tmp_path_factory.mktemp("session") / "demo.db"
    shutil.copyfile(demo_template, database)
    with serve_app(database) as app:
        yield app


def _session_cookie(context) -> dict | None:  # type: ignore[no-untyped-def]
    return next((c for c in context.cookies() if c["name"] == COOKIE_NAME), None)


def _wait_for_cookie(page) -> dict:  # type: ignore[no-untyped-def]
    """The sign-in's cookie, once the page has fetched it (right after the first run)."""
    for _ in range(50):
        cookie = _session_cookie(page.context)
        if cookie:
            return cookie
        page.wait_for_timeout(100)
    raise AssertionError("the session cookie was never set")


def _signed_in(page) -> bool:  # type: ignore[no-untyped-def]
    """Whether the page, once drawn, is signed in (a Sign out button) or asks to sign in."""
    sign_out = page.get_by_role("button", name=SIGN_OUT)
    sign_out.or_(page.get_by_label("Username")).first.wait_for(timeout=30_000)
    wait_for_run(page)
    return sign_out.count() > 0


def _on_sign_in_form(page) -> bool:  # type: ignore[no-untyped-def]
    wait_for_run(page)
    page.get_by_label("Username").wait_for(timeout=30_000)
    return page.get_by_role("button", name=SIGN_OUT).count() == 0


def _pick_period(page, label: str) -> None:  # type: ignore[no-untyped-def]
    page.locator('[data-testid="stSelectbox"]', has_text="Period").first.click()
    page.get_by_role("option", name=label).click()
    page.wait_for_url(lambda url: parse_qs(urlparse(url).query).get("preset") == [label])
    wait_for_run(page)


def _period_shown(page) -> str:  # type: ignore[no-untyped-def]
    return page.get_by_role("combobox", name="Period").input_value(timeout=30_000)


def test_reload_and_new_tab_keep_the_owner_signed_in_on_the_filtered_page(page, small_app):
    sign_in(page, small_app["url"], "owner")
    page.locator('[data-testid="stSidebarNav"] a', has_text="Utilisation").first.click()
    page.wait_for_url("**/utilisation**")
    wait_for_run(page)
    _pick_period(page, "Last 7 days")
    filtered = page.url
    cookie = _wait_for_cookie(page)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert cookie["domain"] == "127.0.0.1" and cookie["path"] == "/"
    assert COOKIE_NAME not in page.evaluate("document.cookie")  # no script can read it

    page.reload()
    assert _signed_in(page), "a reload signed the owner out"
    assert page.url == filtered
    assert _period_shown(page) == "Last 7 days"
    assert page.get_by_role("heading", name="Utilisation").first.is_visible()
    assert page.locator('[data-testid="stException"]').count() == 0

    tab = page.context.new_page()
    tab.goto(filtered)
    assert _signed_in(tab), "a new tab asked to sign in again"
    assert _period_shown(tab) == "Last 7 days"
    tab.close()

    page.get_by_role("button", name=SIGN_OUT).click()
    assert _on_sign_in_form(page)
    page.wait_for_timeout(500)  # the page asks the server to drop the cookie
    assert _session_cookie(page.context) is None
    # Someone who copied the cookie before the sign-out gets the sign-in page with it.
    page.context.add_cookies([cookie])
    page.goto(filtered)
    assert _on_sign_in_form(page)
    page.screenshot(path=str(small_app["log"].parent / "old_cookie_after_sign_out.png"))


def test_a_shared_link_opened_signed_out_lands_on_its_page_after_sign_in(browser, small_app):
    context = browser.new_context(viewport={"width": 1440, "height": 2000})
    page = context.new_page()
    link = f"{small_app['url']}/utilisation?preset=Last+90+days"
    page.goto(link)
    assert _on_sign_in_form(page)
    assert page.get_by_text("Page not found").count() == 0
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password", exact=True).fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name=SIGN_OUT).wait_for(timeout=30_000)
    wait_for_run(page)
    assert urlparse(page.url).path == "/utilisation"
    assert parse_qs(urlparse(page.url).query).get("preset") == ["Last 90 days"]
    page.screenshot(path=str(small_app["log"].parent / "shared_link_after_sign_in.png"))
    assert _period_shown(page) == "Last 90 days"
    assert page.get_by_role("heading", name="Utilisation").first.is_visible()
    context.close()
