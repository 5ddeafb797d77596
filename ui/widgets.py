"""Small building blocks every page uses the same way."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from spaops.export import safe_csv


def money(value: float | None) -> str:
    """Dollars with thousands separators, or an em dash for no value."""
    return "—" if value is None else f"${value:,.0f}"


def percent(value: float | None, places: int = 1) -> str:
    """A fraction as a percentage, or an em dash for no value."""
    return "—" if value is None else f"{value * 100:.{places}f}%"


def delta_text(now: float | None, before: float | None, *, as_points: bool = False) -> str | None:
    """The change against the previous period, as Streamlit's metric delta wants it."""
    if now is None or before is None:
        return None
    if as_points:
        return f"{(now - before) * 100:+.1f} pts"
    if before == 0:
        return None
    return f"{(now - before) / before * 100:+.1f}%"


def download_csv(frame: pd.DataFrame, file_name: str, *, key: str,
                 label: str = "Download CSV") -> None:
    """A download button for a table; cells that look like formulas are defused."""
    st.download_button(label, data=safe_csv(frame), file_name=file_name, mime="text/csv",
                       key=key, icon=":material/download:")


def empty_state(message: str, *, import_hint: bool = True) -> None:
    """Say plainly that there is nothing to show, and what to do about it."""
    hint = " Upload a booking export on the **Import** page." if import_hint else ""
    st.info(message + hint, icon=":material/info:")
