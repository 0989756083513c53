"""Roster imports: each check or save of a network's roster files, kept for the API."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from nic.extensions import db
from nic.models.base import utcnow


class ImportStatus(enum.StrEnum):
    PREVIEW = "preview"  # checked, nothing saved (a dry run, or refused for its rows)
    APPLIED = "applied"  # saved


class RosterImport(db.Model):
    __tablename__ = "roster_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Who ran it (None: the CLI, or an account since removed).
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    status: Mapped[str] = mapped_column(sa.String(16), default=ImportStatus.PREVIEW.value)
    # What the files would do (nic.services.roster_changes.Plan.as_dict): their columns, each
    # district, school and person created, updated or left alone, the errors by row, the
    # people not in the files; and once applied, what was saved (the same counts).
    preview: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)
