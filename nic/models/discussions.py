"""Threaded discussions: threads, posts in a reply tree, edits, read state."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nic.extensions import db
from nic.models.base import utcnow

if TYPE_CHECKING:
    from nic.models.accounts import User
    from nic.models.groups import Group


class Thread(db.Model):
    __tablename__ = "thread"
    __table_args__ = (
        # The group page: pinned first, then by last activity.
        sa.Index("ix_thread_group_listing", "group_id", "pinned", "last_activity_at"),
        # The home page: each group's most recently active threads.
        sa.Index("ix_thread_group_activity", "group_id", "last_activity_at"),
        # The dashboard: threads with no reply yet, oldest waiting first.
        sa.Index("ix_thread_unanswered", "reply_count", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("peer_group.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    pinned: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)
    hidden: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # Replies, not counting the opening post; kept by the services.
    reply_count: Mapped[int] = mapped_column(default=0)
    last_post_id: Mapped[int | None] = mapped_column()
    # Posts not deleted, the opening post included; kept by nic.services.read_state.
    post_count: Mapped[int] = mapped_column(default=0, server_default="0")

    group: Mapped[Group] = relationship(lazy="raise")
    author: Mapped[User] = relationship(lazy="raise")


class Post(db.Model):
    __tablename__ = "post"
    __table_args__ = (
        sa.Index("ix_post_thread_id_id", "thread_id", "id"),
        # The dashboard's window: posts written since a day.
        sa.Index("ix_post_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("thread.id", ondelete="CASCADE"))
    # None for the opening post and for replies to the thread itself.
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("post.id", ondelete="SET NULL"), index=True
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    # Rendered and sanitised once, when written (nic.markup).
    body_html: Mapped[str] = mapped_column(sa.Text)
    # The practices it links to ("3,17"), found when written: their preview cards.
    practice_links: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    hidden: Mapped[bool] = mapped_column(default=False)

    author: Mapped[User] = relationship(lazy="raise")
    thread: Mapped[Thread] = relationship(lazy="raise")

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


class PostRevision(db.Model):
    """A post's earlier text, saved each time it is edited."""

    __tablename__ = "post_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("post.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    # When this text was written (the post's creation or an earlier edit).
    written_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    replaced_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class ThreadRead(db.Model):
    """How far a member has read a thread."""

    __tablename__ = "thread_read"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[int] = mapped_column(
        sa.ForeignKey("thread.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    last_read_post_id: Mapped[int] = mapped_column(default=0)
    # Posts not deleted up to last_read_post_id: unread = thread.post_count - read_count.
    read_count: Mapped[int] = mapped_column(default=0, server_default="0")
    read_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
