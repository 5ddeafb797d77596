"""Journeys 2 and 3 in Chromium: a manager assigns; staff upload an export the owner sees."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from spaops import clock
from tests.utils.browser import sign_in, wait_for_run

pytestmark = pytest.mark.browser
OPEN_HEADER = re.compile(r"Open bookings \((\d+)\)")


def _open_count(page) -> int:  # type: ignore[no-untyped-def]
    text = page.get_by_role("heading", name=OPEN_HEADER).first.inner_text()
    return int(OPEN_HEADER.search(text).group(1))


def test_manager_assigns_and_a_colleague_sees_it(page, live_app, browser):
    sign_in(page, live_app["url"], "manager")
    page.locator('[data-testid="stSidebarNav"] a', has_text="Assign").first.click()
    page.get_by_role("heading", name=OPEN_HEADER).first.wait_for(timeout=30_000)
    wait_for_run(page)
    before = _open_count(page)
    assert before >= 1
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=30_000)
    assert page.get_by_text("eligible: licensed, credentialed, on shift and free").first \
        .is_visible()
    page.get_by_role("button", name=re.compile(r"^Assign ")).first.click()
    assigned = re.compile(r"assigned to \d\d:\d\d · .* · DEMO-")  # time · service · id
    page.get_by_text(assigned).first.wait_for(timeout=30_000)
    wait_for_run(page)
    assert _open_count(page) == before - 1
    page.screenshot(path=str(live_app["log"].parent / "assign.png"))

    other = browser.new_context(viewport={"width": 1440, "height": 2000})
    colleague = other.new_page()
    sign_in(colleague, live_app["url"], "manager")
    colleague.locator('[data-testid="stSidebarNav"] a', has_text="Assign").first.click()
    colleague.get_by_role("heading", name=OPEN_HEADER).first.wait_for(timeout=30_000)
    wait_for_run(colleague)
    assert _open_count(colleague) == before - 1
    other.close()


MESSY_EXPORT = (
    "\ufeffAppointment #;Location;Staff Member;Service Name;Client Name;Date & Time;"
    "Duration (min);Price;Status;Email\r\n"
    "WEB-1;Harbor Day Spa;;Swedish Massage 60;Walk-in 1;{d} 10:00 AM;60 min;$4,000.00;"
    "Checked Out;a@example.com\r\n"
    "WEB-2;Harbor Day Spa;;Swedish Massage 60;Walk-in 2;{d} 11:30 AM;1h;$3,000.00;Paid;\r\n"
    "WEB-3;Harbor Day Spa;;Swedish Massage 60;Walk-in 3;02/30/2026 11:30 AM;60;$90.00;Paid;\r\n"
    "WEB-4;Harbor Day Spa;;Swedish Massage 60;Walk-in 4;{d} 1:00 PM;60;$90.00;Maybe;\r\n"
)


def _rejected_rows(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The line and booking id of each row in the rejected rows' download (the first
    button: an import's result is shown above the preview)."""
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Download the rejected rows").first.click()
    rows = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    return [",".join(row.split(",")[:2]) for row in rows]


def test_staff_upload_reaches_the_owners_overview(page, live_app, browser, tmp_path):
    from datetime import timedelta

    owner_context = browser.new_context(viewport={"width": 1440, "height": 2000})
    owner = owner_context.new_page()
    sign_in(owner, live_app["url"], "owner")
    revenue = owner.locator('[data-testid="stMetric"]').filter(
        has=owner.locator('[data-testid="stMetricLabel"]', has_text=re.compile("^Revenue$")))
    expect(revenue.locator('[data-testid="stMetricValue"]')).to_have_text(
        re.compile(r"^\$[\d,]+"), timeout=30_000)
    before = revenue.locator('[data-testid="stMetricValue"]').inner_text()

    yesterday = clock.today() - timedelta(days=1)
    export = tmp_path / "export.csv"
    export.write_text(MESSY_EXPORT.format(d=f"{yesterday:%m/%d/%Y}"), encoding="utf-8")
    sign_in(page, live_app["url"], "staff")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        str(export))
    page.get_by_text("2 rows will be rejected").wait_for(timeout=30_000)
    wait_for_run(page)
    assert page.get_by_text("does not exist").first.is_visible()
    page.screenshot(path=str(live_app["log"].parent / "import_preview.png"))
    assert _rejected_rows(page)[1:] == ["4,WEB-3", "5,WEB-4"]  # the file's lines 4 and 5
    page.get_by_role("button", name="Import 2 bookings").click()
    page.get_by_text(re.compile(r"Imported \S+: 2 new")).wait_for(timeout=30_000)
    assert _rejected_rows(page)[1:] == ["4,WEB-3", "5,WEB-4"]  # and after the import

    sign_in(owner, live_app["url"], "owner")  # a reload: the session cookie signs in again
    owner.get_by_role("heading", name="Overview").first.wait_for(timeout=30_000)
    expect(revenue.locator('[data-testid="stMetricValue"]')).not_to_have_text(
        before, timeout=30_000)
    after = revenue.locator('[data-testid="stMetricValue"]').inner_text()
    as_number = lambda text: float(text.replace("$", "").replace(",", ""))  # noqa: E731
    assert as_number(after) == pytest.approx(as_number(before) + 7000, abs=1)
    owner_context.close()
