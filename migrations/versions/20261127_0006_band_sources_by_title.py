"""market bands cite their article by its title, not by where the team kept it

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 01:00:00

The default bands' source read "shared/seeds/000 'Average Costs (2026 estimates)': ...", a
path in the team's files, on the Pricing page and in its editor. A band an owner edited
keeps its own words: only texts that begin with the old citation change.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "shared/seeds/000 'Average Costs (2026 estimates)'"
NEW = "Average Costs (2026 estimates)"


def _cite(before: str, after: str) -> None:
    op.execute(sa.text(
        "UPDATE market_band SET source = :after || substr(source, :rest) "
        "WHERE substr(source, 1, :length) = :before"
    ).bindparams(before=before, after=after, rest=len(before) + 1, length=len(before)))


def upgrade() -> None:
    """Apply this revision."""
    _cite(OLD, NEW)


def downgrade() -> None:
    """Revert this revision."""
    _cite(NEW, OLD)
