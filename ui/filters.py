"""Sidebar filters (period and locations), kept in the URL so a view can be shared."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

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


FILTER_KEYS = ("f_preset", "f_range", "f_locations")


def _remember(key: str) -> None:
    """A filter changed: keep its new value for every page (runs before the script)."""
    st.session_state[f"_{key}"] = st.session_state[key]


def _init_from_url(names: list[str]) -> None:
    """Seed the filters from the URL the first time this session sees a filtered page.

    The chosen filters live under keys of their own ("_f_preset"...) and are handed to the
    widgets on every run: Streamlit forgets a widget's value on a page without it, and a
    page switch may redraw a widget at its first option."""
    if "_f_preset" in st.session_state:
        # Locations renamed or removed since they were picked drop out of the choice.
        st.session_state["_f_locations"] = [
            n for n in st.session_state.get("_f_locations", []) if n in names]
        for key in FILTER_KEYS:
            if f"_{key}" in st.session_state:
                st.session_state[key] = st.session_state[f"_{key}"]
        return
    params = st.query_params
    preset = params.get("preset", DEFAULT_PRESET)
    start, end = _parse_date(params.get("from")), _parse_date(params.get("to"))
    if start and end and start <= end:
        preset = "Custom range"
        st.session_state["f_range"] = (start, end)
    if preset not in PRESETS or (preset == "Custom range" and "f_range" not in st.session_state):
        preset = DEFAULT_PRESET
    st.session_state["f_preset"] = st.session_state["_f_preset"] = preset
    wanted = [n for n in params.get_all("loc") if n in names]
    st.session_state["f_locations"] = st.session_state["_f_locations"] = wanted
    if "f_range" in st.session_state:
        st.session_state["_f_range"] = st.session_state["f_range"]


def _ids_of(locations: pd.DataFrame, names: list[str]) -> tuple[int, ...]:
    """The ids of the named locations, in the order the pages' loaders are keyed by."""
    return tuple(int(i) for i in locations.loc[locations["location"].isin(names), "location_id"])


def opening_filters(location_ids: frozenset[int] | None = None) -> Filters:
    """What the filters say when nothing was picked and the link names none: the default
    period at every location in `location_ids` (None: the whole chain)."""
    locations: pd.DataFrame = load(locations_in_scope, location_ids=location_ids)
    names = locations["location"].tolist()
    return Filters(period=preset_period(DEFAULT_PRESET, clock.today()),
                   location_ids=_ids_of(locations, names), location_names=tuple(names))


def sidebar_filters(viewer: Viewer) -> Filters:
    """Draw the period and location filters; return them scoped to what the viewer may see."""
    locations: pd.DataFrame = load(locations_in_scope, location_ids=viewer.location_ids)
    names = locations["location"].tolist()
    _init_from_url(names)
    today = clock.today()
    with st.sidebar:
        st.subheader("Filters")
        preset = st.selectbox("Period", list(PRESETS), key="f_preset", on_change=_remember,
                              args=("f_preset",))
        if preset == "Custom range":
            default = preset_period(DEFAULT_PRESET, today)
            if "f_range" not in st.session_state:
                st.session_state["f_range"] = (default.start, default.end)
            chosen = st.date_input("From - to", key="f_range", format="YYYY-MM-DD",
                                   on_change=_remember, args=("f_range",))
            if isinstance(chosen, tuple | list) and len(chosen) == 2:
                period = Period(chosen[0], chosen[1])
                st.session_state["_f_range"] = tuple(chosen)
            else:
                st.caption("Pick the end date of the range.")
                period = default
        else:
            period = preset_period(preset, today)
        picked = st.multiselect("Locations", names, key="f_locations",
                                placeholder="All locations", on_change=_remember,
                                args=("f_locations",))
    st.session_state["_f_preset"], st.session_state["_f_locations"] = preset, list(picked)
    chosen_names = picked or names
    ids = _ids_of(locations, chosen_names)
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


def _remember_location(key: str) -> None:
    """A one-location page's location changed: the other such pages open on it too."""
    st.session_state["_one_location"] = st.session_state[key]


def one_location(names: list[str], *, key: str, where: DeltaGenerator) -> str:
    """The location picker of a page that works on one location (Assign, Rota). It opens on
    the location last picked on any such page, else the first the sidebar filter names,
    else the first: a manager who moves from Rota to Assign stays where they were."""
    picked = st.session_state.get("_one_location")
    if picked not in names:
        named = [name for name in st.session_state.get("_f_locations", []) if name in names]
        picked = named[0] if named else names[0]
    st.session_state[key] = picked  # Streamlit forgets a widget's value on other pages
    return where.selectbox("Location", names, key=key, on_change=_remember_location,
                           args=(key,))
