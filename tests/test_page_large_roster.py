"""A chain with more therapists than bars fit: the pages draw the spread, every bar on request."""

from collections.abc import Iterator

import pytest
import streamlit as st

from seed.demo import seed_demo
from spaops import clock
from spaops.db import make_engine, upgrade_schema
from tests.utils.apptest import open_page, open_section, sign_in


@pytest.fixture
def large_roster(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A demo chain big enough for about 50 therapists; the app points at it."""
    engine = make_engine(f"sqlite:///{tmp_path / 'large.db'}")
    upgrade_schema(engine)
    therapists = seed_demo(engine, today=clock.today(), bookings=70_000).therapists
    engine.dispose()
    monkeypatch.setenv("SPAOPS_DATABASE_URL", f"sqlite:///{tmp_path / 'large.db'}")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield therapists
    st.cache_data.clear()
    st.cache_resource.clear()


def _chart_titles(at) -> list[str]:  # type: ignore[no-untyped-def]
    import json

    return [json.loads(chart.proto.spec)["layout"]["title"]["text"]
            for chart in at.get("plotly_chart")]


def test_utilisation_draws_the_spread_of_a_large_roster_and_every_bar_on_request(large_roster):
    assert large_roster > 40
    at = open_page(sign_in("owner"), "pages/utilisation.py")
    assert not at.exception, at.exception
    titles = _chart_titles(at)
    assert "How many therapists sit where" in titles
    assert "Therapists against the target band" not in titles
    at.toggle(key="util_every_bar").set_value(True).run()
    assert not at.exception, at.exception
    titles = _chart_titles(at)
    assert "Therapists against the target band" in titles
    assert "How many therapists sit where" not in titles
    # The choice outlives a visit to another section (which does not draw the toggle).
    open_section(at, "Busy hours")
    assert "Therapists against the target band" not in _chart_titles(at)
    open_section(at, "Therapists")
    assert at.toggle(key="util_every_bar").value
    assert "Therapists against the target band" in _chart_titles(at)
