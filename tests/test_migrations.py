"""The Alembic history builds exactly the models' schema, and upgrades keep data."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from spaops.db import alembic_config, make_engine, upgrade_schema


def _differences(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        return compare_metadata(context, SQLModel.metadata)


def test_upgrade_of_empty_database_matches_models(engine):
    assert _differences(engine) == []


def test_one_linear_history():
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"several Alembic heads: {heads}"


def test_upgrade_is_idempotent_and_keeps_data(db_url):
    engine = make_engine(db_url)
    upgrade_schema(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO location (name, name_key, tier, timezone, rooms, "
                          "opens_at, closes_at, turnover_buffer_min, lmt_required) VALUES "
                          "('Kept Spa', 'kept spa', 'rural', 'UTC', 2, '09:00:00', "
                          "'18:00:00', 15, true)"))
    upgrade_schema(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM location")).scalars().all() == ["Kept Spa"]
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert version == head
    assert "booking" in inspect(engine).get_table_names()
    engine.dispose()


def test_band_sources_lose_the_path_but_an_owners_own_source_stays(db_url):
    from alembic import command

    engine = make_engine(db_url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0005")
        connection.execute(text(
            "UPDATE market_band SET source = 'shared/seeds/000 ''Average Costs (2026 "
            "estimates)'': rural clinics charge less' WHERE tier = 'rural'"))
        connection.execute(text("UPDATE market_band SET source = 'Our 2026 survey' "
                                "WHERE tier = 'urban'"))
    upgrade_schema(engine)
    with engine.connect() as connection:
        sources = dict(connection.execute(text(
            "SELECT tier, min(source) FROM market_band GROUP BY tier")).all())
    engine.dispose()
    assert sources["rural"] == "Average Costs (2026 estimates): rural clinics charge less"
    assert sources["urban"] == "Our 2026 survey"
    assert sources["suburban"].startswith("Average Costs (2026 estimates): ")
