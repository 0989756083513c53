"""Live network sessions: scheduled, facilitated meetings with real-time chat."""

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
    from nic.models.groups import Group


class SessionStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"


class LiveSession(db.Model):
    __tablename__ = "live_session"
    __table_args__ = (sa.Index("ix_live_session_group_starts", "group_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("peer_group.id", ondelete="CASCADE"))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    agenda: Mapped[str] = mapped_column(sa.Text, default="")
    agenda_html: Mapped[str] = mapped_column(sa.Text, default="")
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    status: Mapped[str] = mapped_column(sa.String(16), default=SessionStatus.SCHEDULED.value)
    locked: Mapped[bool] = mapped_column(default=False)
    # Session options: the room does not see who asked (facilitators do); poll results
    # stay hidden from members until the poll closes.
    anonymous_questions: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    hide_poll_results: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    video_url: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    # "Now discussing": a pinned message, or an agenda item's text.
    pinned_message_id: Mapped[int | None] = mapped_column()
    pinned_text: Mapped[str | None] = mapped_column(sa.String(500))
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # When the facilitator asked "What will you test before we meet next?" (services.commitments).
    commitments_opened_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # When its members were told it starts soon (once: nic.services.reminders).
    reminded_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    notes_thread_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("thread.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    group: Mapped[Group] = relationship(lazy="raise")


class LiveSessionThread(db.Model):
    """A thread linked to a session (background reading, follow-up)."""

    __tablename__ = "live_session_thread"

    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("live_session.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[int] = mapped_column(
        sa.ForeignKey("thread.id", ondelete="CASCADE"), primary_key=True
    )


class ChatMessage(db.Model):
    __tablename__ = "chat_message"
    __table_args__ = (
        # A resend after a dropped connection stores nothing new.
        sa.UniqueConstraint("session_id", "author_id", "client_msg_id"),
        sa.Index("ix_chat_message_session_id_id", "session_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("live_session.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    client_msg_id: Mapped[str] = mapped_column(sa.String(64))
    # The practices the message links to, for their preview cards (as on posts).
    practice_links: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    reply_to_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("chat_message.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    author: Mapped[User] = relationship(lazy="raise")


class Reaction(db.Model):
    __tablename__ = "chat_reaction"

    message_id: Mapped[int] = mapped_column(
        sa.ForeignKey("chat_message.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    emoji: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class Participant(db.Model):
    """Attendance and per-person state in a session (mute, raised hand)."""

    __tablename__ = "live_participant"

    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("live_session.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    first_joined_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    muted: Mapped[bool] = mapped_column(default=False)
    hand_raised_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    called_on_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    user: Mapped[User] = relationship(lazy="raise")


class Question(db.Model):
    __tablename__ = "live_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("live_session.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    vote_count: Mapped[int] = mapped_column(default=0)
    anonymous: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    author: Mapped[User] = relationship(lazy="raise")


class QuestionVote(db.Model):
    __tablename__ = "live_question_vote"

    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("live_question.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )


class Poll(db.Model):
    __tablename__ = "live_poll"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("live_session.id", ondelete="CASCADE"), index=True
    )
    question: Mapped[str] = mapped_column(sa.String(300))
    options: Mapped[list[str]] = mapped_column(sa.JSON)
    multiple: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    opened_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class PollVote(db.Model):
    __tablename__ = "live_poll_vote"

    poll_id: Mapped[int] = mapped_column(
        sa.ForeignKey("live_poll.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    # One row per chosen option: a multiple-choice poll keeps several per person.
    option_index: Mapped[int] = mapped_column(primary_key=True)
