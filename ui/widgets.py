"""Small building blocks every page uses the same way."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
import streamlit as st

from spaops import clock
from spaops.display import csv_frame, field, shown_frame
from spaops.export import safe_csv

if TYPE_CHECKING:
    import plotly.graph_objects as go
    from streamlit.delta_generator import DeltaGenerator

    from spaops.analytics.report import Period


@st.cache_resource(show_spinner=False, max_entries=128, ttl=3600)
def _figure(name: str, args: tuple, _build: Callable[..., go.Figure]) -> go.Figure:
    # Keyed by the figure function's name and its (hashed) data; `_build` is not hashed.
    return _build(*args)


# No plotly toolbar: it came up on hover over the legends (top right); dragging still
# zooms, a double click goes back, and every chart's table has its CSV download.
CHART_CONFIG = {"displayModeBar": False}


def chart(build: Callable[..., go.Figure], *args: Any, key: str) -> None:
    """Draw `build(*args)` full width, built once per distinct data: a repeat view skips
    plotly's validation (0.12 s of the Utilisation page's 0.3 s run). The figure is
    shared read-only between sessions (st.plotly_chart copies it)."""
    st.plotly_chart(_figure(f"{build.__module__}.{build.__qualname__}", args, build),
                    width="stretch", key=key, config=CHART_CONFIG)


def prebuild(build: Callable[..., go.Figure], *args: Any) -> None:
    """Build the figure `chart(build, *args, ...)` will draw, into the same cache, ahead of
    the page (a background fill: the first figure a process builds also loads plotly's
    figure classes, about a second)."""
    _figure(f"{build.__module__}.{build.__qualname__}", args, build)


def column_config(frame: pd.DataFrame, labels: Mapping[str, str] | None = None) -> dict:
    """st.column_config for every column of a frame as shown (shown_frame), from the
    display registry."""
    config: dict[str, Any] = {}
    for name in frame.columns:
        shown = field(name, labels)
        kind, label, help_ = shown.kind, shown.label, shown.help
        if kind == "hidden":
            config[name] = None
        elif kind in ("money", "cents"):
            config[name] = st.column_config.NumberColumn(label, help=help_, format="dollar")
        elif kind == "share":
            config[name] = st.column_config.NumberColumn(label, help=help_, format="%.1f%%")
        elif kind == "hours":
            config[name] = st.column_config.NumberColumn(label, help=help_, format="%,.1f")
        elif kind in ("count", "minutes"):
            config[name] = st.column_config.NumberColumn(label, help=help_, format="localized")
        elif kind == "number":
            config[name] = st.column_config.NumberColumn(label, help=help_, format="%,.1f")
        elif kind == "score":
            config[name] = st.column_config.ProgressColumn(label, help=help_, min_value=0,
                                                           max_value=100, format="%d")
        elif kind == "bool":
            config[name] = st.column_config.CheckboxColumn(label, help=help_)
        elif kind == "datetime" and pd.api.types.is_datetime64_any_dtype(frame[name]):
            config[name] = st.column_config.DatetimeColumn(label, help=help_,
                                                           format="YYYY-MM-DD HH:mm")
        else:
            config[name] = st.column_config.Column(label, help=help_)
    return config


WHOLE_TABLE_ROWS = 20
PINNED_FROM = 6  # columns: a wider table keeps its first column pinned
MISSING = "—"  # a cell with no value (Streamlit's own would read "None")


def table_height(frame: pd.DataFrame) -> Literal["content", "auto"]:
    """Up to WHOLE_TABLE_ROWS rows a table shows whole; a longer one scrolls in ten rows."""
    return "content" if len(frame) <= WHOLE_TABLE_ROWS else "auto"


def table(frame: pd.DataFrame, *, labels: Mapping[str, str] | None = None,
          key: str | None = None) -> None:
    """A read-only table labelled and formatted by the display registry (headers as shown)."""
    shown = shown_frame(frame)
    config = column_config(shown, labels)
    visible = [c for c in shown.columns if config[c] is not None]
    if len(visible) > PINNED_FROM:  # the row's name stays in view while the rest scrolls
        config[visible[0]] = {**config[visible[0]], "pinned": True}
    names = {c: field(c, labels).label for c in shown.columns}
    st.dataframe(shown.rename(columns=names), hide_index=True, width="stretch", key=key,
                 height=table_height(shown), placeholder=MISSING,
                 column_config={names[c]: v for c, v in config.items()})


def money(value: float | None) -> str:
    """Dollars with thousands separators, or an em dash for no value."""
    return MISSING if value is None else f"${value:,.0f}"


def percent(value: float | None, places: int = 1) -> str:
    """A fraction as a percentage, or an em dash for no value."""
    return MISSING if value is None else f"{value * 100:.{places}f}%"


def delta_text(now: float | None, before: float | None, *, as_points: bool = False) -> str | None:
    """The change against the previous period, as Streamlit's metric delta wants it."""
    if now is None or before is None:
        return None
    if as_points:
        return f"{(now - before) * 100:+.1f} pts"
    if before == 0:
        return None
    if now / before >= 10:  # "+40725.5%" says less than "+407x"
        return f"+{now / before:,.0f}x"
    return f"{(now - before) / before * 100:+.1f}%"


