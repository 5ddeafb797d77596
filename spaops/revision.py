"""A counter every write bumps, so cached dashboards on every replica notice new data."""

from sqlalchemy import update
from sqlmodel import Session

from models import Setting

KEY = "data_revision"


def data_revision(session: Session) -> int:
    """Return the current data revision (0 before the first write)."""
    row = session.get(Setting, KEY)
    return int(row.value) if row is not None else 0


def bump_data_revision(session: Session) -> None:
    """Advance the data revision inside the caller's transaction."""
    table = Setting.__table__
    changed = session.execute(
        update(table).where(table.c.key == KEY).values(value=str(data_revision(session) + 1))
    ).rowcount
    if not changed:
        session.add(Setting(key=KEY, value="1"))
        session.flush()
