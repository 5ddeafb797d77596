"""Widgets of the Actions page: totals per unit, one card per action, the downloads."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

import pandas as pd
import streamlit as st

from spaops.actions import UNITS, Action, build_actions, call_list, shift_plan_for, watch_volume
from spaops.actions.shown import (
    SHARES,
    assumption_in_words,
    evidence_figures,
    evidence_value,
    paid_hours_total,
)
from spaops.analytics.report import Period
from spaops.db import session_scope as spaops_session
from spaops.export import safe_csv
from ui.data import engine, load, prefetch
from ui.navigation import PAGES
from ui.widgets import MISSING, download_csv, download_on_click, table, table_height

KIND_TITLES = {
    "price_below_band": "Price under the band",
    "license_risk": "License or credential lapsing",
    "clients_drifting": "Clients drifting",
    "over_cap": "Over the daily cap",
    "staffing_trim": "Shift hours to trim",
    "staffing_add": "Shift hours to add",
}
UNIT_TITLES = {
    "USD/month": "Revenue a month",
    "paid hours a month": "Paid hours a month",
    "bookings at risk": "Bookings at risk",
    "minutes over cap": "Minutes over the cap",
    "clients to call": "Clients to call",
}
# The section of its page that holds an action's evidence, opened by its link (the
# page's tab key -> the tab's label; ui.widgets.open_section).
EVIDENCE_SECTIONS = {
    "clients_drifting": {"mix_section": "Coming back"},
    "staffing_trim": {"util_section": "Busy hours"},
    "staffing_add": {"util_section": "Busy hours"},
}
SHOWN_PER_UNIT = 15  # cards per unit; the rest are in the "all actions" download
EVIDENCE_ROWS = 50  # rows of an evidence list a card shows
LIST_LABELS = {
    "client": "Client", "last_visit": "Last visit", "last_therapist": "Last therapist",
    "usual_service": "Usual service", "days_overdue": "Days overdue",
    "booking_ref": "Booking", "starts_at": "Starts", "duration_min": "Minutes",
    "colleagues": "Could move to", "hour": "Hour", "utilisation": "Utilisation",
    "change_hours": "Change (hours a week)", "utilisation_after": "Utilisation after",
    "hours_per_week": "Scheduled (hours a week)", "day": "Day",
}


def load_actions(period: Period, scope: Collection[int] | None) -> list[Action]:
    """The Actions page's actions (cached by the period's end: every window looks back from
    it, so all the periods ending today share one computation)."""
    return load(build_actions, period.end, period.end, location_ids=scope)


def load_watch(period: Period, scope: Collection[int] | None) -> pd.DataFrame:
    """The Actions page's watch list (cached)."""
    return load(watch_volume, period.end, location_ids=scope)


def prefetch_actions(period: Period, scope: Collection[int] | None) -> None:
    """Work out the Actions page in the background (its first view waits on the slowest
    readers of the app), while the person reads the page just sent."""
    prefetch("actions", [lambda: load_actions(period, scope), lambda: load_watch(period, scope)],
             key=(period.end, tuple(scope) if scope is not None else None))


def value_text(value: float, unit: str) -> str:
    """An action's value as a card shows it, under the unit's title: "$260", "27"."""
    if unit == "USD/month":
        return f"${value:,.0f}"
    return f"{value:,g}"


def unit_totals(actions: list[Action]) -> None:
    """One metric per unit: the sum of the values of the actions listed."""
    units = [u for u in UNITS if any(a.unit == u for a in actions)]
    for column, unit in zip(st.columns(max(len(units), 1)), units, strict=False):
        if unit == "paid hours a month":  # hours to add and hours to trim do not add up
            add, trim = (sum(a.value for a in actions if a.unit == unit and a.kind == kind)
                         for kind in ("staffing_add", "staffing_trim"))
            value, sides = paid_hours_total(add, trim)
            column.metric(f"{UNIT_TITLES[unit]}, net", value, help=sides)
            continue
        total = sum(a.value for a in actions if a.unit == unit)
        column.metric(UNIT_TITLES[unit], value_text(total, unit))