def download_on_click(label: str, make: Callable[[], bytes], file_name: str, *, key: str,
                      help: str | None = None) -> None:
    """A download button whose CSV file is made by `make` when it is clicked.

    The click fetches the file and nothing else (`on_click="ignore"`). Streamlit's default
    also re-runs the page, and a file made on the click belongs to the run that drew its
    button: when the new run replaced it before the browser's fetch arrived, nothing was
    downloaded (1 click in 6 in the Actions browser test, and in CI).
    """
    st.download_button(label, data=make, file_name=file_name, mime="text/csv", key=key,
                       icon=":material/download:", on_click="ignore", help=help)


def download_csv(frame: pd.DataFrame, file_name: str, *, key: str,
                 label: str = "Download CSV", labels: Mapping[str, str] | None = None) -> None:
    """A download button for a table with the headers people see; formulas are defused.

    The file is made when the button is clicked, not on every run of the page: a call list
    of 22,588 clients took 0.03 s and held 0.7 MB a session on every view of Actions.
    """
    download_on_click(label, lambda: safe_csv(csv_frame(frame, labels)), file_name, key=key)


def empty_state(message: str, *, import_hint: bool = True) -> None:
    """Say plainly that there is nothing to show, and what to do about it."""
    hint = " Upload a booking export on the **Import** page." if import_hint else ""
    st.info(message + hint, icon=":material/info:")


def no_completed_massages(period: Period) -> None:
    """The empty state of a page of completed massages: import them, or, for a period
    still to come, wait for them (nothing in it is done yet, however much is booked)."""
    if period.still_to_come(clock.today()):
        empty_state("No completed massages in this period yet: it has not happened, and a "
                    "massage counts here once it is completed.", import_hint=False)
    else:
        empty_state("No completed massages in this period for these locations.")


FLASH_KEY = "flash"


def saved_then_rerun(message: str) -> None:
    """Run the page again and say what was saved at its top (a message before st.rerun is
    never seen)."""
    st.session_state[FLASH_KEY] = message
    st.rerun()


def show_saved() -> None:
    """The message of the save that ran the page again, once."""
    if message := st.session_state.pop(FLASH_KEY, None):
        st.success(message, icon=":material/task_alt:")


def kept(key: str) -> str:
    """A widget key whose value outlives the runs that do not draw the widget (its section
    closed): Streamlit forgets such a value, so a copy under another key brings it back.
    Call it where the widget is drawn, in place of the key; the widget takes no `value`."""
    copy = f"{key}__kept"
    if key in st.session_state:
        st.session_state[copy] = st.session_state[key]
    elif copy in st.session_state:
        st.session_state[key] = st.session_state[copy]
    return key


def open_section(labels: tuple[str, ...], *, key: str) -> tuple[str, DeltaGenerator]:
    """Tabs whose content is worked out only when opened: the open tab's label and its
    container. The page draws that one section; the others cost nothing until clicked.
    The open tab is in the address (`?key=label`), so a link or a reload keeps it."""
    tabs = st.tabs(list(labels), key=key, on_change="rerun", bind="query-params")
    label, panel = next((lab, tab) for lab, tab in zip(labels, tabs, strict=True) if tab.open)
    return label, panel
