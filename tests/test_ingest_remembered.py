"""Column choices remembered per file layout, on SQLite and PostgreSQL."""

from datetime import date

import pytest
from sqlmodel import Session

from spaops.db import session_scope
from spaops.ingest import read_bookings_export
from spaops.ingest.remembered import (
    file_header,
    layout_signature,
    remembered_for_file,
    remembered_layout,
    remembered_mapping,
    save_mapping,
)

HEADER = ["Ref", "Branch name", "Treatment booked", "When", "Charge"]
CHOSEN = {"booking_ref": "Ref", "location": "Branch name", "service": "Treatment booked",
          "start": "When", "price": "Charge", "status": ""}
ODD = (b"Ref,Branch name,Treatment booked,When,Charge\n"
       b"OD-1,Harbor Day Spa,Swedish Massage 60,11/05/2026 10:00 AM,$95.00\n")


def test_a_mapping_is_remembered_for_the_same_layout_only(engine, monkeypatch):
    monkeypatch.setenv("SPAOPS_TODAY", "2026-11-24")
    with session_scope(engine, write=True) as s:
        assert remembered_mapping(s, "bookings", HEADER) is None
        save_mapping(s, "bookings", HEADER, CHOSEN, "ann")
    with Session(engine) as s:
        assert remembered_mapping(s, "bookings", HEADER) == CHOSEN
        # The same layout spelled differently: headers come back as this file spells them.
        respelled = ["REF", "branch-name", "Treatment  Booked", "when", "charge"]
        assert remembered_mapping(s, "bookings", respelled) == {
            "booking_ref": "REF", "location": "branch-name",
            "service": "Treatment  Booked", "start": "when", "price": "charge",
            "status": ""}
        found = remembered_layout(s, "bookings", HEADER)
        assert (found.saved_by, found.saved_at.date()) == ("ann", date(2026, 11, 24))
        assert remembered_mapping(s, "shifts", HEADER) is None  # another kind
        assert remembered_mapping(s, "bookings", [*HEADER, "Notes"]) is None
        assert remembered_mapping(s, "bookings", HEADER[::-1]) is None  # another order


def test_saving_again_replaces_the_choice(engine):
    with session_scope(engine, write=True) as s:
        save_mapping(s, "bookings", HEADER, CHOSEN, "ann")
    with session_scope(engine, write=True) as s:
        save_mapping(s, "bookings", HEADER, {**CHOSEN, "price": ""}, "bo")
    with Session(engine) as s:
        found = remembered_layout(s, "bookings", HEADER)
    assert (found.mapping["price"], found.saved_by) == ("", "bo")


def test_a_mapping_naming_a_missing_column_or_kind_is_refused(engine):
    with session_scope(engine, write=True) as s:
        with pytest.raises(ValueError, match="no column 'Nope'"):
            save_mapping(s, "bookings", HEADER, {"service": "Nope"}, "ann")
        with pytest.raises(ValueError, match="unknown file kind"):
            save_mapping(s, "invoices", HEADER, CHOSEN, "ann")


def test_the_signature_ignores_spelling_but_not_kind():
    assert layout_signature("bookings", ["Date & Time"]) == layout_signature(
        "bookings", ["date and time"])
    assert layout_signature("bookings", HEADER) != layout_signature("shifts", HEADER)
    assert len(layout_signature("bookings", HEADER)) == 64


def test_the_command_line_reads_the_remembered_mapping_of_a_file(engine, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_bytes(ODD)
    assert remembered_for_file(engine, "bookings", path) is None
    with session_scope(engine, write=True) as s:
        save_mapping(s, "bookings", HEADER, CHOSEN, "ann")
    overrides = remembered_for_file(engine, "bookings", path)
    assert overrides == remembered_for_file(engine, "bookings", ODD) == CHOSEN
    preview = read_bookings_export(ODD, "odd.csv", mapping_overrides=overrides)
    assert preview.rows["reason"].isna().all()
    assert file_header(b"\x89PNG\x00\x00" * 50) == []
    assert remembered_for_file(engine, "bookings", b"") is None


def test_the_command_line_uses_the_columns_chosen_on_the_import_page(engine, tmp_path, capsys):
    import json

    from models import Service
    from spaops.cli import main

    url = engine.url.render_as_string(hide_password=False)
    export = tmp_path / "odd.csv"
    export.write_bytes(ODD)
    with session_scope(engine, write=True) as s:  # the menu gives the length: 60 minutes
        s.add(Service(name="Swedish Massage 60", name_key="swedish massage 60",
                      category="relaxation", default_duration_min=60))
    assert main(["import", "bookings", str(export), "--db", url, "--json"]) == 2
    assert "error:" in capsys.readouterr().err  # not recognised: nothing written
    with session_scope(engine, write=True) as s:
        save_mapping(s, "bookings", HEADER, CHOSEN, "ann")
    assert main(["import", "bookings", str(export), "--db", url, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["inserted"], document["rejected"]) == (1, 0)
