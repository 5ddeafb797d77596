"""Chain-wide settings with their defaults from DOMAIN.md, and the reference data every
database carries (market bands, default settings) whether or not it ever saw the demo."""

import json

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection
from sqlmodel import Session
from sqlmodel import select as sm_select

from models import MarketBand, Setting
from seed.reference import DEFAULT_SETTINGS, MARKET_BANDS


def load_settings(session: Session) -> dict[str, object]:
    """Return every setting, stored values over the defaults."""
    values = dict(DEFAULT_SETTINGS)
    for row in session.exec(sm_select(Setting)):
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


def ensure_reference_data(connection: Connection) -> dict[str, int]:
    """Add the default market bands and settings a database lacks; never overwrite one.

    Returns how many band rows and settings were added (0 and 0 when all were there).
    """
    bands, settings = MarketBand.__table__, Setting.__table__
    have_bands = {(r.tier, r.category) for r in connection.execute(
        select(bands.c.tier, bands.c.category))}
    new_bands = [{"tier": t, "category": c, "low": lo, "high": hi, "source": src}
                 for t, c, lo, hi, src in MARKET_BANDS if (t, c) not in have_bands]
    if new_bands:
        connection.execute(insert(bands), new_bands)
    have_keys = set(connection.execute(select(settings.c.key)).scalars())
    new_settings = [{"key": k, "value": json.dumps(v)} for k, v in DEFAULT_SETTINGS.items()
                    if k not in have_keys]
    if new_settings:
        connection.execute(insert(settings), new_settings)
    return {"market_bands": len(new_bands), "settings": len(new_settings)}
