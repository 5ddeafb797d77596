"""A real chain's first week in Chromium: the owner swaps the demo for their own chain
(two locations, a roster, a shift file, two suites' booking exports, one shift edited in
the week grid) and Overview and Pricing show the figures worked out by hand below."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.utils.browser import choose, open_page, serve_app, sign_in, wait_for_run

pytestmark = pytest.mark.browser
FILES = Path(__file__).parent / "fixtures" / "first_week"
EXCEPTION = '[data-testid="stException"]'


def _pick(page, key: str, option: str, within=None) -> None:  # type: ignore[no-untyped-def]
    """Choose an option of the selectbox with this widget key (or this label, within)."""
    if within is None:
        opener = page.locator(f".st-key-{key}")
    else:
        opener = within.locator('[data-testid="stSelectbox"]').filter(has_text=key)
    choose(page, opener, option)


def _card(page, label: str, shown: str) -> None:  # type: ignore[no-untyped-def]
    """The metric card with this label comes to show this value (a regular expression)."""
    card = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=re.compile(f"^{label}$")))
    expect(card.locator('[data-testid="stMetricValue"]')).to_have_text(
        re.compile(f"^{shown}$"), timeout=30_000)


def _add_location(page, name: str, tier: str, timezone: str, rooms: int) -> None:  # type: ignore[no-untyped-def]
    field = page.get_by_label("New location's name")
    if not field.is_visible():
        page.get_by_text("Add a location").click()
    assert field.input_value() == ""  # an empty form for the next location
    field.fill(name)
    form = page.locator('[data-testid="stExpander"]').filter(has_text="Add a location")
    _pick(page, "Market tier", tier, within=form)
    _pick(page, "Timezone", timezone, within=form)
    form.get_by_label("Treatment rooms").fill(str(rooms))
    page.get_by_role("button", name="Add location").click()
    page.get_by_text(f"Added {name}.").wait_for(timeout=30_000)
    wait_for_run(page)


def _import(page, kind: str, label: str, path: Path, count: int, noun: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(".st-key-import_kind").get_by_text(label, exact=True).click()
    wait_for_run(page)
    # The kind's uploader: its key changes after each import of the kind, which empties it.
    uploader = page.locator(f'[class*="st-key-import_upload_{kind}"] input[type=file]')
    uploader.set_input_files(str(path))
    button = page.get_by_role("button", name=f"Import {count} {noun}")
    button.wait_for(timeout=30_000)
    wait_for_run(page)
    button.click()
    page.get_by_text(re.compile(rf"Imported {path.name}: {count} new, .* 0 rejected\.")) \
        .wait_for(timeout=30_000)
    wait_for_run(page)


def _edit_first_shift(page, monday: str, shift: str) -> None:  # type: ignore[no-untyped-def]
    """In November 2026's week of this Monday (day of month), type a shift into the first
    therapist's Monday cell of the week grid and save it."""
    day = page.locator(".st-key-rota_week [role=spinbutton]").nth(2)  # year, month, day
    day.click()
    page.keyboard.type(monday, delay=80)
    page.keyboard.press("Enter")
    page.locator("h1").first.click()  # the field commits its value when it loses focus
    page.get_by_text(re.compile(rf"^Week of Mon {int(monday)} Nov")).wait_for(timeout=15_000)
    wait_for_run(page)
    save = page.get_by_role("button", name="Save changes")
    for _ in range(3):  # the grid is a canvas: a click while it redraws edits nothing
        grid = page.locator('[data-testid="stDataFrame"]').first
        expect(grid).to_be_visible(timeout=15_000)
        page.wait_for_timeout(500)
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 30, box["y"] + 52)  # the first row's therapist cell
        page.keyboard.press("ArrowRight")  # Monday
        page.wait_for_timeout(300)
        page.keyboard.press("Enter")
        page.wait_for_timeout(500)
        page.keyboard.press("Control+a")
        page.keyboard.type(shift, delay=50)
        page.keyboard.press("Enter")
        wait_for_run(page)
        try:
            save.wait_for(timeout=10_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    save.click()
    page.get_by_text("Saved 1 change to the rota.").wait_for(timeout=30_000)
    wait_for_run(page)


def test_owner_starts_their_own_chain_and_sees_hand_worked_figures(
        page, browser, demo_template, tmp_path):
    database = tmp_path / "chain.db"
    shutil.copyfile(demo_template, database)
    with serve_app(database) as app:
        sign_in(page, app["url"], "owner")

        open_page(page, "Settings")
        page.get_by_label("Type REMOVE DEMO to confirm").fill("REMOVE DEMO")
        page.get_by_role("button", name="Remove the demo data").click()
        page.get_by_text(re.compile("^Demo data removed: ")).wait_for(timeout=60_000)
        wait_for_run(page)
        _add_location(page, "Cedar Spa", "Urban / high-end", "America/New_York (Eastern)", 2)
        _add_location(page, "Birch Clinic", "Rural", "America/Chicago (Central)", 1)

        open_page(page, "Overview")  # the empty chain's guide, locations ticked
        page.get_by_text("Set up your chain").wait_for(timeout=15_000)

        open_page(page, "Import")
        _import(page, "therapists", "Therapist roster", FILES / "roster.csv", 2, "therapists")
        _import(page, "shifts", "Shifts", FILES / "shifts.csv", 3, "shifts")
        # Cedar's export names its location; Birch's is Acuity's shape (month names, first
        # and last name, Type, Calendar, Appointment Price) with no location column.
        _import(page, "bookings", "Bookings", FILES / "cedar_bookings.csv", 5, "bookings")
        _pick(page, "import_location", "Birch Clinic")
        wait_for_run(page)
        _import(page, "bookings", "Bookings", FILES / "birch_bookings.csv", 2, "bookings")

        open_page(page, "Rota")
        _pick(page, "rota_location", "Birch Clinic")
        wait_for_run(page)
        _edit_first_shift(page, "02", "09:00-17:00")  # Ben Diaz: 6 hours -> 8

        open_page(page, "Overview")  # the last 30 days up to 2026-11-24 hold the week
        page.locator('[data-testid="stMetric"]').first.wait_for(timeout=30_000)
        # Completed C1 $100 + C2 $180 + C3 $160 + B1 $65 + B2 $80 = $585 from 5 bookings;
        # held minutes 270 (Cedar, no-show included) + 120 (Birch) = 390 of 720 + 480
        # shift minutes after the edit = 32.5%; deep tissue C2 and B1 are 2 of 5 = 40%.
        _card(page, "Revenue", r"\$585(\.00)?")
        _card(page, "Completed bookings", "5")
        _card(page, "Utilisation", r"32\.5%")
        _card(page, "Therapeutic share", r"40\.0%")

        open_page(page, "Pricing")
        page.locator('[data-testid="stMetric"]').first.wait_for(timeout=30_000)
        # Below: C1 $100/h (urban floor 110, gap 10), B1 $65/h (rural floor 70, gap 5);
        # within: C2 $120/h, B2 $80/h; above: C3 $160/h (urban ceiling 150).
        for label, count in (("Below band", "2"), ("Within band", "2"), ("Above band", "1")):
            _card(page, label, count)
        _card(page, "Below-band gap", r"\$15(\.00)?")
        assert page.locator(EXCEPTION).count() == 0

        open_page(page, "Settings")  # a manager for Cedar Spa only
        page.get_by_label("Username").fill("cedar.manager")
        _pick(page, "us_role", "Manager")
        page.locator(".st-key-us_locations").click()
        page.get_by_role("option", name="Cedar Spa", exact=True).click()
        page.keyboard.press("Escape")
        page.get_by_role("textbox", name="New password").fill("cedar-week-1")
        page.get_by_role("button", name="Apply").click()
        page.get_by_text("Added cedar.manager: they can sign in now.").wait_for(timeout=30_000)

        manager_context = browser.new_context(viewport={"width": 1440, "height": 2000})
        manager = manager_context.new_page()
        sign_in(manager, app["url"], "cedar.manager", "cedar-week-1")
        open_page(manager, "Rota")
        manager.locator(".st-key-rota_location").click()
        options = manager.get_by_role("option")
        options.first.wait_for(timeout=15_000)
        assert options.all_inner_texts() == ["Cedar Spa"]
        manager.keyboard.press("Escape")
        assert manager.locator(EXCEPTION).count() == 0
        manager_context.close()
