"""What nic tells people: notifications, and what each person follows.

A notification is one entry on a person's notifications page. Repeated
events of one kind on one thread fold into the unread entry there ("3 new
replies in ..."): `count` grows, `updated_at` moves, `actor_id` is the latest.
Whether its owner may still see what it points at is asked when it is read
(nic.services.notification_feed), so leaving a group hides its entries.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from nic.extensions import db
from nic.models.base import utcnow


class NotificationKind(enum.StrEnum):
    MENTIONED = "mentioned"
    REPLIED = "replied"
    WATCHED_POST = "watched_post"
    NEW_THREAD = "new_thread"
    PRACTICE_TRIED = "practice_tried"
    PRACTICE_COMMENTED = "practice_commented"
    PRACTICE_HELPFUL = "practice_helpful"
    SESSION_SOON = "session_soon"
    SESSION_LIVE = "session_live"
    GROUP_ADDED = "group_added"
    MADE_FACILITATOR = "made_facilitator"


class EmailFrequency(enum.StrEnum):
    IMMEDIATELY = "immediately"  # batched: at most one mail per thread per 10 minutes
    DAILY = "daily"  # a digest (the default)
    WEEKLY = "weekly"
    NEVER = "never"


class FollowLevel(enum.StrEnum):
    WATCHING = "watching"  # every post
    NORMAL = "normal"  # replies to you and mentions (the default: no row)
    MUTED = "muted"  # nothing


class Notification(db.Model):
    __tablename__ = "notification"
    __table_args__ = (
        # The badge and the page: a person's entries, unread first, newest first.
        sa.Index("ix_notification_user_read_updated", "user_id", "read_at", "updated_at"),
        # Folding a new event into the unread entry of its thread; marking a thread read.
        sa.Index("ix_notification_user_thread_kind", "user_id", "thread_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(24))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    group_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("peer_group.id", ondelete="CASCADE"), index=True
    )
    thread_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("thread.id", ondelete="CASCADE"), index=True
    )
    # The first post the entry tells of: opening it lands there.
    post_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("post.id", ondelete="CASCADE"), index=True
    )
    practice_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("practice.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("live_session.id", ondelete="CASCADE"), index=True
    )
    count: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # When it last went out by email (immediately or in a digest); None: not yet. An entry
    # that folded in more events since (updated_at later) has news to mail again.
    emailed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class _Follow:
    """A person's level on one thing; no row is "normal"."""

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[str] = mapped_column(sa.String(12))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class ThreadFollow(_Follow, db.Model):
    """A person's level on one thread."""

    __tablename__ = "thread_follow"

    thread_id: Mapped[int] = mapped_column(
        sa.ForeignKey("thread.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class GroupFollow(_Follow, db.Model):
    """A person's level on one group: watching tells of every new thread and post."""

    __tablename__ = "group_follow"

    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("peer_group.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class EmailPreference(db.Model):
    """How one kind of notification reaches a person by email; no row is the default."""

    __tablename__ = "email_preference"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(sa.String(24), primary_key=True)
    frequency: Mapped[str] = mapped_column(sa.String(12))


class DigestSent(db.Model):
    """A digest that went out: one per person, frequency and period ("2026-12-02",
    "2026-W49"), so sending the same period again sends nothing."""

    __tablename__ = "digest_sent"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    frequency: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    period: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    entries: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