def _evidence(action: Action) -> None:
    period = action.evidence.get("period")
    if period:
        st.caption(f"Evidence from {period['from']} to {period['to']}")
    figures = evidence_figures(action.evidence)
    if figures:  # a line of figures, not a table: a page of cards stays light
        line = " · ".join(f"{label}: **{value}**" for label, value in figures)
        st.markdown(line.replace("$", "\\$"))  # two "$" would be read as a formula
    for rows in (v for v in action.evidence.values() if isinstance(v, list) and v):
        if len(rows) > EVIDENCE_ROWS:  # the rest are in a download
            where = ("**Download call list**" if action.kind == "clients_drifting"
                     else "the `spaops actions --json` document")
            st.caption(f"The first {EVIDENCE_ROWS} of {len(rows):,}; {where} has every one.")
        frame = pd.DataFrame(rows[:EVIDENCE_ROWS])
        for name in SHARES & set(frame.columns):
            frame[name] = [evidence_value(name, v) for v in frame[name]]
        if "colleagues" in frame:
            frame["colleagues"] = frame["colleagues"].map(", ".join)
        st.dataframe(frame.rename(columns=LIST_LABELS), hide_index=True, width="stretch",
                     height=table_height(frame), placeholder=MISSING)


def evidence_key(action: Action) -> str:
    """The key of an action's evidence panel (it keeps the panel open across reruns)."""
    return f"evidence_{action.kind}_{action.location}_{action.subject}"


def action_card(action: Action, open_pages: Collection[str]) -> None:
    """One action: what to do, its worth, the evidence, the assumptions, the link."""
    with st.container(border=True):
        left, right = st.columns([4, 1])
        left.markdown(f"**{KIND_TITLES.get(action.kind, action.kind)}** · {action.location}")
        left.write(action.instruction)
        right.metric(UNIT_TITLES[action.unit], value_text(action.value, action.unit))
        # Drawn only once opened: a page of cards with a table in each took the browser
        # seconds to lay out on a large chain, for evidence most people never open.
        evidence = st.expander("Evidence and assumptions", on_change="rerun",
                               key=evidence_key(action))
        if evidence.open:
            with evidence:
                _evidence(action)
                if action.assumptions:
                    st.caption("Assumed:\n" + "\n".join(
                        f"- {assumption_in_words(a)}" for a in action.assumptions))
        if action.page in open_pages:
            path, title, icon = PAGES[action.page]
            st.page_link(path, label=f"See the evidence on {title}", icon=icon,
                         query_params=EVIDENCE_SECTIONS.get(action.kind))


def shown_actions(actions: list[Action]) -> list[Action]:
    """The most valuable actions of each unit, in order; says how many more there are."""
    shown = [a for u in UNITS for a in [b for b in actions if b.unit == u][:SHOWN_PER_UNIT]]
    if len(shown) < len(actions):
        st.caption(f"Showing the {SHOWN_PER_UNIT} most valuable of each kind of value; "
                   f"{len(actions) - len(shown):,} more are in **Download all actions**.")
    return shown


def all_actions_frame(actions: list[Action]) -> pd.DataFrame:
    """Every action as one row: what, where, what to do, its worth."""
    return pd.DataFrame([(KIND_TITLES.get(a.kind, a.kind), a.location, a.instruction, a.value,
                          a.unit) for a in actions],
                        columns=["Action", "Location", "What to do", "Worth", "Unit"])


def downloads(actions: list[Action], end: date,
              location_ids: Collection[int] | None) -> None:
    """Download buttons: every action, the drifting clients' call list, the shift plan (made
    only when asked for: the page does not wait for it)."""
    calls = call_list(actions)
    first, left, right = st.columns(3)
    with first:
        download_csv(all_actions_frame(actions), "actions.csv", key="dl_actions",
                     label="Download all actions")
    with left:
        if calls.empty:
            st.caption("No drifting clients to call in this period.")
        else:
            download_csv(calls, "call_list.csv", key="dl_call_list",
                         label="Download call list")
    app_engine = engine()  # the file is made on the click, away from this script run

    def shift_plan_file() -> bytes:
        with spaops_session(app_engine) as session:
            # Raw column names: the shift import reads this file back as it is.
            return safe_csv(shift_plan_for(session, end, location_ids=location_ids))

    with right:
        download_on_click("Download shift plan", shift_plan_file, "shift_plan.csv",
                          key="dl_shift_plan",
                          help="The coming week's shifts (last week's, moved on) with the "
                               "trims and additions applied; import it on the Import page "
                               "as shifts.")


def watch_list(watch: pd.DataFrame) -> None:
    """Services priced over their band: not a cut, a volume to keep an eye on."""
    st.subheader("Priced above the band: watch the volume")
    if watch.empty:
        st.caption("No service was priced above its market band in the last 90 days.")
        return
    st.caption("A price over the band is a premium, not a mistake: keep it while the "
               "volume holds. Compare the last 30 days with the month before; cut only if "
               "it falls.")
    table(watch, labels={"above_band": "Completed above the band (90 days)",
                         "completed": "Completed (90 days)"}, key="watch_volume")
    download_csv(watch, "watch_volume.csv", key="dl_watch", label="Download watch list",
                 labels={"above_band": "Completed above the band (90 days)",
                         "completed": "Completed (90 days)"})
