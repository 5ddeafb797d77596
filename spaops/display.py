"""How each field is shown to people: label, unit, format and help, in one registry.

Pages never spell a column's label or format themselves: `ui.widgets.table` turns this
registry into `st.column_config`, and `csv_frame` gives downloads the same headers.
Kinds: `text`, `words` (a code such as `deep_tissue` shown as words), `count`, `money`
(dollars), `cents` (integer cents shown as dollars), `share` (a fraction shown as a
percentage), `hours` (minutes shown as hours), `minutes`, `number`, `date`, `datetime`,
`bool`, `score` (0-100) and `hidden` (ids: never shown).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

import pandas as pd

from spaops.analytics.report import FORMULAS
from spaops.choices import TIER_LABELS

KINDS = ("text", "words", "count", "money", "cents", "share", "hours", "minutes", "number",
         "date", "datetime", "bool", "score", "hidden")
# What a CSV header adds so a figure without its format still says what it is.
CSV_UNITS = {"money": " ($)", "cents": " ($)", "share": " (%)"}


@dataclass(frozen=True)
class Field:
    """How one field is shown: its label (units included), kind and optional help."""

    label: str
    kind: str = "text"
    help: str | None = None


HOURS_HELP = "Minutes divided by 60."
FIELDS: dict[str, Field] = {
    # ids: joined on, never shown
    "id": Field("Id", "hidden"),
    "location_id": Field("Location id", "hidden"),
    "therapist_id": Field("Therapist id", "hidden"),
    # who and where
    "location": Field("Location"),
    "tier": Field("Market tier", "words"),
    "therapist": Field("Therapist"),
    "home_location": Field("Home location"),
    "service": Field("Service"),
    "client": Field("Client"),
    "category": Field("Category", "words"),
    "modality": Field("Modality", "words"),
    "name": Field("Name"),
    "status": Field("Status", "words"),
    # the KPI figures
    "bookings": Field("Bookings", "count", FORMULAS["bookings"]),
    "completed": Field("Completed", "count", FORMULAS["completed"]),
    "cancelled": Field("Cancelled", "count", FORMULAS["cancelled"]),
    "no_show": Field("No-shows", "count", FORMULAS["no_show"]),
    "revenue": Field("Revenue", "money", FORMULAS["revenue"]),
    "avg_ticket": Field("Avg ticket", "money", FORMULAS["avg_ticket"]),
    "booked_minutes": Field(
        "Booked hours", "hours",
        "Therapist time held by bookings (booked, completed or no-show), in hours."),
    "scheduled_minutes": Field("Scheduled hours", "hours",
                               "Length of the shifts in the period, in hours."),
    "utilisation": Field("Utilisation", "share", FORMULAS["utilisation"]),
    "therapeutic_share": Field("Therapeutic share", "share", FORMULAS["therapeutic_share"]),
    "therapeutic_revenue": Field("Therapeutic revenue", "money",
                                 "Revenue of completed therapeutic bookings."),
    "relaxation_revenue": Field("Relaxation revenue", "money",
                                "Revenue of completed relaxation bookings."),
    "below_band": Field("Below band", "count",
                        "Completed massages priced under the market band's floor."),
    "within_band": Field("Within band", "count",
                         "Completed massages priced inside the market band."),
    "above_band": Field("Above band", "count",
                        "Completed massages priced over the market band's ceiling."),
    "below_band_gap": Field("Below-band gap", "money", FORMULAS["below_band_gap"]),
    # rooms
    "rooms": Field("Treatment rooms", "count"),
    "opening_minutes": Field("Open hours a day", "hours", "Closing time minus opening time."),
    "available_room_hours": Field("Room hours available", "number",
                                  "Rooms x opening hours x days."),
    "room_utilisation": Field("Room utilisation", "share",
                              "Booked treatment minutes / (rooms x opening minutes x days)."),
    "revpath": Field("RevPATH", "money",
                     "Revenue per available treatment hour = completed revenue / "
                     "(rooms x opening hours x days)."),
    # service mix and coming back
    "share_by_count": Field("Therapeutic share (by count)", "share",
                            FORMULAS["therapeutic_share"]),
    "share_by_revenue": Field("Therapeutic share (by revenue)", "share",
                              "Therapeutic revenue / (therapeutic + relaxation revenue)."),
    "therapeutic_completed": Field("Therapeutic completed", "count"),
    "relaxation_completed": Field("Relaxation completed", "count"),
    "needs_review": Field("Needs review", "bool"),
    "visits": Field("Visits", "count"),
    "rebooked_on_time": Field("Rebooked on time", "count",
                              "Visits followed by the client's next booking within the "
                              "window."),
    "rebooking_rate": Field("Rebooking rate", "share", "Rebooked on time / visits."),
    "window_days": Field("Window (days)", "count"),
    "new_clients": Field("New clients", "count", "Clients with no booking before the period."),
    "returning_clients": Field("Returning clients", "count",
                               "Clients with a booking before the period."),
    "cancellation_rate": Field("Cancellation rate", "share", "Cancelled / bookings."),
    "no_show_rate": Field("No-show rate", "share", "No-shows / bookings."),
    # pricing
    "low": Field("Band floor / 60 min", "money", "The market band's lowest price per hour."),
    "high": Field("Band ceiling / 60 min", "money",
                  "The market band's highest price per hour."),
    "source": Field("Source"),
    "price_60": Field("Price / 60 min", "money", "Price x 60 / minutes, averaged."),
    "band_high": Field("Band ceiling / 60 min", "money",
                       "The market band's highest price per hour."),
    "last_30_days": Field("Completed, last 30 days", "count",
                          "Completed bookings in the 30 days ending the period's last day."),
    "month_before": Field("Completed a month before", "number",
                          "Completed bookings a month, on average, in the 60 days before."),
    # roster
    "license_number": Field("License number"),
    "license_state": Field("License state"),
    "license_expires": Field("License expires", "date"),
    "license_status": Field("License", "words"),
    "gender": Field("Gender", "words"),
    "active": Field("Active", "bool"),
    "credentials": Field("Credentials"),
    # bookings and assignment
    "booking_ref": Field("Booking ID"),
    "booking": Field("Booking ID"),
    "start": Field("Start", "datetime"),
    "starts_at": Field("Start", "datetime"),
    "end": Field("End", "datetime"),
    "duration_min": Field("Length (min)", "minutes"),
    "price_cents": Field("Price", "cents"),
    "price": Field("Price", "money"),
    "requested": Field("Requested", "bool"),
    "contraindications": Field("Health flags"),
    "score": Field("Score", "score", "0-100: how well the therapist fits (reasons beside)."),
    "why": Field("Why"),
    "rules": Field("Rules failed"),
    "minutes": Field("Hands-on minutes", "minutes"),
    "day": Field("Day", "date"),
    "week": Field("Week starting", "date"),
    # imports
    "row": Field("Line"),
    "line": Field("Line"),
    "reason": Field("Reason"),
    "raw_line": Field("Line as in the file"),
    "batch": Field("Batch"),
    "imported_at": Field("Imported at", "datetime"),
    "kind": Field("Kind"),
    "file_name": Field("File"),
    "rows": Field("Rows", "count"),
    "inserted": Field("New", "count"),
    "updated": Field("Updated", "count"),
    "unchanged": Field("Unchanged", "count"),
    "duplicates": Field("Duplicates", "count"),
    "rejected": Field("Rejected", "count"),
    "new_names": Field("Created"),
    # users
    "username": Field("Username"),
    "role": Field("Role", "words"),
    "locations": Field("Locations"),
    "locked": Field("Locked", "bool"),
}
# Codes of a `words` field said otherwise than their letters ("no_show" is "No-show").
WORDS: dict[str, dict[str, str]] = {"tier": TIER_LABELS, "status": {"no_show": "No-show"}}
_FIELD_NAME = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")


def looks_like_field_name(text: str) -> bool:
    """Whether a text shown to people still contains a snake_case field name."""
    return bool(_FIELD_NAME.search(text))


def field(name: str, labels: Mapping[str, str] | None = None) -> Field:
    """How a column is shown; an unknown column gets its name in words, never snake_case."""
    words = str(name).replace("_", " ").strip()
    known = FIELDS.get(name) or Field(words[:1].upper() + words[1:])
    label = (labels or {}).get(name)
    return known if label is None else Field(label, known.kind, known.help)


def shown_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as it is displayed: ids dropped, minutes as hours, cents as dollars, shares
    as percentages to one place (as the cards above the tables show them)."""
    out = frame.drop(columns=[c for c in frame.columns if field(c).kind == "hidden"])
    for column in out.columns:
        kind = field(column).kind
        if kind == "hours":
            out[column] = (pd.to_numeric(out[column]).astype(float) / 60).round(1)
        elif kind == "money":  # a missing figure (no completed booking) shows empty
            out[column] = pd.to_numeric(out[column]).astype("Float64")
        elif kind == "cents":
            out[column] = (pd.to_numeric(out[column]).astype("Float64") / 100).round(2)
        elif kind == "share":
            out[column] = (pd.to_numeric(out[column]).astype(float) * 100).round(1)
        elif kind == "words":
            out[column] = out[column].map(partial(in_words, column))
    return out


