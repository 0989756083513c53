"""Invitations by email: to the network, or to a group to land in.

An invitation is open until it is accepted or withdrawn; past `expires_at`
it no longer works, but stays listed (as expired) so it can be sent again.
Its link is signed (nic.services.invitations) and names the row and how many
times it was sent, so only the latest mail's link works, and only once.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nic.extensions import db
from nic.models.base import as_utc, utcnow

if TYPE_CHECKING:
    from nic.models.accounts import User
    from nic.models.groups import Group


class InvitationStatus(enum.StrEnum):
    PENDING = "pending"
    EXPIRED = "expired"
    ACCEPTED = "accepted"
    WITHDRAWN = "withdrawn"


class Invitation(db.Model):
    __tablename__ = "invitation"
    __table_args__ = (
        # A group's open invitations, newest first (its members page, the API).
        sa.Index("ix_invitation_group_open", "group_id", "accepted_at", "withdrawn_at"),
        # Every open invitation, newest first (the admin page, the API for admins).
        sa.Index("ix_invitation_open", "accepted_at", "withdrawn_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Normalised as accounts store theirs (nic.services.accounts.normalize_email).
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    # The group the invited person lands in; None: an administrator's network invitation.
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("peer_group.id", ondelete="CASCADE"))
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # The link names this: sending again makes the earlier mails' links stop working.
    send_count: Mapped[int] = mapped_column(default=1, server_default="1")
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    accepted_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )

    group: Mapped[Group | None] = relationship(lazy="raise")
    invited_by: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[invited_by_id])

    @property
    def is_open(self) -> bool:
        """Neither accepted nor withdrawn (it may have expired: sending again renews it)."""
        return self.accepted_at is None and self.withdrawn_at is None

    def status(self, now: datetime) -> InvitationStatus:
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if self.withdrawn_at is not None:
            return InvitationStatus.WITHDRAWN
        if as_utc(self.expires_at) <= now:
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING
