"""What an owner should act on today: expiring licenses, utilisation, prices below band."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from spaops.analytics.credentials import expiring
from spaops.analytics.kpis import Period, kpi_table
from spaops.analytics.pricing import price_bands
from spaops.analytics.utilisation import band_status
from spaops.settings import load_settings

GROUPED_PRICES = 2  # more services of one location below band than this: one alert


@dataclass(frozen=True)
class Alert:
    """One thing to act on, with how serious it is."""

    severity: str  # "error" or "warning"
    topic: str
    message: str


def owner_alerts(session: Session, period: Period, today: date, *,
                 location_ids: Collection[int] | None = None) -> list[Alert]:
    """Alerts for the Overview, most serious first."""
    settings = load_settings(session)
    alerts: list[Alert] = []
    for row in expiring(session, today, within_days=int(settings["expiry_warning_days"]),
                        location_ids=location_ids).itertuples():
        if row.status == "expiring":
            alerts.append(Alert("warning", "license",
                                f"{row.therapist}: {row.what} expires in {row.days_left} days"
                                f" ({row.expires:%b %d})."))
        else:
            alerts.append(Alert("error", "license",
                                f"{row.therapist}: {row.what} {row.status}"
                                + (f" on {row.expires:%b %d, %Y}" if row.expires else "")
                                + "; not eligible for massages."))
    low, high = settings["utilisation_target_low"], settings["utilisation_target_high"]
    burnout = settings["utilisation_burnout"]
    for row in kpi_table(session, period, location_ids=location_ids).itertuples():
        status = band_status(row.utilisation, low, high, burnout)
        if status == "idle time" and period.still_to_come(today):
            continue  # days still to come fill up: only their overbooking is news
        if status in ("idle time", "above band", "burnout risk"):
            alerts.append(Alert(
                "error" if status == "burnout risk" else "warning", "utilisation",
                f"{row.location}: utilisation {row.utilisation:.0%} is {status} "
                f"(target {low:.0%}-{high:.0%})."))
    bands = price_bands(session, period, location_ids=location_ids)
    below = bands[bands["price_60"] < bands["low"]]
    for location, rows in below.groupby("location", sort=True):
        if len(rows) > GROUPED_PRICES:  # one alert for a menu, not one per service
            low, high = rows["price_60"].min(), rows["price_60"].max()
            alerts.append(Alert("warning", "pricing", (
                f"{location}: {len(rows)} services priced ${low:,.0f}-${high:,.0f} per hour, "
                f"below their {rows['tier'].iloc[0]} band; "
                f"${rows['below_band_gap'].sum():,.0f} missed this period (see Pricing).")))
            continue
        for row in rows.itertuples():
            alerts.append(Alert("warning", "pricing",
                                f"{row.service} at {row.location}: ${row.price_60:,.0f} per "
                                f"hour is below the {row.tier} band "
                                f"(${row.low:,.0f}-${row.high:,.0f}); "
                                f"${row.below_band_gap:,.0f} missed this period."))
    return sorted(alerts, key=lambda a: a.severity != "error")
