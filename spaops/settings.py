"""Chain-wide settings with their defaults from DOMAIN.md."""

import json

from sqlmodel import Session, select

from models import Setting
from seed.reference import DEFAULT_SETTINGS


def load_settings(session: Session) -> dict[str, object]:
    """Return every setting, stored values over the defaults."""
    values = dict(DEFAULT_SETTINGS)
    for row in session.exec(select(Setting)):
        values[row.key] = json.loads(row.value)
    return values


def save_setting(session: Session, key: str, value: object) -> None:
    """Store one setting (the caller commits)."""
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=json.dumps(value)))
    else:
        row.value = json.dumps(value)
        session.add(row)
