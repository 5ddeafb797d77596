"""The Import page's widgets: file kind, column choices, preview, counts, result, history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from spaops.analytics.kpis import locations_in_scope
from spaops.auth import IMPORT_KINDS_BY_ROLE, Viewer
from spaops.display import counted, file_described
from spaops.errors import UsageError
from spaops.figures.overview import arrivals_figure
from spaops.ingest import (
    BookingsPreview,
    RememberedMapping,
    RosterPreview,
    import_bookings,
    import_roster,
    plan_bookings,
    plan_roster,
    read_bookings_export,
    read_roster_export,
    save_mapping,
)
from spaops.ingest.history import import_history, weekly_arrivals
from spaops.ingest.mapping import BOOKING_FIELDS, map_headers
from spaops.ingest.roster import SHIFT_FIELDS, THERAPIST_FIELDS
from ui.data import engine, load, session_scope
from ui.widgets import chart, download_csv, table

Preview = BookingsPreview | RosterPreview
KINDS = {"bookings": "Bookings", "therapists": "Therapist roster", "shifts": "Shifts"}
NOUNS = {"bookings": ("booking", "bookings"), "therapists": ("therapist", "therapists"),
         "shifts": ("shift", "shifts")}
UPLOAD_LABELS = {"bookings": "Booking export (CSV or Excel)",
                 "therapists": "Therapist roster (CSV or Excel)",
                 "shifts": "Shift file (CSV or Excel)"}
UPLOAD_HELP = {
    "bookings": "The CSV export of your booking software (Mindbody, Vagaro, Square, Fresha, "
                "Boulevard, Zenoti...).",
    "therapists": "One therapist a row: name, location, license number, license state, "
                  "license expiry and credentials (separated by ';', each optionally "
                  "'kind:YYYY-MM-DD'); gender and active are optional.",
    "shifts": "One shift a row: therapist, location, date, start and end (local times).",
}
# Said before any upload: what a file must hold, what is read when there.
FILE_NEEDS = {
    "bookings": "A booking export needs a **service** and a **start** (date and time, in one "
                "column or two). Read when present: booking ID, location, therapist, client, "
                "duration or end, price, status and health flags. Column names are recognised "
                "in your booking software's own words; after uploading you can say which "
                "column is which.",
    "therapists": "A roster needs each therapist's **name** and **location**; license number, "
                  "state and expiry, credentials, gender and active are read when present.",
    "shifts": "A shift file needs **therapist**, **location**, **date**, **start** and "
              "**end** on each row.",
}
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "bookings": BOOKING_FIELDS, "therapists": THERAPIST_FIELDS, "shifts": SHIFT_FIELDS}
REQUIRED = {"bookings": ("service", "start"), "therapists": ("name", "location"),
            "shifts": ("therapist", "location", "date", "start", "end")}
LABELS = {
    "booking_ref": "Booking ID", "location": "Location", "therapist": "Therapist",
    "service": "Service", "client": "Client", "start": "Start (date and time)",
    "date": "Date", "time": "Time", "duration": "Duration (minutes)", "end": "End",
    "price": "Price ($)", "status": "Status", "requested": "Therapist requested",
    "pressure": "Pressure preference", "focus_areas": "Focus areas",
    "contraindications": "Health flags", "gender_preference": "Therapist gender preference",
    "name": "Name", "license_number": "License number", "license_state": "License state",
    "license_expires": "License expires", "credentials": "Credentials", "gender": "Gender",
    "active": "Active",
}
SHIFT_LABELS = {"start": "Start time", "end": "End time", "date": "Date"}
FIELD_HELP = {("bookings", "start"): "Or pick a Date column (and a Time column) instead.",
              ("bookings", "location"): "Not needed when you chose the location above."}
NOT_IN_FILE = "(not in file)"
FROM_FILE = "(from the file's location column)"
OUTCOME_LABELS = (("inserted", "New"), ("updated", "Updated"), ("unchanged", "Unchanged"),
                  ("duplicates", "Duplicates"), ("rejected", "Rejected"))


@dataclass(frozen=True)
class BookingOptions:
    """How to read a booking export: date order and the location of rows without one."""

    day_first: bool | None = None
    default_location: str | None = None


def field_label(kind: str, field: str) -> str:
    """A field's name in people's words."""
    if kind == "shifts" and field in SHIFT_LABELS:
        return SHIFT_LABELS[field]
    return LABELS.get(field, field.replace("_", " ").capitalize())


def kinds_for(viewer: Viewer) -> list[str]:
    """The kinds of file the viewer's role may import, in the page's order."""
    return [kind for kind in KINDS if kind in IMPORT_KINDS_BY_ROLE.get(viewer.role, ())]


def page_caption(kinds: list[str]) -> str:
    """What the page is for, naming only the kinds of file the viewer may import."""
    what = ("a booking export, your therapist roster or a shift file" if len(kinds) > 1
            else "your booking software's export")
    return (f"Upload {what}. You see exactly what would change before anything is written, "
            "and importing the same file twice changes nothing.")


def kind_selector(kinds: list[str]) -> str:
    """The kind of file to import (no choice to make when there is only one)."""
    if len(kinds) == 1:
        return kinds[0]
    return st.radio("What are you importing?", kinds, format_func=KINDS.__getitem__,
                    horizontal=True, key="import_kind")


def booking_options(viewer: Viewer) -> BookingOptions:
    """The location for rows without one (only the viewer's own) and the date order."""
    names = load(locations_in_scope, location_ids=viewer.location_ids)["location"].tolist()
    left, right = st.columns(2)
    location = left.selectbox(
        "Location for rows without one", [FROM_FILE, *names] if viewer.is_owner else names,
        key="import_location", help="Used when the export has no location column.")
    order = right.radio("Date order", ["Detect", "Month first (11/03 = Nov 3)",
                                       "Day first (03/11 = Nov 3)"], horizontal=True,
                        key="import_date_order")
    return BookingOptions(day_first={"Detect": None}.get(order, order.startswith("Day")),
                          default_location=None if location == FROM_FILE else location)


def _uploader_key(kind: str) -> str:
    """The uploader's key: a new one after each import of the kind, which empties it."""
    imported = st.session_state.get(f"import_done_{kind}", 0)
    return f"import_upload_{kind}" + (f"_{imported}" if imported else "")


def uploader(kind: str) -> Any:
    """The file uploader of one kind (each kind keeps its own file)."""
    return st.file_uploader(UPLOAD_LABELS[kind], type=["csv", "txt", "tsv", "xlsx"],
                            key=_uploader_key(kind), help=UPLOAD_HELP[kind])


def file_needs(kind: str) -> None:
    """Before any upload: what the file must hold (nothing is written until confirmed)."""
    st.caption(FILE_NEEDS[kind])


def _widget_keys(kind: str) -> list[str]:
    return [f"map_{kind}_{field}" for field in FIELDS[kind]]


def forget_choices_if_new(kind: str, file_name: str, data: bytes) -> None:
    """A new file: forget the columns chosen for the previous one."""
    seen = (file_name, len(data))
    if st.session_state.get(f"import_file_{kind}") != seen:
        st.session_state[f"import_file_{kind}"] = seen
        for key in (f"import_choice_{kind}", *_widget_keys(kind)):
            st.session_state.pop(key, None)


def chosen_columns(kind: str) -> dict[str, str] | None:
    """Field -> header the person chose for this file ("" = not in the file), if any."""
    return st.session_state.get(f"import_choice_{kind}")


def _choose(kind: str) -> None:
    st.session_state[f"import_choice_{kind}"] = {
        field: "" if st.session_state[key] == NOT_IN_FILE else st.session_state[key]
        for field, key in zip(FIELDS[kind], _widget_keys(kind), strict=True)}


def column_form(kind: str, header: list[str], overrides: dict[str, str] | None, *,
                retry: bool) -> None:
    """A selectbox of the file's columns for each field, and a button to read it again."""
    fields = FIELDS[kind]
    try:
        mapping, _ = map_headers(header, fields, overrides)
    except ValueError:
        mapping, _ = map_headers(header, fields)
    options = [NOT_IN_FILE, *dict.fromkeys(h for h in header if h)]
    for field, key in zip(fields, _widget_keys(kind), strict=True):
        if st.session_state.get(key) not in options:
            st.session_state[key] = mapping.get(field, NOT_IN_FILE)
    with st.form(f"map_{kind}", border=retry):
        if retry:
            st.write("**Match the columns**: for each field, pick the column of your file "
                     "that holds it.")
        st.caption("Fields marked * are needed; leave the others as "
                   f"{NOT_IN_FILE} if your file does not have them.")
        columns = st.columns(3)
        for i, (field, key) in enumerate(zip(fields, _widget_keys(kind), strict=True)):
            required = " *" if field in REQUIRED[kind] else ""
            columns[i % 3].selectbox(field_label(kind, field) + required, options, key=key,
                                     help=FIELD_HELP.get((kind, field)))
        st.form_submit_button("Try again with these columns" if retry else "Use these columns",
                              key=f"map_{kind}_apply", type="primary" if retry else "secondary",
                              on_click=_choose, args=(kind,))


def columns_missing(kind: str, header: list[str], overrides: dict[str, str] | None,
                    options: BookingOptions) -> bool:
    """Whether a field the file needs has no column (so choosing columns could help)."""
    if not header:
        return False
    try:
        mapping, _ = map_headers(header, FIELDS[kind], overrides)
    except ValueError:
        return True
    if kind == "bookings":
        return ("service" not in mapping or not {"start", "date"} & set(mapping)
                or ("location" not in mapping and not options.default_location))
    return any(field not in mapping for field in REQUIRED[kind])


def read_upload(kind: str, data: bytes, file_name: str, options: BookingOptions,
                overrides: dict[str, str] | None) -> Preview:
    """Read and validate an upload of this kind (raises UsageError when it cannot be)."""
    if kind == "bookings":
        return read_bookings_export(data, file_name, day_first=options.day_first,
                                    mapping_overrides=overrides,
                                    default_location=options.default_location)
    return read_roster_export(data, file_name, kind, mapping_overrides=overrides)


def remembered_note(remembered: RememberedMapping, viewer: Viewer) -> None:
    """Say that the columns chosen before for this layout are in use."""
    who = "you" if remembered.saved_by == viewer.username else (remembered.saved_by or
                                                                 "someone")
    st.info(f"Using the columns {who} chose for this layout on "
            f"{remembered.saved_at:%Y-%m-%d}. You can change them under **Columns** below.",
            icon=":material/bookmark:")


def preview_summary(preview: Preview, day_first: bool | None) -> None:
    """How the file was read: rows, kind of file, dates, notes, ignored columns."""
    dates = ""
    if isinstance(preview, BookingsPreview):
        dates = (f", dates **{'day first' if preview.day_first else 'month first'}**"
                 f"{' (detected)' if day_first is None else ''}")
    read_from = file_described(preview.encoding, preview.delimiter,
                               getattr(preview, "file_format", "csv"))
    st.write(f"**{counted(preview.total_rows, 'row')}** read from {read_from}{dates}.")
    for note in getattr(preview, "notes", []):
        st.info(note, icon=":material/info:")
    if preview.ignored_columns:
        st.caption("Ignored columns (not stored): " + ", ".join(preview.ignored_columns))


def plan_counts(kind: str, preview: Preview, viewer: Viewer) -> dict[str, Any]:
    """What importing would do (the counts document), writing nothing."""
    with session_scope() as session:
        if isinstance(preview, BookingsPreview):
            plan = plan_bookings(session, preview, allowed_location_ids=viewer.location_ids)
            return {**plan.counts(), "moves": plan.moves()}
        plan = plan_roster(session, preview, allowed_location_ids=viewer.location_ids)
        return plan.counts()


def show_counts(counts: dict[str, Any]) -> None:
    """The counts as metrics, and the names the import would create."""
    for card, (key, label) in zip(st.columns(5), OUTCOME_LABELS, strict=True):
        card.metric(label, f"{counts[key]:,}")
    for key, label in (("new_locations", "New locations"), ("new_services", "New services"),
                       ("new_therapists", "New therapists")):
        if counts[key]:
            st.write(f"**{label}** (created on import"
                     f"{', marked for review' if key == 'new_services' else ''}): "
                     + ", ".join(counts[key]))


def _shown_rows(preview: Preview) -> pd.DataFrame:
    """The first rows of the file, in the fields they will be stored as."""
    rows = preview.rows.head(20)
    if isinstance(preview, BookingsPreview):
        return rows[["row", "booking_ref", "location", "therapist", "service", "client",
                     "starts_at", "duration_min", "price_cents", "status", "requested"]]
    return rows[["row", *(f for f in FIELDS[preview.kind] if f in preview.mapping)]]


def preview_table(preview: Preview, counts: dict[str, Any]) -> None:
    """The first 20 rows as they will be read: headers in people's words, money in dollars,
    and beside each row that will be rejected, why."""
    kind = "bookings" if isinstance(preview, BookingsPreview) else preview.kind
    fields = FIELDS[kind] if kind != "bookings" else ()
    rows = _shown_rows(preview)
    reasons = {r["row"]: r["reason"] for r in counts["rejections"]}
    if reasons:
        rows.insert(1, "rejected_because", rows["row"].map(reasons))
    table(rows, labels={"rejected_because": "Rejected because",
                        **{f: field_label(kind, f) for f in fields}})


def show_rejections(counts: dict[str, Any], *, file_name: str, key: str,
                    warn: bool = True) -> None:
    """The rejected rows with their reasons (as plain text), and a download of them."""
    rejections = counts["rejections"]
    if not rejections:
        return
    if warn:
        n = counts["rejected"]
        written = counts["inserted"] + counts["updated"] + counts["unchanged"]
        st.warning(f"{counted(n, 'row')} will be rejected; the rest still import." if written
                   else f"Every row would be rejected ({counted(n, 'row')}): nothing in this "
                   "file can be imported until the reasons below are put right.",
                   icon=":material/warning:")
    # Plain text, never markdown: the reasons quote whatever the file contained.
    st.text("\n".join(f"line {r['row']} ({r['booking_ref'] or 'no id'}): {r['reason']}"
                      for r in rejections[:20])
            + (f"\n... and {len(rejections) - 20} more" if len(rejections) > 20 else ""))
    frame = pd.DataFrame(rejections)
    download_csv(frame, file_name, key=key, label="Download the rejected rows")


def moves_warning(counts: dict[str, Any]) -> None:
    """Bookings the import would move to another location, named before anyone confirms:
    booking software may move one, but two systems that number bookings alike would
    overwrite each other's."""
    moves = counts.get("moves") or []
    if not moves:
        return
    shown = "; ".join(f"{ref} from {old} to {new}" for ref, old, new in moves[:3])
    more = f" and {len(moves) - 3:,} more" if len(moves) > 3 else ""
    st.warning(f"{counted(len(moves), 'booking')} stored at one location would move to "
               f"another: {shown}{more}. If this file comes from another booking system "
               "than the one that made them, their ids only look alike: do not import it.",
               icon=":material/move_location:")


def nothing_new(kind: str, counts: dict[str, Any]) -> None:
    """Say so when everything the file holds is stored as it is already."""
    if counts["inserted"] + counts["updated"] == 0 and counts["unchanged"]:
        st.info(f"Every {NOUNS[kind][0]} in this file is imported already, as it is: "
                "importing it again would change nothing.", icon=":material/check_circle:")


def confirm_button(kind: str, counts: dict[str, Any]) -> bool:
    """The primary button that imports what the preview showed."""
    n = counts["inserted"] + counts["updated"]
    return st.button(f"Import {n:,} {NOUNS[kind][n != 1]}", key="import_confirm", type="primary",
                     disabled=n == 0)


def run_import(kind: str, preview: Preview, viewer: Viewer) -> dict[str, Any] | None:
    """Import in one transaction; remember chosen columns; None (and a message) on failure."""
    try:
        if isinstance(preview, BookingsPreview):
            bar = st.progress(0.0, text="Starting the import")
            document = import_bookings(
                engine(), preview, username=viewer.username,
                allowed_location_ids=viewer.location_ids,
                progress=lambda fraction, message: bar.progress(fraction, text=message))
        else:
            with st.spinner("Importing"):
                document = import_roster(engine(), preview, username=viewer.username,
                                         allowed_location_ids=viewer.location_ids)
    except UsageError as exc:
        st.error(f"Nothing was imported: {exc}")
        return None
    if chosen_columns(kind) is not None:
        with session_scope(write=True) as session:
            save_mapping(session, kind, preview.header,
                         {f: preview.mapping.get(f, "") for f in FIELDS[kind]},
                         viewer.username)
    st.session_state["import_result"] = {"kind": kind, "file_name": preview.file_name,
                                         **document}
    # The file is in: a new uploader, empty, so the preview goes; the result stays.
    st.session_state[f"import_done_{kind}"] = st.session_state.get(f"import_done_{kind}", 0) + 1
    return document


def show_result(kind: str) -> None:
    """The outcome of the last import of this kind, with its rejected rows."""
    result = st.session_state.get("import_result")
    if not result or result["kind"] != kind:
        return
    st.success(f"Imported {result['file_name']}: {result['inserted']} new, "
               f"{result['updated']} updated, {result['unchanged']} unchanged, "
               f"{result['duplicates']} duplicates, {result['rejected']} rejected.",
               icon=":material/task_alt:")
    if result["rejections"]:
        download_csv(pd.DataFrame(result["rejections"]),
            f"rejected_rows_batch_{result['batch_id']}.csv", key="dl_import_rejections",
            label="Download the rejected rows")


HISTORY_LABELS = {"username": "By"}


def show_history(viewer: Viewer, kind: str) -> None:
    """Recent imports of every kind (staff: their own), and bookings' weekly arrivals."""
    st.subheader("Import history")
    if kind == "bookings":
        arrivals = load(weekly_arrivals, location_ids=viewer.location_ids)
        chart(arrivals_figure, arrivals, key="import_arrivals")
    # Cached until the data changes: every import moves the data revision on.
    history = load(import_history, location_ids=viewer.location_ids,
                   username=viewer.username if viewer.role == "staff" else None)
    if history.empty:
        st.info("You have not imported a file yet." if viewer.role == "staff"
                else "No imports yet.", icon=":material/history:")
        return
    history["kind"] = history["kind"].map(lambda k: KINDS.get(k, k))
    table(history, labels=HISTORY_LABELS)
    download_csv(history, "import_history.csv", key="dl_import_history", labels=HISTORY_LABELS)
