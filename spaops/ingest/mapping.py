"""Which export column holds which field: synonyms from the booking suites we know."""

from __future__ import annotations

from spaops.ingest.reading import header_key

# field -> header synonyms (compared after header_key: case and punctuation ignored), the
# first one a file has wins. Sources: the suites' export columns as their help pages and
# public parsers of their exports name them (Mindbody, Vagaro, Square, Fresha, Boulevard,
# Zenoti, Acuity, Jane, SimplyBook.me, Setmore, GlossGenius, Phorest, Microsoft Bookings).
BOOKING_FIELDS: dict[str, tuple[str, ...]] = {
    # A per-service id first: a two-service appointment is two bookings (Boulevard).
    "booking_ref": ("appointment service id", "booking id", "appointment id",
                    "appointment number", "booking ref", "booking reference", "reference",
                    "id", "booking number", "confirmation number", "appointment ref",
                    "ref number", "ref", "reference number", "booking code", "appt id",
                    "appointment reference", "reservation id", "visit id"),
    "location": ("location", "business location", "site", "branch", "center", "centre",
                 "location name", "venue", "business", "center name", "centre name",
                 "branch name", "store", "store name", "salon", "clinic", "spa",
                 "business name", "site name"),
    "therapist": ("therapist", "staff", "staff member", "provider", "employee",
                  "practitioner", "team member", "therapist name", "staff name",
                  "provider name", "practitioner name", "service provider", "employee name",
                  "staff members", "team member name", "stylist", "artist", "professional",
                  "assigned staff", "assigned to", "calendar"),
    "service": ("service", "service name", "treatment", "item", "service title",
                "treatment name", "services", "service booked", "treatment type",
                "appointment type", "item name", "type"),
    "client": ("client", "client id", "customer", "customer name", "guest", "client name",
               "customer id", "guest name", "patient", "patient name", "client full name",
               "customer full name", "guest code", "client code", "patient id"),
    "first_name": ("first name", "client first name", "customer first name",
                   "guest first name", "patient first name", "firstname", "given name"),
    "last_name": ("last name", "client last name", "customer last name", "guest last name",
                  "patient last name", "lastname", "surname", "family name"),
    # Only when a file names no client otherwise; stored as a pseudonym, never as is.
    "email": ("email", "client email", "customer email", "email address", "guest email",
              "patient email", "e mail"),
    "start": ("start", "start time", "appointment date", "date and time", "start date time",
              "starts at", "appointment start", "datetime", "start datetime",
              "appointment date time", "start date and time", "appointment start time",
              "appointment date and time", "date time", "scheduled for", "start at",
              "begins at"),
    "date": ("date", "appointment day", "service date", "day", "start date", "appointment date",
             "scheduled date", "appt date", "visit date", "date of service",
             "appointment start date"),
    "time": ("time", "appointment time", "start hour", "scheduled time", "appt time",
             "visit time"),
    "duration": ("duration", "duration min", "duration minutes", "length", "mins", "minutes",
                 "duration mins", "appointment duration", "service duration", "length min",
                 "duration in minutes"),
    "end": ("end", "end time", "ends at", "appointment end", "finish time",
            "end date time", "end datetime", "appointment end time", "end date and time",
            "end at", "finish", "finishes at"),
    # The service's price first; a bare "total" (maybe with tip and tax) only as a last
    # resort. Tip, tax, deposit and "amount paid online" columns are never the price.
    "price": ("service price", "appointment price", "price", "service amount",
              "service total", "service sales", "service revenue", "price usd", "cost",
              "service cost", "rate", "fee", "service fee", "amount", "sale price",
              "net sales", "revenue", "sales exc tax", "sales ex tax", "price exc tax",
              "subtotal", "total"),
    "status": ("status", "appointment status", "booking status", "appointment state",
               "appt status", "visit status", "attendance", "attendance status", "outcome",
               "booking state", "state"),
    "requested": ("requested", "staff requested", "request", "therapist requested",
                  "requested staff", "provider requested", "requested therapist"),
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
