"""Server-side sign-in sessions: one row per sign-in, found by the hash of its cookie token."""

from datetime import datetime

from sqlmodel import Field, SQLModel


class SignInSession(SQLModel, table=True):
    """One sign-in of one person; the browser holds its token, the database only hashes."""

    __tablename__ = "sign_in_session"
    # Ids are never reused (SQLite would reuse a deleted highest one), so a tab that kept
    # the id of a long-gone session can never land in someone else's.
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    token_hash: str | None = Field(default=None, max_length=64, unique=True,
                                   description="SHA-256 of the cookie token, once handed over")
    handoff_hash: str | None = Field(default=None, max_length=64, unique=True,
                                     description="SHA-256 of the one-time code that sets the "
                                                 "cookie")
    handoff_expires_at: datetime | None = None
    created_at: datetime
    last_seen_at: datetime
    revoked_at: datetime | None = None
