"""Signed-in browsers: one row per sign-in, so a sign-in can be ended on the server."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from nic.extensions import db
from nic.models.base import utcnow


class LoginSession(db.Model):
    """One sign-in on one device; the session and remember-me cookies carry its key.

    Only the SHA-256 of the key is stored. Ending the sign-in deletes the row,
    and both cookies stop working with it.
    """

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # As the browser sent it at sign-in (cut to length), to name the device in settings.
    user_agent: Mapped[str] = mapped_column(sa.String(400), default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
