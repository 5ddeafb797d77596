"""Which export column holds which field: synonyms from the booking suites we know."""

from __future__ import annotations

from spaops.ingest.reading import header_key

# field -> header synonyms (compared after header_key: case and punctuation ignored).
BOOKING_FIELDS: dict[str, tuple[str, ...]] = {
    "booking_ref": ("booking id", "appointment id", "appointment number", "booking ref",
                    "booking reference", "reference", "id", "booking number",
                    "confirmation number", "appointment ref"),
    "location": ("location", "business location", "site", "branch", "center", "centre",
                 "location name", "venue", "business"),
    "therapist": ("therapist", "staff", "staff member", "provider", "employee",
                  "practitioner", "team member", "therapist name", "staff name"),
    "service": ("service", "service name", "treatment", "item", "service title",
                "treatment name"),
    "client": ("client", "client id", "customer", "customer name", "guest", "client name",
               "customer id", "guest name"),
    "start": ("start", "start time", "appointment date", "date and time", "start date time",
              "starts at", "appointment start", "datetime", "start datetime",
              "appointment date time"),
    "date": ("date", "appointment day", "service date", "day"),
    "time": ("time", "appointment time", "start hour"),
    "duration": ("duration", "duration min", "duration minutes", "length", "mins", "minutes",
                 "duration mins"),
    "end": ("end", "end time", "ends at", "appointment end", "finish time"),
    "price": ("price", "amount", "total", "service price", "sale price", "revenue",
              "price usd", "net sales"),
    "status": ("status", "appointment status", "booking status"),
    "requested": ("requested", "staff requested", "request", "therapist requested",
                  "requested staff"),
    "pressure": ("pressure", "pressure preference"),
    "focus_areas": ("focus areas", "focus", "focus area"),
    "contraindications": ("contraindications", "health flags", "medical flags"),
    "gender_preference": ("gender preference", "therapist gender preference",
                          "preferred therapist gender"),
}


def map_headers(
    header: list[str], fields: dict[str, tuple[str, ...]], overrides: dict[str, str] | None = None
) -> tuple[dict[str, str], list[str]]:
    """Return field -> header for the columns recognised, and the headers left unused.

    ``overrides`` (field -> header, or "" to drop a field) wins over the synonyms.
    """
    keys = {header_key(h): h for h in reversed(header)}  # first occurrence wins
    mapping: dict[str, str] = {}
    for field, synonyms in fields.items():
        for synonym in synonyms:
            if synonym in keys and keys[synonym] not in mapping.values():
                mapping[field] = keys[synonym]
                break
    for field, chosen in (overrides or {}).items():
        if field not in fields:
            continue
        if chosen:
            if chosen not in header:
                raise ValueError(f"the file has no column {chosen!r}")
            mapping = {f: h for f, h in mapping.items() if h != chosen}
            mapping[field] = chosen
        else:
            mapping.pop(field, None)
    used = set(mapping.values())
    return mapping, [h for h in header if h not in used]
