"""Chain-wide settings as key/value pairs (utilisation band, cadences, daily cap)."""

from sqlmodel import Field, SQLModel


class Setting(SQLModel, table=True):
    """One chain-wide setting, its value stored as JSON text."""

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=500)
