"""Widgets of the Rota page: the week grid's columns, its editor key, the review of edits."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from spaops.display import counted
from spaops.rota import DAYS, HOURS, THERAPIST, CopyResult, Review, day_label

VERSION_KEY = "rota_version"


def grid_key(location_id: int, monday: date) -> str:
    """The editor's key: a new one per location, week and save, so stale edits never carry."""
    return f"rota_grid_{location_id}_{monday:%Y%m%d}_{st.session_state.get(VERSION_KEY, 0)}"


def reset_grid() -> None:
    """Start the next run with a fresh grid (after a save or a copy)."""
    st.session_state[VERSION_KEY] = st.session_state.get(VERSION_KEY, 0) + 1


def grid_columns(monday: date) -> dict:
    """Column labels in people's words: the therapist, each day with its date, the hours."""
    columns: dict = {THERAPIST: st.column_config.TextColumn("Therapist", disabled=True),
                     HOURS: st.column_config.NumberColumn(
                         "Hours this week", disabled=True, format="%.1f",
                         help="Scheduled hours at this location this week, as saved.")}
    for i, name in enumerate(DAYS):
        columns[name] = st.column_config.TextColumn(
            day_label(monday + timedelta(days=i)),
            help="A shift such as 09:00-17:00, 9-17 or 9am-5pm; two as 9-13, 14-18; "
                 "empty for a day off.")
    return columns


def show_review(review: Review) -> None:
    """List the changes a save would make, what refuses them and what only warns."""
    for change in review.changes:
        st.markdown(f"- **{change.therapist}**, {day_label(change.day)}: "
                    f"{change.before or 'off'} → {change.after or 'off'}")
    for problem in review.errors:
        st.error(problem.message, icon=":material/block:")
    for problem in review.warnings:
        st.warning(problem.message, icon=":material/warning:")


def copy_messages(result: CopyResult, monday: date) -> tuple[str, list[str]]:
    """What "Copy last week" tells the person: how many shifts, and what it left out."""
    if result.copied:
        notice = (f"Copied {counted(result.copied, 'shift')} from the week of "
                  f"{day_label(monday - timedelta(days=7))} into empty days.")
    else:
        notice = "Nothing copied: last week had no shifts here for the days still empty."
    return notice, ([f"Not copied: {p.message}" for p in result.skipped]
                    + [p.message for p in result.warnings])
