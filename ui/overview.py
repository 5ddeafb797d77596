"""The Overview page's loaders, shared with the sign-in page that fills them ahead."""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from spaops import clock
from spaops.analytics.alerts import Alert, owner_alerts
from spaops.analytics.kpis import Period, kpi_sums, weekly_revenue
from spaops.figures.overview import weekly_revenue_figure
from spaops.onboarding import SetupProgress, setup_progress
from ui.actions import prefetch_actions
from ui.data import load, prefetch
from ui.filters import opening_filters
from ui.widgets import prebuild


def load_progress(viewer_scope: frozenset[int] | None) -> SetupProgress:
    """How far the chain's setup has come, for the locations the viewer may see."""
    return load(setup_progress, location_ids=viewer_scope)


def load_sums(period: Period, scope: Collection[int] | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The raw sums per location for the period and for the one before it."""
    return (load(kpi_sums, period, location_ids=scope),
            load(kpi_sums, period.previous(), location_ids=scope))


def load_alerts(period: Period, scope: Collection[int] | None) -> list[Alert]:
    """What needs the owner's attention in the period."""
    return load(owner_alerts, period, clock.today(), location_ids=scope)


def load_weekly(period: Period, scope: Collection[int] | None) -> pd.DataFrame:
    """Completed revenue per week."""
    return load(weekly_revenue, period, location_ids=scope)


def prefetch_chain_overview() -> None:
    """While the sign-in form is on screen, work out the whole chain's Overview for the
    opening period (an owner's first page), then its Actions (the slowest page to open,
    and the next in the sidebar).

    One after the other: started side by side, the Actions' second of work competed with
    the Overview's fill and with the sign-in itself when the person clicked at once. The
    Overview starts the same Actions fill once it has been sent (`ui.actions.prefetch_actions`);
    started here first, that one does nothing."""

    def overview() -> None:
        filters = opening_filters()
        load_progress(None)
        load_sums(filters.period, filters.location_ids)
        load_alerts(filters.period, filters.location_ids)
        weekly = load_weekly(filters.period, filters.location_ids)
        if not weekly.empty:
            prebuild(weekly_revenue_figure, weekly, filters.period.start, filters.period.end)
        prefetch_actions(filters.period, filters.location_ids)

    prefetch("chain-overview", [overview])
