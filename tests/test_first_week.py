"""A real chain's first week through the command line: `spaops init` alone, then the
chain's own locations, roster, rota and one booking export, gives hand-worked figures."""

import json
from pathlib import Path

from spaops.cli import main

FILES = Path(__file__).parent / "fixtures" / "first_week"


def _run(argv: list[str], capsys) -> dict:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_a_chain_made_by_init_alone_reports_hand_worked_figures(db_url, capsys):
    files = {"roster": FILES / "roster.csv", "shifts": FILES / "shifts.csv",
             "cedar": FILES / "cedar_bookings.csv", "birch": FILES / "birch_bookings.csv"}
    db = ["--db", db_url]
    # Global options before the subcommand, as people type them.
    assert _run([*db, "--json", "init"], capsys)["created"] is True
    _run(["location", "Cedar Spa", "--tier", "urban", "--timezone", "America/New_York",
          "--rooms", "2", *db, "--json"], capsys)
    _run([*db, "location", "Birch Clinic", "--tier", "rural", "--timezone", "America/Chicago",
          "--rooms", "1", "--json"], capsys)
    roster = _run(["import", "therapists", str(files["roster"]), *db, "--json"], capsys)
    assert (roster["inserted"], roster["rejected"], roster["new_locations"]) == (2, 0, [])
    shifts = _run(["import", "shifts", str(files["shifts"]), *db, "--json"], capsys)
    assert (shifts["inserted"], shifts["rejected"]) == (3, 0)
    cedar = _run(["import", "bookings", str(files["cedar"]), *db, "--json"], capsys)
    assert (cedar["inserted"], cedar["rejected"], cedar["new_therapists"]) == (5, 0, [])
    birch = _run(["import", "bookings", str(files["birch"]), "--location", "Birch Clinic",
                  *db, "--json"], capsys)
    assert (birch["inserted"], birch["rejected"], birch["new_locations"]) == (2, 0, [])

    report = _run(["report", "kpis", "--from", "2026-11-02", "--to", "2026-11-08", *db,
                   "--json"], capsys)
    by_name = {row["location"]: row for row in report["locations"]}
    cedar, birch, chain = by_name["Cedar Spa"], by_name["Birch Clinic"], report["chain"]
    # Cedar Spa (urban; bands from `init`: relaxation 110-150, therapeutic 120-165):
    # C1 $100/h below (gap $10), C2 $180 for 90 min = $120/h within, C3 $160/h above.
    # Held minutes C1 60 + C2 90 + C3 60 + C4 60 (no-show) = 270 of 480 + 240 shift minutes.
    assert (cedar["below_band"], cedar["within_band"], cedar["above_band"]) == (1, 1, 1)
    assert cedar["below_band_gap"] == 10.0 and cedar["revenue"] == 440.0
    assert (cedar["booked_minutes"], cedar["scheduled_minutes"]) == (270, 720)
    assert cedar["utilisation"] == 0.375
    # Birch Clinic (rural: relaxation 60-100, therapeutic 70-110): B1 deep $65/h below
    # (gap $5), B2 $80/h within. 120 held minutes of a 360-minute shift.
    assert (birch["below_band"], birch["within_band"], birch["above_band"]) == (1, 1, 0)
    assert birch["below_band_gap"] == 5.0
    assert (birch["booked_minutes"], birch["scheduled_minutes"]) == (120, 360)
    assert birch["utilisation"] == 0.3333
    # The chain: ratios of sums, 390 / 1080.
    assert chain["utilisation"] == 0.3611 and chain["below_band"] == 2


def test_init_restores_reference_data_but_never_overwrites_an_edit(db_url, capsys):
    from sqlalchemy import text

    from spaops.db import make_engine

    _run(["init", "--db", db_url, "--json"], capsys)
    engine = make_engine(db_url)
    with engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM market_band")).scalar_one() == 6
        conn.execute(text("UPDATE market_band SET low = 95 WHERE tier = 'urban' "
                          "AND category = 'relaxation'"))
        conn.execute(text("DELETE FROM market_band WHERE tier = 'rural'"))
        conn.execute(text("UPDATE setting SET value = '300' WHERE key = 'daily_cap_min'"))
    _run(["--db", db_url, "init", "--json"], capsys)
    with engine.connect() as conn:
        bands = dict(conn.execute(text(
            "SELECT tier || '/' || category, low FROM market_band")).all())
        cap = conn.execute(text("SELECT value FROM setting WHERE key = 'daily_cap_min'"))
    assert bands == {"urban/relaxation": 95, "urban/therapeutic": 120,
                     "suburban/relaxation": 90, "suburban/therapeutic": 100,
                     "rural/relaxation": 60, "rural/therapeutic": 70}
    assert cap.scalar_one() == "300"
    engine.dispose()


def test_global_options_work_before_and_after_the_subcommand(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    before = _run(["--db", url, "--json", "init"], capsys)
    after = _run(["init", "--db", url, "--json"], capsys)
    assert before["created"] is True and after["created"] is False
    assert main(["--db"]) == 2
    assert "expected one argument" in capsys.readouterr().err