def in_words(name: str, code: object) -> object:
    """A code of a `words` field as people say it: 'deep_tissue' -> 'Deep tissue'."""
    if not isinstance(code, str):
        return code
    said = WORDS.get(name, {}).get(code)
    if said is not None:
        return said
    words = code.replace("_", " ")
    return words[:1].upper() + words[1:]


def csv_header(name: str, labels: Mapping[str, str] | None = None) -> str:
    """A column's header in a downloaded CSV: its label with the unit its format implied."""
    shown = field(name, labels)
    return shown.label + CSV_UNITS.get(shown.kind, "")


def csv_frame(frame: pd.DataFrame, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A table as downloaded: shown values (shares in percent), human headers."""
    out = shown_frame(frame)
    for column in out.columns:
        if field(column).kind in ("money", "cents"):
            out[column] = pd.to_numeric(out[column]).astype(float).round(2)
    return out.rename(columns={c: csv_header(c, labels) for c in out.columns})


def counted(count: int, word: str) -> str:
    """'1 row', '2 rows', '1,200 rows': a count with its noun."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


SEPARATED = {",": "comma-separated", ";": "semicolon-separated", "\t": "tab-separated"}
ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16",
             "cp1252": "Windows (cp1252)", "latin-1": "Latin-1"}


def file_described(encoding: str, delimiter: str, file_format: str = "csv") -> str:
    """How an export was read, in words: 'a comma-separated UTF-8 file'."""
    if file_format == "xlsx":
        return "an Excel workbook"
    separated = SEPARATED.get(delimiter, f"{delimiter!r}-separated")
    return f"a {separated} {ENCODINGS.get(encoding, encoding)} file"
