"""Cross-school peer groups and their memberships."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nic.extensions import db
from nic.models.base import utcnow

if TYPE_CHECKING:
    from nic.models.accounts import User


class Visibility(enum.StrEnum):
    NETWORK = "network"  # any member of the network can see and join
    PRIVATE = "private"  # members only; outsiders get 404 everywhere


class GroupRole(enum.StrEnum):
    MEMBER = "member"
    FACILITATOR = "facilitator"


class Group(db.Model):
    __tablename__ = "peer_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    # How the group is mentioned ("@principals-circle"): made from the name, and made
    # again when the name changes (nic.services.handles). Group links use the id.
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    description: Mapped[str] = mapped_column(sa.String(2000), default="")
    # Comma-separated JobRole values the group is meant for ("" = everyone).
    job_roles_csv: Mapped[str] = mapped_column(sa.String(300), default="")
    visibility: Mapped[str] = mapped_column(sa.String(16), default=Visibility.NETWORK.value)
    # Anyone signed in may post, members or not (the practice library's discussions).
    open_posting: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # Posts not deleted in threads not hidden, and threads not hidden;
    # kept by nic.services.read_state.
    post_count: Mapped[int] = mapped_column(default=0, server_default="0")
    thread_count: Mapped[int] = mapped_column(default=0, server_default="0")

    @property
    def job_roles(self) -> list[str]:
        return [r for r in self.job_roles_csv.split(",") if r]

    @job_roles.setter
    def job_roles(self, roles: list[str]) -> None:
        self.job_roles_csv = ",".join(roles)

    @property
    def is_private(self) -> bool:
        return self.visibility == Visibility.PRIVATE.value


class Membership(db.Model):
    __tablename__ = "membership"

    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("peer_group.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(sa.String(16), default=GroupRole.MEMBER.value)
    joined_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # When the member last opened the group page: threads active since are "new".
    last_visited_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # The member's thread_read.read_count summed over the group's threads not hidden:
    # unread in the group = group.post_count - read_count.
    read_count: Mapped[int] = mapped_column(default=0, server_default="0")

    user: Mapped[User] = relationship(lazy="raise")
    group: Mapped[Group] = relationship(lazy="raise")

    @property
    def is_facilitator(self) -> bool:
        return self.role == GroupRole.FACILITATOR.value
