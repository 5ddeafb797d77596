"""Driving the real app in-process with AppTest, signed in as one of the demo users."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 60


def sign_in(username: str, password: str = "demo") -> AppTest:
    """Run app.py and sign in through its form; the database comes from SPAOPS_DATABASE_URL."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.text_input(key="signin_username").input(username)
    at.text_input(key="signin_password").input(password)
    at.button[0].click()  # the form's "Sign in" button
    at.run()
    return at


def open_page(at: AppTest, page: str) -> AppTest:
    """Switch to a page file (relative to app.py) and run it."""
    at.switch_page(page)
    at.run()
    return at


def metric_values(at: AppTest) -> dict[str, str]:
    """Label -> shown value of every st.metric on the page."""
    return {m.label: m.value for m in at.metric}


def figures(at: AppTest) -> list:
    """The metrics a person sees: not the sign-in page's unseen warm-up."""
    from ui.auth import WARM_UP

    return [m for m in at.metric if m.label != WARM_UP]


def sections(at: AppTest) -> dict[str, list[str]]:
    """Key -> tab labels of each group of sections on the page (`ui.widgets.open_section`)."""
    found: dict[str, list[str]] = {}

    def walk(node) -> None:  # type: ignore[no-untyped-def]
        for child in getattr(node, "children", {}).values():
            if getattr(child, "type", None) == "tab_container":
                key = child.proto.id.rsplit("-", 1)[-1]  # "$$ID-<hash>-<key>"
                found[key] = [tab.label for tab in child.children.values()]
            walk(child)

    walk(at.main)
    return found


def open_section(at: AppTest, label: str) -> AppTest:
    """Click the section (tab) called `label` and run the page again (the browser also
    writes the open tab into the address, which AppTest leaves to us)."""
    key = next(key for key, labels in sections(at).items() if label in labels)
    at.session_state[key] = label
    at.query_params[key] = label
    at.run()
    return at


def every_section(at: AppTest) -> Iterator[str | None]:
    """Open each section of the page in turn (the first is open already), yielding its
    label once it is drawn; a page without sections yields None, once."""
    groups = sections(at)
    if not groups:
        yield None
    for labels in groups.values():
        for label in labels:
            if label != labels[0]:
                open_section(at, label)
            yield label
