"""Actions: every finding ends in what to do this week and what it is worth."""

import streamlit as st

from ui.actions import (
    action_card,
    downloads,
    load_actions,
    load_watch,
    shown_actions,
    unit_totals,
    watch_list,
)
from ui.auth import require_page
from ui.filters import sidebar_filters
from ui.navigation import pages_for
from ui.widgets import empty_state

viewer = require_page("actions")
filters = sidebar_filters(viewer)
period, scope = filters.period, filters.location_ids

st.title("Actions")
st.caption(f"What to do this week, worth most first. Windows end on {period.end:%b %d, %Y}: prices "
           "look at the 90 days before it, shift hours at the 8 weeks before it, drifting "
           "clients at its cadence; licenses and the daily cap look ahead from today.")
actions = load_actions(period, scope)
if actions:
    unit_totals(actions)
    downloads(actions, period.end, scope)
    open_pages = set(pages_for(viewer.role))
    for action in shown_actions(actions):
        action_card(action, open_pages)
else:
    empty_state("Nothing to act on for these locations and this period.")
watch_list(load_watch(period, scope))
