"""Import: bookings (and, for owners and managers, the roster or shifts); preview, confirm."""

import streamlit as st

from spaops.errors import LocationNeeded, UsageError
from spaops.ingest.remembered import file_header, remembered_layout
from ui import importing
from ui.auth import require_page
from ui.data import fresh

viewer = require_page("import")
st.title("Import")
kinds = importing.kinds_for(viewer)
st.caption(importing.page_caption(kinds))

kind = importing.kind_selector(kinds)
importing.show_result(kind)
options = (importing.booking_options(viewer) if kind == "bookings"
           else importing.BookingOptions())
upload = importing.uploader(kind)
if upload is None:
    importing.file_needs(kind)

if upload is not None:
    data = upload.getvalue()
    importing.forget_choices_if_new(kind, upload.name, data)
    header = file_header(data)
    remembered = fresh(lambda session: remembered_layout(session, kind, header)) \
        if header else None
    chosen = importing.chosen_columns(kind)
    overrides = chosen if chosen is not None else (remembered.mapping if remembered else None)
    try:
        preview = importing.read_upload(kind, data, upload.name, options, overrides)
    except LocationNeeded:  # the one field asked for above the uploader, not in the form
        st.warning("This export has no location column: choose its location under "
                   "**Location for rows without one** above.", icon=":material/place:")
        with st.expander("The file has a location column under another name?"):
            importing.column_form(kind, header, overrides, retry=False)
        preview = None
    except UsageError as exc:
        st.error(f"This file cannot be imported: {exc}", icon=":material/error:")
        if importing.columns_missing(kind, header, overrides, options):
            # The file reads as a table: let the person say which column is which.
            importing.column_form(kind, header, overrides, retry=True)
        preview = None
    if preview is None:
        importing.show_history(viewer, kind)
        st.stop()

    st.subheader("Preview")
    if remembered is not None and chosen is None:
        importing.remembered_note(remembered, viewer)
    importing.preview_summary(preview, options.day_first)
    with st.expander("Columns", expanded=False):
        importing.column_form(kind, preview.header, overrides, retry=False)

    counts = importing.plan_counts(kind, preview, viewer)
    importing.show_counts(counts)
    importing.nothing_new(kind, counts)
    importing.moves_warning(counts)
    importing.preview_table(preview, counts)
    importing.show_rejections(counts, file_name="rejected_rows_preview.csv",
                              key="dl_preview_rejections")
    if importing.confirm_button(kind, counts) and importing.run_import(kind, preview, viewer):
        st.rerun()

importing.show_history(viewer, kind)
