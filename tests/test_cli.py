"""The `spaops` command keeps the contract: --db, --json, exit codes, one-line errors."""

import json
import subprocess
import sys

import pytest
from sqlalchemy import inspect
from sqlmodel import Session, select

from models import Location
from spaops.cli import main
from spaops.db import make_engine


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_init_is_idempotent(db_url, capsys):
    code, out, _ = run(["init", "--db", db_url, "--json"], capsys)
    assert code == 0 and json.loads(out)["created"] is True
    code, out, _ = run(["init", "--db", db_url, "--json"], capsys)
    assert code == 0 and json.loads(out)["created"] is False


def test_init_says_why_another_database_gets_no_demo(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'mine.db'}"
    code, out, err = run(["init", "--demo-if-new", "--db", url], capsys)
    assert (code, out) == (0, "schema created\n")
    assert err.startswith("no demo chain: only the app's own file (")
    assert "spaops --db URL seed demo" in err
    code, out, err = run(["init", "--demo-if-new", "--db", url], capsys)
    assert (out, err) == ("schema up to date\n", "")  # nothing to say once it exists


def test_location_creates_then_updates_by_name(db_url, capsys):
    code, out, _ = run(["location", "Harbor Day Spa", "--tier", "urban", "--timezone",
                        "America/New_York", "--rooms", "6", "--db", db_url, "--json"], capsys)
    assert code == 0
    assert json.loads(out) == {"location": "Harbor Day Spa", "created": True, "tier": "urban",
                               "timezone": "America/New_York", "rooms": 6}
    code, out, _ = run(["location", "  harbor   DAY spa", "--rooms", "7", "--db", db_url,
                        "--json"], capsys)
    assert code == 0
    document = json.loads(out)
    assert document["created"] is False and document["rooms"] == 7
    assert document["tier"] == "urban"
    engine = make_engine(db_url)
    with Session(engine) as session:
        assert [loc.name for loc in session.exec(select(Location))] == ["Harbor Day Spa"]
    engine.dispose()


@pytest.mark.parametrize(
    "argv, message",
    [
        (["location", "X", "--timezone", "Mars/Olympus"], "unknown timezone"),
        (["location", "X", "--tier", "lunar"], "invalid choice"),
        (["location", "X", "--rooms", "-1"], "--rooms"),
        (["location", "   "], "empty"),
    ],
)
def test_location_refuses_bad_input_and_writes_nothing(db_url, capsys, argv, message):
    code, out, err = run([*argv, "--db", db_url], capsys)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
    engine = make_engine(db_url)
    if inspect(engine).has_table("location"):
        with Session(engine) as session:
            assert session.exec(select(Location)).all() == []
    engine.dispose()


def test_usage_errors_are_one_line_with_exit_2(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "spaops.cli", "location", "X", "--tier", "lunar",
         "--db", f"sqlite:///{tmp_path / 'x.db'}"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_unreachable_database_is_a_clean_error(capsys):
    code, out, err = run(["init", "--db",
                          "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"],
                         capsys)
    assert code == 2 and out == ""
    assert err.startswith("error: cannot use the database")


def test_seed_demo_json_and_refuses_a_second_time(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    code, out, _ = run(["seed", "demo", "--db", url, "--bookings", "400", "--json"], capsys)
    assert code == 0
    document = json.loads(out)
    assert document["bookings"] == 400 and document["locations"] == 4
    code, out, err = run(["seed", "demo", "--db", url, "--bookings", "400"], capsys)
    assert code == 2 and "already has data" in err


def imported_modules(*argv: str) -> set[str]:
    """Run `python -X importtime -m spaops.cli ARGV` and return every module it imported."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "spaops.cli", *argv],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [line for line in result.stderr.splitlines() if line.startswith("import time:")]
    assert lines, "no -X importtime output"
    return {line.rsplit("|", 1)[1].strip() for line in lines[1:]}  # [0] is the header


def loaded(modules: set[str], *roots: str) -> set[str]:
    """The modules of `modules` that are one of `roots` or inside one of them."""
    return {m for m in modules if any(m == r or m.startswith(f"{r}.") for r in roots)}


def test_help_imports_no_database_or_dataframe_code():
    modules = imported_modules("--help")
    assert "spaops.cli.common" in modules  # the parse really ran
    assert loaded(modules, "sqlalchemy", "sqlmodel", "pandas", "models", "spaops.db") == set()


def test_actions_imports_only_what_it_uses(tmp_path):
    modules = imported_modules("actions", "--help")
    assert "spaops.cli.actions" in modules
    assert loaded(modules, "argon2", "spaops.ingest", "seed", "sqlalchemy", "spaops.actions") \
        == set()
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert main(["init", "--db", url]) == 0
    modules = imported_modules("actions", "--db", url, "--from", "2026-11-01", "--to",
                               "2026-11-07")
    assert "spaops.actions" in modules  # the command really ran
    assert loaded(modules, "argon2", "pandas", "spaops.ingest", "spaops.autoassign",
                  "seed.demo") == set()
