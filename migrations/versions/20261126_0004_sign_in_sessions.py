"""server-side sign-in sessions (a reload or a new tab keeps the person signed in)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "sign_in_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("handoff_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("handoff_expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"],
                                name=op.f("fk_sign_in_session_user_id_app_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sign_in_session_token_hash")),
        sa.UniqueConstraint("handoff_hash", name=op.f("uq_sign_in_session_handoff_hash")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("sign_in_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_session_user_id"), ["user_id"],
                              unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("sign_in_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_session_user_id"))
    op.drop_table("sign_in_session")
