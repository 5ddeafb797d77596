"""Issue 13 in Chromium: every page of every role reads like a finished product.

Each page is screenshotted into test-results/screenshots/, and fails on a table header, a
card or any other visible text that still shows a snake_case field name, or on a card whose
label or value is cut off (wider content than its box: the ellipsis case).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from spaops.display import looks_like_field_name
from tests.utils.browser import open_page, sign_in, wait_for_run
from ui.widgets import WHOLE_TABLE_ROWS

pytestmark = pytest.mark.browser
NAV = '[data-testid="stSidebarNav"] a'
HEADERS = '[data-testid="stDataFrame"] [role="columnheader"]'
TABS = '[data-testid="stMain"] [role="tab"]'  # a page's sections (ui.widgets.open_section)
CARD_PARTS = '[data-testid="stMetricLabel"], [data-testid="stMetricValue"]'
# A card part is cut off when it, or any element inside it, is wider inside than its box.
CUT_OFF = """els => els.filter(e => [e, ...e.querySelectorAll('*')]
    .some(x => x.clientWidth > 0 && x.scrollWidth > x.clientWidth + 1)).map(e => e.innerText)"""
# Material icons are ligatures ("done_all"): their text is not words anyone reads.
ICON_TEXTS = """() => [...document.querySelectorAll('[data-testid="stMain"] *')]
    .filter(e => getComputedStyle(e).fontFamily.includes('Material')).map(e => e.innerText)"""
# A table short enough to show whole (ui.widgets.WHOLE_TABLE_ROWS) that scrolls in its box
# instead: its row count (the header included) as the grid tells it.
CRAMPED = """max => [...document.querySelectorAll('[data-testid="stDataFrame"]')].map(table => {
    const rows = Number(table.querySelector('[role="grid"]')?.getAttribute('aria-rowcount'));
    const box = table.querySelector('.dvn-scroller');
    return rows && rows - 1 <= max && box && box.scrollHeight > box.clientHeight + 1
        ? rows - 1 : null;
}).filter(rows => rows !== null)"""
# The pages with rows of cards, checked again at the narrowest and widest screens.
CARDS = ("Overview", "Actions", "Utilisation", "Service mix", "Pricing", "Therapists")
# Pages another piece of work is still building: screenshotted, not yet held to the checks.
NOT_OURS: set[str] = set()
EXPORT = (b"Appointment #,Location,Staff Member,Service Name,Client Name,Date & Time,Duration,"
          b"Price,Status\n"
          b"UP-1,Harbor Day Spa,,Swedish Massage 60,New Client,11/03/2026 2:30 PM,60,$150.00,"
          b"Confirmed\n")


def _shots(request: pytest.FixtureRequest) -> Path:
    folder = Path(request.config.rootpath) / "test-results" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _problems(page) -> list[str]:  # type: ignore[no-untyped-def]
    """What on the page a person should not see: field names, cut-off cards, short tables
    scrolling in a box."""
    if page.locator('[data-testid="stDataFrame"]').count():
        try:  # a grid in a closed expander, or with no rows, has no header cells
            page.wait_for_selector(HEADERS, state="attached", timeout=5_000)
        except PlaywrightTimeout:
            pass
    found = [f"header {h!r}" for h in page.locator(HEADERS).all_inner_texts()
             if looks_like_field_name(h)]
    found += [f"card {c!r}" for c in page.locator(CARD_PARTS).all_inner_texts()
              if looks_like_field_name(c)]
    found += [f"cut-off card {c!r}" for c in page.locator(CARD_PARTS).evaluate_all(CUT_OFF)]
    found += [f"a table of {rows} rows scrolls in its box"
              for rows in page.evaluate(CRAMPED, WHOLE_TABLE_ROWS)]
    main = page.locator('[data-testid="stMain"]').inner_text()
    icons = set(page.evaluate(ICON_TEXTS))
    found += [f"text {word!r}" for word in sorted(set(main.split()) - icons)
              if looks_like_field_name(word)]
    return found


def _visit_all(page, role: str, request, width: int,  # type: ignore[no-untyped-def]
               only: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Open each page of the sidebar and each of its sections, screenshot them, and list
    what is wrong on them."""
    page.set_viewport_size({"width": width, "height": 2000})
    wait_for_run(page)
    links = page.locator(NAV)
    titles = [links.nth(i).inner_text().strip().split("\n")[-1] for i in range(links.count())]
    titles = [t for t in titles if t in only] if only else titles
    problems: dict[str, list[str]] = {}
    for title in titles or [None]:
        if title is not None:
            open_page(page, title)
        tabs = page.locator(TABS)
        for index in range(max(tabs.count(), 1)):  # every section of the page, in turn
            section = ""
            if index:
                tabs.nth(index).click()
                wait_for_run(page)
                section = " / " + tabs.nth(index).inner_text().strip()
            page.wait_for_timeout(300)  # the grid and the cards lay out after the run ends
            name = f"{title or 'home'}{section}".lower().replace(" / ", "_").replace(" ", "_")
            page.screenshot(path=str(_shots(request) / f"presentation_{role}_{name}_{width}.png"))
            if title not in NOT_OURS and (found := _problems(page)):
                problems[f"{title or 'home'}{section}"] = found
    return problems


@pytest.mark.parametrize("role", ["owner", "manager", "staff"])
def test_every_page_reads_like_the_product(page, live_app, request, role):
    sign_in(page, live_app["url"], role)
    problems = _visit_all(page, role, request, 1440)
    assert not problems, "\n".join(f"{t}: {p}" for t, p in problems.items())


def test_owner_cards_are_whole_from_1280_to_1920_px(page, live_app, request):
    sign_in(page, live_app["url"], "owner")
    for width in (1280, 1920):
        cut = {title: [p for p in found if p.startswith("cut-off")]
               for title, found in _visit_all(page, "owner", request, width, CARDS).items()}
        assert {t: p for t, p in cut.items() if p} == {}, width


def test_the_import_preview_speaks_dollars_and_plain_words(page, live_app, request):
    sign_in(page, live_app["url"], "staff")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        {"name": "export.csv", "mimeType": "text/csv", "buffer": EXPORT})
    page.get_by_text("Preview", exact=True).wait_for(timeout=30_000)
    wait_for_run(page)
    page.wait_for_selector(HEADERS, state="attached", timeout=15_000)
    headers = page.locator(HEADERS).all_inner_texts()
    assert {"Booking ID", "Start", "Price", "Length (min)"} <= set(headers), headers
    page.screenshot(path=str(_shots(request) / "presentation_staff_import_preview.png"))
    assert _problems(page) == []
    summary = page.locator('[data-testid="stMain"]').inner_text()
    assert "1 row read from a comma-separated UTF-8 file, dates month first" in summary
