"""Sidebar filters (period and locations), kept in the URL so a view can be shared."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from spaops import clock
from spaops.analytics.kpis import Period, locations_in_scope
from spaops.auth import Viewer
from ui.data import load

PRESETS: dict[str, int | None] = {
    "Last 7 days": 7,
    "Last 30 days": 30,
    "Last 90 days": 90,
    "Last 12 months": 365,
    "Next 14 days": -14,
    "Custom range": None,
}
DEFAULT_PRESET = "Last 30 days"


@dataclass(frozen=True)
class Filters:
    """What the sidebar says the page should show."""

    period: Period
    location_ids: tuple[int, ...]
    location_names: tuple[str, ...]


def preset_period(preset: str, today: date) -> Period:
    """The period a preset names, ending today (or starting today for future presets)."""
    days = PRESETS[preset] or 30
    if days < 0:
        return Period(today, today + timedelta(days=-days - 1))
    return Period(today - timedelta(days=days - 1), today)


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _init_from_url(names: list[str]) -> None:
    """Seed the widgets' state from the URL the first time this session sees the page."""
    if "f_preset" in st.session_state:
        return
    params = st.query_params
    preset = params.get("preset", DEFAULT_PRESET)
    start, end = _parse_date(params.get("from")), _parse_date(params.get("to"))
    if start and end and start <= end:
        preset = "Custom range"
        st.session_state["f_range"] = (start, end)
    if preset not in PRESETS or (preset == "Custom range" and "f_range" not in st.session_state):
        preset = DEFAULT_PRESET
    st.session_state["f_preset"] = preset
    wanted = [n for n in params.get_all("loc") if n in names]
    st.session_state["f_locations"] = wanted


def sidebar_filters(viewer: Viewer) -> Filters:
    """Draw the period and location filters; return them scoped to what the viewer may see."""
    locations: pd.DataFrame = load(locations_in_scope, location_ids=viewer.location_ids)
    names = locations["location"].tolist()
    _init_from_url(names)
    today = clock.today()
    with st.sidebar:
        st.subheader("Filters")
        preset = st.selectbox("Period", list(PRESETS), key="f_preset")
        if preset == "Custom range":
            default = preset_period(DEFAULT_PRESET, today)
            chosen = st.date_input("From - to", value=st.session_state.get(
                "f_range", (default.start, default.end)), key="f_range", format="YYYY-MM-DD")
            if isinstance(chosen, tuple | list) and len(chosen) == 2:
                period = Period(chosen[0], chosen[1])
            else:
                st.caption("Pick the end date of the range.")
                period = default
        else:
            period = preset_period(preset, today)
        picked = st.multiselect("Locations", names, key="f_locations",
                                placeholder="All locations")
    chosen_names = picked or names
    ids = tuple(int(i) for i in locations.loc[locations["location"].isin(chosen_names),
                                               "location_id"])
    # Keep the view in the URL so it can be shared (and survives a reload).
    st.query_params["preset"] = preset
    if preset == "Custom range":
        st.query_params["from"] = period.start.isoformat()
        st.query_params["to"] = period.end.isoformat()
    else:
        for key in ("from", "to"):
            if key in st.query_params:
                del st.query_params[key]
    if picked:
        st.query_params["loc"] = list(picked)
    elif "loc" in st.query_params:
        del st.query_params["loc"]
    return Filters(period=period, location_ids=ids, location_names=tuple(chosen_names))
