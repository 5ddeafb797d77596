"""reference data on every database; shift change audit; remembered header mappings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "shift_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("therapist", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("shift_date", sa.Date(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("before", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("after", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"],
                                name=op.f("fk_shift_change_location_id_location"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_change")),
    )
    with op.batch_alter_table("shift_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shift_change_location_id"), ["location_id"],
                              unique=False)
    op.create_table(
        "header_mapping",
        sa.Column("signature", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("mapping", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("saved_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("saved_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("signature", name=op.f("pk_header_mapping")),
    )
    # Reference data belongs to every database, not only the demo: a chain made with
    # `spaops init` alone gets the default market bands and settings here.
    from spaops.settings import ensure_reference_data

    ensure_reference_data(op.get_bind())


def downgrade() -> None:
    """Revert this revision (the reference rows stay: they are data, not schema)."""
    op.drop_table("header_mapping")
    with op.batch_alter_table("shift_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shift_change_location_id"))
    op.drop_table("shift_change")
