"""Known answers for the KPI figures, worked out by hand from tests/utils/chain.py."""

import json
from datetime import date

import pytest
from sqlmodel import Session

from spaops.analytics.kpis import Period, as_read, kpi_report, kpi_table, weekly_revenue
from spaops.cli import main
from tests.utils.chain import build_small_chain

WEEK = Period(date(2026, 3, 1), date(2026, 3, 7))

# Alpha Spa (urban): a1..a8 fall in the week (a8 starts 23:30 on the 7th; a9 on the 8th
# is outside). Completed a1 $100, a2 $180, a3 $160, a4 $90 -> revenue $530, avg $132.50.
# Booked minutes: a1 60 + a2 90 + a3 60 + a4 60 + a5 60 (no-show) + a8 60 (booked) = 390;
# a6 is cancelled, a7 has no therapist. Shifts 480 + 240 = 720 -> utilisation 0.5417.
# Therapeutic share: a2 / (a2 + a1 + a3) = 1/3. Bands (urban): a1 100/h < 110 below, gap
# $10; a2 180*60/90 = 120 = low -> within; a3 160 > 150 above; a4 is a facial: no band.
ALPHA = {
    "location": "Alpha Spa", "bookings": 8, "completed": 4, "cancelled": 1, "no_show": 1,
    "revenue": 530.0, "avg_ticket": 132.5, "booked_minutes": 390, "scheduled_minutes": 720,
    "utilisation": 0.5417, "therapeutic_share": 0.3333, "therapeutic_revenue": 180.0,
    "relaxation_revenue": 260.0, "below_band": 1, "within_band": 1, "above_band": 1,
    "below_band_gap": 10.0,
}
# Beta Clinic (rural): b1 deep 90 min $90 -> 60/h < 70: below, gap (70-60)*90/60 = $15;
# b2 $80/h within 60-100; b3 cancelled. Booked 90 + 60 = 150 of 360 scheduled.
BETA = {
    "location": "Beta Clinic", "bookings": 3, "completed": 2, "cancelled": 1, "no_show": 0,
    "revenue": 170.0, "avg_ticket": 85.0, "booked_minutes": 150, "scheduled_minutes": 360,
    "utilisation": 0.4167, "therapeutic_share": 0.5, "therapeutic_revenue": 90.0,
    "relaxation_revenue": 80.0, "below_band": 1, "within_band": 1, "above_band": 0,
    "below_band_gap": 15.0,
}
# Chain: sums, and ratios of sums (700/6 = 116.67; 540/1080 = 0.5; 2/(2+3) = 0.4).
CHAIN = {
    "bookings": 11, "completed": 6, "cancelled": 2, "no_show": 1, "revenue": 700.0,
    "avg_ticket": 116.67, "booked_minutes": 540, "scheduled_minutes": 1080, "utilisation": 0.5,
    "therapeutic_share": 0.4, "therapeutic_revenue": 270.0, "relaxation_revenue": 340.0,
    "below_band": 2, "within_band": 2, "above_band": 1, "below_band_gap": 25.0,
}


def test_kpi_report_known_answers(engine):
    build_small_chain(engine)
    with Session(engine) as session:
        report = kpi_report(session, WEEK)
    assert report["from"] == "2026-03-01" and report["to"] == "2026-03-07"
    assert report["locations"] == [ALPHA, BETA]
    assert report["chain"] == CHAIN


def test_the_overview_table_reads_the_results_first(engine):
    build_small_chain(engine)
    with Session(engine) as session:
        table = as_read(kpi_table(session, WEEK)).set_index("location")
    assert list(table.columns[:7]) == ["location_id", "tier", "revenue", "utilisation",
                                       "therapeutic_share", "completed", "avg_ticket"]
    every = ["location_id", "tier", *(k for k in ALPHA if k != "location")]
    assert sorted(table.columns) == sorted(every)  # nothing lost, nothing twice
    assert table.loc["Alpha Spa", ["revenue", "utilisation"]].tolist() == [530.0, 0.5417]


def test_location_scope_limits_every_figure(engine):
    ids = build_small_chain(engine)
    with Session(engine) as session:
        report = kpi_report(session, WEEK, location_ids=[ids["beta"]])
        table = kpi_table(session, WEEK, location_ids=[ids["beta"]])
    assert report["locations"] == [BETA]
    assert report["chain"] == {k: v for k, v in BETA.items() if k != "location"}
    assert table["location"].tolist() == ["Beta Clinic"]


def test_empty_period_gives_nulls_not_errors(engine):
    build_small_chain(engine)
    with Session(engine) as session:
        chain = kpi_report(session, Period(date(2027, 1, 1), date(2027, 1, 2)))["chain"]
    assert chain["bookings"] == 0 and chain["revenue"] == 0.0
    assert chain["avg_ticket"] is None
    assert chain["utilisation"] is None
    assert chain["therapeutic_share"] is None


def test_weekly_revenue_splits_by_category(engine):
    build_small_chain(engine)
    with Session(engine) as session:
        weekly = weekly_revenue(session, Period(date(2026, 3, 1), date(2026, 3, 8)))
    by_key = {(str(r.week.date()), r.category): r.revenue for r in weekly.itertuples()}
    # 2026-03-01 is a Sunday: its week starts Monday 2026-02-23; the rest in 2026-03-02.
    assert by_key == {
        ("2026-03-02", "relaxation"): 100 + 160 + 80 + 110,
        ("2026-03-02", "therapeutic"): 180 + 90,
        ("2026-03-02", "other"): 90,
    }


def test_report_kpis_command_prints_the_same_document(engine, db_url, capsys):
    build_small_chain(engine)
    code = main(["report", "kpis", "--db", db_url, "--from", "2026-03-01", "--to",
                 "2026-03-07", "--location", "  alpha   SPA ", "--json"])
    assert code == 0
    document = json.loads(capsys.readouterr().out)
    assert document["locations"] == [ALPHA]
    assert document["chain"] == {k: v for k, v in ALPHA.items() if k != "location"}


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--from", "2026-03-07", "--to", "2026-03-01"], "before --from"),
        (["--from", "2026-03-01", "--to", "2026-03-07", "--location", "Nowhere"], "no location"),
    ],
)
def test_report_kpis_refuses_unusable_input(engine, db_url, capsys, argv, message):
    build_small_chain(engine)
    assert main(["report", "kpis", "--db", db_url, *argv, "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ") and message in captured.err
