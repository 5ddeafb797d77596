"""The display registry: every field's label, unit and format in one place, no snake_case."""

import pandas as pd
import pytest

from spaops.analytics.report import FIGURES
from spaops.display import (
    FIELDS,
    KINDS,
    counted,
    csv_frame,
    csv_header,
    field,
    file_described,
    looks_like_field_name,
    shown_frame,
)


def test_every_field_has_a_human_label_and_a_known_kind():
    for name, shown in FIELDS.items():
        assert shown.kind in KINDS, name
        assert not looks_like_field_name(shown.label), name
        assert shown.label[:1].isupper(), name


def test_every_kpi_figure_is_registered_with_its_formula_where_it_has_one():
    for name in FIGURES:
        assert name in FIELDS, name
    assert field("utilisation").help.startswith("Booked minutes / scheduled")
    assert field("revenue").kind == "money" and field("utilisation").kind == "share"


def test_an_unknown_column_still_reads_as_words():
    assert field("new_thing").label == "New thing"
    assert field("Hours this week").label == "Hours this week"  # already human: kept
    assert field("RevPATH").label == "RevPATH"
    assert field("name", {"name": "Service"}).label == "Service"


@pytest.mark.parametrize("text, snake", [
    ("booked_minutes", True), ("price (cents)", False), ("Booked hours", False),
    ("Rules failed: not_on_shift", True), ("Below-band gap", False), ("No-shows", False)])
def test_field_names_are_spotted(text, snake):
    assert looks_like_field_name(text) is snake


def test_shown_frame_drops_ids_and_turns_minutes_into_hours_and_cents_into_dollars():
    frame = pd.DataFrame({"location_id": [1], "location": ["Harbor"], "booked_minutes": [5430],
                          "price_cents": [15000], "modality": ["deep_tissue"],
                          "utilisation": [0.5734]})
    shown = shown_frame(frame)
    assert list(shown.columns) == ["location", "booked_minutes", "price_cents", "modality",
                                   "utilisation"]
    assert shown["booked_minutes"].tolist() == [90.5]  # 5430 / 60
    assert shown["price_cents"].tolist() == [150.0]  # $150, not 15000
    assert shown["modality"].tolist() == ["Deep tissue"]
    assert shown["utilisation"].tolist() == [57.3]  # as the cards show it: 57.3%
    assert frame["booked_minutes"].tolist() == [5430]  # the caller's frame is untouched


def test_codes_are_shown_as_people_say_them():
    frame = pd.DataFrame({"tier": ["urban", "rural", None], "status": ["no_show", "completed",
                                                                       "booked"],
                          "category": ["therapeutic", "relaxation", "other"]})
    shown = shown_frame(frame)
    assert shown["tier"].tolist()[:2] == ["Urban / high-end", "Rural"]
    assert shown["tier"].isna().tolist() == [False, False, True]
    assert shown["status"].tolist() == ["No-show", "Completed", "Booked"]
    assert shown["category"].tolist() == ["Therapeutic", "Relaxation", "Other"]


def test_csv_has_the_same_headers_with_the_units_the_format_implied():
    frame = pd.DataFrame({"location_id": [1], "location": ["Harbor"], "revenue": [7210.25],
                          "utilisation": [0.5734], "scheduled_minutes": [600],
                          "no_show": [3]})
    out = csv_frame(frame)
    assert list(out.columns) == ["Location", "Revenue ($)", "Utilisation (%)",
                                 "Scheduled hours", "No-shows"]
    assert out.iloc[0].tolist() == ["Harbor", 7210.25, 57.3, 10.0, 3]
    assert csv_header("username", {"username": "By"}) == "By"


def test_an_export_is_described_in_words():
    assert counted(1, "row") == "1 row"
    assert counted(1200, "row") == "1,200 rows"
    assert counted(0, "therapist") == "0 therapists"
    assert file_described("utf-8-sig", ",") == "a comma-separated UTF-8 file"
    assert file_described("cp1252", ";") == "a semicolon-separated Windows (cp1252) file"
    assert file_described("utf-16", "\t") == "a tab-separated UTF-16 file"
    assert file_described("utf-8", ",", "xlsx") == "an Excel workbook"
