"""Import: upload a booking export, check the preview, confirm; nothing is written before."""

import pandas as pd
import streamlit as st

from spaops.analytics.kpis import locations_in_scope
from spaops.errors import UsageError
from spaops.figures.overview import arrivals_figure
from spaops.ingest import import_bookings, plan_bookings, read_bookings_export
from spaops.ingest.history import import_history, weekly_arrivals
from spaops.ingest.mapping import BOOKING_FIELDS
from ui.auth import require_page
from ui.data import engine, fresh, load, session_scope
from ui.widgets import download_csv

viewer = require_page("import")
st.title("Import bookings")
st.caption("Upload the CSV export of your booking software (Mindbody, Vagaro, Square, "
           "Fresha, Boulevard, Zenoti...). You see exactly what would change before "
           "anything is written, and importing the same file twice changes nothing.")

names = load(locations_in_scope, location_ids=viewer.location_ids)["location"].tolist()
FROM_FILE = "(from the file's location column)"
left, right = st.columns(2)
location = left.selectbox(
    "Location for rows without one", [FROM_FILE, *names] if viewer.is_owner else names,
    key="import_location", help="Used when the export has no location column.")
order = right.radio("Date order", ["Detect", "Month first (11/03 = Nov 3)",
                                   "Day first (03/11 = Nov 3)"], horizontal=True,
                    key="import_date_order")
day_first = {"Detect": None}.get(order, order.startswith("Day"))
upload = st.file_uploader("Booking export (CSV)", type=["csv", "txt", "tsv"],
                          key="import_upload")

result = st.session_state.get("import_result")
if result:
    st.success(f"Imported batch {result['batch_id']}: {result['inserted']} new, "
               f"{result['updated']} updated, {result['unchanged']} unchanged, "
               f"{result['duplicates']} duplicates, {result['rejected']} rejected.",
               icon=":material/task_alt:")
    if result["rejections"]:
        download_csv(pd.DataFrame(result["rejections"]),
                     f"rejected_rows_batch_{result['batch_id']}.csv",
                     key="dl_import_rejections", label="Download the rejected rows")

if upload is not None:
    data = upload.getvalue()
    if st.session_state.get("import_file") != (upload.name, len(data)):
        # A new file: forget the column choices made for the previous one.
        st.session_state["import_file"] = (upload.name, len(data))
        for field in BOOKING_FIELDS:
            st.session_state.pop(f"map_{field}", None)
    overrides = {f: st.session_state[f"map_{f}"] for f in BOOKING_FIELDS
                 if st.session_state.get(f"map_{f}") is not None}
    overrides = {f: ("" if h == "(not in file)" else h) for f, h in overrides.items()}
    try:
        preview = read_bookings_export(
            data, upload.name, day_first=day_first, mapping_overrides=overrides,
            default_location=None if location == FROM_FILE else location)
    except UsageError as exc:
        st.error(f"This file cannot be imported: {exc}", icon=":material/error:")
        st.stop()

    st.subheader("Preview")
    st.write(f"Encoding **{preview.encoding}**, delimiter **{preview.delimiter!r}**, dates "
             f"**{'day first' if preview.day_first else 'month first'}**"
             f"{' (detected)' if day_first is None else ''}, {preview.total_rows:,} rows.")
    for note in preview.notes:
        st.info(note, icon=":material/info:")
    if preview.ignored_columns:
        st.caption("Ignored columns (not stored): " + ", ".join(preview.ignored_columns))
    with st.expander("Column mapping", expanded=False):
        options = ["(not in file)", *preview.header]
        columns = st.columns(3)
        for i, field in enumerate(BOOKING_FIELDS):
            current = preview.mapping.get(field, "(not in file)")
            columns[i % 3].selectbox(field.replace("_", " "), options,
                                     index=options.index(current), key=f"map_{field}")

    with session_scope() as session:
        plan = plan_bookings(session, preview, allowed_location_ids=viewer.location_ids)
    counts = plan.counts()
    cards = st.columns(5)
    for card, key, label in zip(cards, ("inserted", "updated", "unchanged", "duplicates",
                                        "rejected"),
                                ("New", "Updated", "Unchanged", "Duplicates", "Rejected"),
                                strict=True):
        card.metric(label, f"{counts[key]:,}")
    for kind in ("new_locations", "new_services", "new_therapists"):
        if counts[kind]:
            st.write(f"**{kind.replace('_', ' ').capitalize()}** (created on import"
                     f"{', services marked for review' if kind == 'new_services' else ''}): "
                     + ", ".join(counts[kind]))
    shown = ["row", "booking_ref", "location", "therapist", "service", "client", "starts_at",
             "duration_min", "price_cents", "status", "requested"]
    st.dataframe(preview.rows[shown].head(20), hide_index=True, width="stretch",
                 column_config={"price_cents": st.column_config.NumberColumn("price (cents)")})
    if counts["rejections"]:
        st.warning(f"{counts['rejected']} rows will be rejected; the rest still import.",
                   icon=":material/warning:")
        rejected = pd.DataFrame(counts["rejections"])
        # Plain text, never markdown: the reasons quote whatever the file contained.
        st.text("\n".join(f"line {r['row']} ({r['booking_ref'] or 'no id'}): {r['reason']}"
                          for r in counts["rejections"][:20])
                + (f"\n... and {len(rejected) - 20} more" if len(rejected) > 20 else ""))
        download_csv(rejected, "rejected_rows_preview.csv", key="dl_preview_rejections",
                     label="Download the rejected rows")
    if st.button(f"Import {counts['inserted'] + counts['updated']:,} bookings",
                 key="import_confirm", type="primary",
                 disabled=counts["inserted"] + counts["updated"] == 0):
        bar = st.progress(0.0, text="Starting the import")
        try:
            document = import_bookings(
                engine(), preview, username=viewer.username,
                allowed_location_ids=viewer.location_ids,
                progress=lambda fraction, message: bar.progress(fraction, text=message))
        except UsageError as exc:
            st.error(f"Nothing was imported: {exc}")
        else:
            st.session_state["import_result"] = document
            st.rerun()

st.subheader("Import history")
arrivals = fresh(lambda session: weekly_arrivals(session, location_ids=viewer.location_ids))
st.plotly_chart(arrivals_figure(arrivals), width="stretch", key="import_arrivals")
history = fresh(lambda session: import_history(
    session, location_ids=viewer.location_ids,
    username=viewer.username if viewer.role == "staff" else None))
if history.empty:
    st.info("No imports yet.", icon=":material/history:")
else:
    st.dataframe(history, hide_index=True, width="stretch")
    download_csv(history, "import_history.csv", key="dl_import_history")
