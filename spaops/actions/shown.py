"""How an action's evidence and assumptions read on its card: labels, dollars, percentages,
and settings by where an owner changes them rather than by their stored names."""

from __future__ import annotations

import re

EVIDENCE_LABELS = {
    "completed": "Completed bookings", "below_band": "Below the band",
    "duration_min": "Usual length (min)", "band_low": "Band floor per 60 min",
    "band_high": "Band top per 60 min", "new_price": "New menu price",
    "therapist": "Therapist", "what": "What lapses", "expires": "Expires",
    "days_left": "Days left", "bookings": "Bookings", "bookings_value": "Their value",
    "cadence_days": "Cadence (days)", "day": "Day", "booked_minutes": "Booked minutes",
    "cap_min": "Daily cap (min)", "weeks": "Weeks looked at",
    "hours_per_week": "Therapist-hours a week", "plan_week": "Shift plan for the week of",
}
MONEY = {"band_low", "band_high", "new_price", "bookings_value"}
SHARES = {"utilisation", "utilisation_after"}  # fractions, shown as percentages
# Settings an owner changes on the Settings page (Targets and cadences); the others are
# chain defaults with no field of their own.
ON_SETTINGS_PAGE = {"utilisation_target_low", "utilisation_target_high", "utilisation_burnout",
                    "daily_cap_min", "cadence_therapeutic_days", "cadence_relaxation_days"}
_SETTING_NOTE = re.compile(r"\s*\(settings?: ([a-z_, ]+)\)")


def evidence_value(name: str, value: object) -> str:
    """One evidence figure as people read it: '$90', '57.6%', '1,234', '12.5'."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if name in MONEY:
        return f"${value:,.0f}" if float(value).is_integer() else f"${value:,.2f}"
    if name in SHARES:
        return f"{value:.1%}"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def evidence_figures(evidence: dict) -> list[tuple[str, str]]:
    """The single figures of an action's evidence (not its lists), labelled and formatted."""
    return [("Days since it lapsed", evidence_value(k, -v))
            if k == "days_left" and isinstance(v, int) and v < 0  # not "Days left: -20"
            else (EVIDENCE_LABELS.get(k, k.replace("_", " ").capitalize()), evidence_value(k, v))
            for k, v in evidence.items() if not isinstance(v, dict | list)]


def assumption_in_words(text: str) -> str:
    """An assumption without stored setting names: '(setting: daily_cap_min)' becomes
    '(changed on the Settings page)'; a chain default with no field loses the note."""
    def note(found: re.Match[str]) -> str:
        names = {name.strip() for name in found.group(1).split(",")}
        return " (changed on the Settings page)" if names & ON_SETTINGS_PAGE else ""

    return _SETTING_NOTE.sub(note, text)


def paid_hours_total(add: float, trim: float) -> tuple[str, str]:
    """The paid-hours headline: the net change if every action is done ('-6,101.4'), and
    its two sides for the card's help (hours to add and to trim do not add up)."""
    net = round(add - trim, 1)
    return (f"{net:+,g}" if net else "0",
            f"{add:,g} hours to add and {trim:,g} to trim, a month: the net change in paid "
            "hours if every action listed is done.")
