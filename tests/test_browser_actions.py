"""Actions in Chromium: the owner sees the demo's stories as actions and follows one to the
page that shows its evidence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.utils.browser import open_page, sign_in

pytestmark = pytest.mark.browser
CHART = '[data-testid="stPlotlyChart"] .main-svg'


def test_owner_follows_an_action_to_its_evidence(page, live_app):
    sign_in(page, live_app["url"], "owner")
    open_page(page, "Actions")
    price = page.get_by_text(re.compile(r"^Raise .* at Maple Grove Spa to \$\d+")).first
    expect(price).to_be_visible(timeout=30_000)
    for story in (re.compile(r"Trim \d.* from Pinecrest Retreat"),
                  re.compile(r"Add \d.* to Midtown Recovery Clinic"),
                  "Priced above the band: watch the volume"):
        expect(page.get_by_text(story).first).to_be_visible(timeout=15_000)
    page.screenshot(path=str(live_app["log"].parent / "actions.png"), full_page=True)

    # Evidence is drawn when its panel opens: the first card's price figures and band.
    expect(page.get_by_text("Evidence from")).to_have_count(0)
    page.get_by_text("Evidence and assumptions").first.click()
    expect(page.get_by_text(re.compile(r"^Evidence from \d{4}-\d\d-\d\d to ")).first
           ).to_be_visible(timeout=15_000)
    expect(page.get_by_text(re.compile(r"Band floor per 60 min: \$\d+")).first).to_be_visible()

    # The shift plan is made on the click: a shift file for the coming week.
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Download shift plan").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "therapist,location,date,start,end" and len(lines) > 10

    # Tables' files are made on the click too: the call list, one row per drifting client.
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Download call list").click()
    calls = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert calls[0] == "Location,Client reference" and len(calls) > 10
    assert all(re.fullmatch(r"[A-Z][\w ]+,C\d+", line) for line in calls[1:]), calls[:3]

    page.get_by_role("link", name="See the evidence on Pricing").first.click()
    expect(page.locator("h1").first).to_have_text("Pricing", timeout=30_000)
    expect(page).to_have_url(re.compile(r"/pricing"))
    page.wait_for_selector(CHART, timeout=30_000)
    expect(page.get_by_text("Maple Grove Spa").first).to_be_visible()


def test_an_action_s_link_opens_the_section_of_its_evidence_and_the_address_keeps_it(
        page, live_app):
    sign_in(page, live_app["url"], "owner")
    open_page(page, "Actions")
    link = page.get_by_role("link", name="See the evidence on Service mix").first
    expect(link).to_be_visible(timeout=30_000)
    link.click()
    expect(page.locator("h1").first).to_have_text("Service mix", timeout=30_000)
    selected = page.locator('[data-testid="stMain"] [role="tab"][aria-selected="true"]')
    expect(selected).to_have_text("Coming back", timeout=15_000)
    expect(page.get_by_text(re.compile(r"^A visit is rebooked on time"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"mix_section=Coming\+back"))

    page.get_by_role("tab", name="By modality").click()
    page.wait_for_selector(CHART, timeout=30_000)
    expect(page).to_have_url(re.compile(r"mix_section=By\+modality"))
    page.reload()  # the address holds the open section
    expect(selected).to_have_text("By modality", timeout=30_000)
    page.wait_for_selector(CHART, timeout=30_000)

    open_page(page, "Utilisation")  # another page opens on its first section
    expect(selected).to_have_text("Therapists", timeout=15_000)
    expect(page).not_to_have_url(re.compile(r"mix_section"))
