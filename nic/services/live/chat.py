"""Live chat: messages (send, catch up, delete), reactions and attendance.

Nothing acknowledged may be lost: `send_message` commits before it returns
(the socket ack) and before it publishes (the room broadcast). A client that
lost its connection resends with the same `client_msg_id`; the unique
constraint makes the resend store nothing and answer the original.
Catching up is `messages_after(session_id, after_id)`: ids increase within a
session, so "everything after the last id I saw" has no gaps.
"""

from __future__ import annotations

from dataclasses import asdict

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from nic import events
from nic.database import begin_write
from nic.errors import ChatLocked, Muted, NotFound, NotLive, ValidationError
from nic.extensions import db
from nic.models import ChatMessage, Group, LiveSession, Reaction, User, iso_utc, utcnow
from nic.services import library, notification_feed, notifications
from nic.services.library import PracticePreview
from nic.services.live.access import LiveAccess, may_facilitate, may_take_part, person
from nic.services.live.sessions import publish_state
from nic.services.mentions import render_with_mentions
from nic.services.validation import check_characters, clean_text, practice_links

MESSAGE_MAX = 4_000
CLIENT_MSG_ID_MAX = 64
HISTORY_LIMIT = 200
QUOTE_MAX = 200
# A fixed set keeps reactions readable and the column small.
REACTION_EMOJI = ("👍", "❤️", "🎉", "😂", "🤔", "👏", "💡", "✅")
_INSERT_MESSAGE = sa.insert(ChatMessage.__table__)


def _quote(parent: ChatMessage | None, parent_author: User | None) -> dict | None:
    """What a reply shows of the message it answers (a deleted one shows nothing)."""
    if parent is None:
        return None
    if parent.deleted_at is not None or parent_author is None:
        return {"id": parent.id, "deleted": True}
    excerpt = parent.body if len(parent.body) <= QUOTE_MAX else parent.body[:QUOTE_MAX] + "…"
    return {
        "id": parent.id,
        "deleted": False,
        "author": {"id": parent_author.id, "name": parent_author.name},
        "body": excerpt,
    }


def _preview(card: PracticePreview) -> dict:
    return {**asdict(card), "url": url_for("practices.show", practice_id=card.id)}


def serialize_message(
    message: ChatMessage,
    reply_to: dict | None = None,
    reactions: dict[str, list[int]] | None = None,
    practices: list[PracticePreview] | None = None,
) -> dict:
    """A message as the protocol sends it (the `message` event, join and the transcript).

    `message.author` must be loaded (with its school); `reply_to` is the
    quote `messages_after` builds, `reactions` maps emoji to user ids,
    `practices` are the preview cards of the practices it links to that
    everyone in the room may see (`library.room_previews`).
    """
    deleted = message.deleted_at is not None
    return {
        "id": message.id,
        "session_id": message.session_id,
        "author": person(message.author),
        "body": "" if deleted else message.body,
        "body_html": "" if deleted else message.body_html,
        "created_at": iso_utc(message.created_at),
        "client_msg_id": message.client_msg_id,
        "reply_to": reply_to,
        "reactions": reactions or {},
        "practices": [] if deleted else [_preview(card) for card in practices or ()],
        "deleted": deleted,
    }


def _reactions_for(message_ids: list[int]) -> dict[int, dict[str, list[int]]]:
    found: dict[int, dict[str, list[int]]] = {}
    if not message_ids:
        return found
    rows = db.session.execute(
        sa.select(Reaction.message_id, Reaction.emoji, Reaction.user_id)
        .where(Reaction.message_id.in_(message_ids))
        .order_by(Reaction.created_at, Reaction.user_id)
    )
    for message_id, emoji, user_id in rows:
        found.setdefault(message_id, {}).setdefault(emoji, []).append(user_id)
    return found


def messages_after(
    session: LiveSession, after_id: int | None = None, limit: int = HISTORY_LIMIT
) -> list[dict]:
    """Undeleted messages of a session, oldest first, serialized; four queries at most.

    With `after_id`, the first `limit` messages after it (catching up);
    without, the latest `limit`. The caller has authorized the reader and
    loaded `session.group`.
    """
    session_id = session.id
    parent, parent_author = aliased(ChatMessage), aliased(User)
    query = (
        sa.select(ChatMessage, parent, parent_author)
        .options(joinedload(ChatMessage.author).joinedload(User.school))
        .outerjoin(parent, parent.id == ChatMessage.reply_to_id)
        .outerjoin(parent_author, parent_author.id == parent.author_id)
        .where(ChatMessage.session_id == session_id, ChatMessage.deleted_at.is_(None))
        .limit(limit)
    )
    if after_id is not None:
        query = query.where(ChatMessage.id > after_id).order_by(ChatMessage.id)
        rows = list(db.session.execute(query))
    else:
        rows = list(db.session.execute(query.order_by(ChatMessage.id.desc())))[::-1]
    reactions = _reactions_for([row[0].id for row in rows])
    linked = library.room_previews(session.group, (row[0].practice_links for row in rows))
    return [
        serialize_message(message, _quote(quoted, quoted_author), reactions.get(message.id), cards)
        for (message, quoted, quoted_author), cards in zip(rows, linked, strict=True)
    ]


def deleted_message_ids(session_id: int, up_to_id: int) -> list[int]:
    """Ids up to `up_to_id` deleted since: a reconnecting client removes these."""
    return list(
        db.session.scalars(
            sa.select(ChatMessage.id)
            .where(
                ChatMessage.session_id == session_id,
                ChatMessage.id <= up_to_id,
                ChatMessage.deleted_at.is_not(None),
            )
            .order_by(ChatMessage.id)
        )
    )


def _clean_client_msg_id(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > CLIENT_MSG_ID_MAX:
        raise ValidationError(
            "client_msg_id", f"Give each message an id of 1 to {CLIENT_MSG_ID_MAX} characters."
        )
    problem = check_characters(value)
    if problem:
        raise ValidationError("client_msg_id", problem)
    return value


def _original(session_id: int, author_id: int, client_msg_id: str) -> ChatMessage | None:
    return db.session.scalar(
        sa.select(ChatMessage).where(
            ChatMessage.session_id == session_id,
            ChatMessage.author_id == author_id,
            ChatMessage.client_msg_id == client_msg_id,
        )
    )


def _message_in(session_id: int, message_id: object) -> ChatMessage:
    """An undeleted message of this session; raises NotFound."""
    message = db.session.get(ChatMessage, message_id) if isinstance(message_id, int) else None
    if message is None or message.session_id != session_id or message.deleted_at is not None:
        raise NotFound("No such message.")
    return message


def _parent(message_id: int) -> ChatMessage | None:
    """A message (deleted or not) with its author, for quoting it in a reply."""
    return db.session.scalar(
        sa.select(ChatMessage)
        .options(joinedload(ChatMessage.author))
        .where(ChatMessage.id == message_id)
    )


def _serialize_new(room: Group, message: ChatMessage, parent: ChatMessage | None) -> dict:
    """A message just sent (or resent) in the room of this group's session."""
    (cards,) = library.room_previews(room, [message.practice_links])
    quote = _quote(parent, parent.author if parent else None)
    return serialize_message(message, quote, None, cards)


def _resent(room: Group, user: User, session_id: int, client_msg_id: str) -> dict | None:
    """The original of a resent message, serialized, or None if there is none."""
    original = _original(session_id, user.id, client_msg_id)
    if original is None:
        return None
    set_committed_value(original, "author", user)
    parent = _parent(original.reply_to_id) if original.reply_to_id else None
    data = _serialize_new(room, original, parent)
    db.session.commit()
    return data


def send_message(
    access: LiveAccess, body: object, client_msg_id: object, reply_to_id: object = None
) -> dict:
    """Post a chat message; commit, then broadcast `message`; returns it serialized.

    `access` must be loaded with `lock=True` (the `send` event does), so
    messages of a session commit in id order. A resend (same author, session
    and `client_msg_id`) stores nothing and returns the original, even if the
    chat was locked or the session ended since: the first send was stored,
    so the client must learn that.
    Raises NotFound, PermissionDenied, NotLive, ChatLocked, Muted, ValidationError.
    """
    text = clean_text("body", body, max_length=MESSAGE_MAX)
    cmid = _clean_client_msg_id(client_msg_id)
    # Kept apart: a rollback below expires the session, whose group is not lazy-loaded.
    session_id, user, room = access.item.id, access.user, access.item.group
    begin_write()
    try:
        may_take_part(access, speak=True)
    except (NotLive, ChatLocked, Muted):
        original = _resent(room, user, session_id, cmid)
        if original is None:
            raise
        return original
    quoted = None
    if reply_to_id is not None:
        quoted = _parent(reply_to_id) if isinstance(reply_to_id, int) else None
        if quoted is None or quoted.session_id != session_id or quoted.deleted_at is not None:
            raise NotFound("No such message to reply to.")
    rendered = render_with_mentions(text, user, chat=True)
    html = rendered.html
    values = {
        "session_id": session_id,
        "author_id": user.id,
        "body": text,
        "body_html": html,
        "client_msg_id": cmid,
        "practice_links": practice_links(html),
        "reply_to_id": quoted.id if quoted else None,
        "created_at": utcnow(),
        "deleted_at": None,
    }
    try:
        # A Core insert, not the unit of work: on the path of every chat
        # message, an ORM flush cost several times the INSERT it runs.
        inserted = db.session.execute(_INSERT_MESSAGE, values).inserted_primary_key
        told = (
            notifications.chat_written(access.item, user.id, rendered)
            if rendered.user_ids or rendered.group_ids
            else set()
        )
        db.session.commit()
    except IntegrityError:
        # The same client_msg_id was stored before (a resend racing the first
        # send): answer the original. No savepoint, to keep the common path short.
        db.session.rollback()
        original = _resent(room, user, session_id, cmid)
        if original is None:
            raise
        return original
    message = ChatMessage(id=inserted[0], **values)
    message.author = user
    data = _serialize_new(room, message, quoted)
    events.publish("message", data, events.session_room(session_id))
    notification_feed.publish_counts(told)
    return data


def delete_message(access: LiveAccess, message_id: object) -> None:
    """A facilitator removes a message for everyone (also after the session ended).

    Raises NotFound, PermissionDenied.
    """
    begin_write()
    session = may_facilitate(access, live=False).item
    session_id = session.id
    message = _message_in(session_id, message_id)
    message.deleted_at = utcnow()
    unpinned = session.pinned_message_id == message.id
    if unpinned:
        session.pinned_message_id = None
    db.session.commit()
    events.publish(
        "message_deleted",
        {"session_id": session_id, "message_id": message.id},
        events.session_room(session_id),
    )
    if unpinned:
        publish_state(session)


def toggle_reaction(access: LiveAccess, message_id: object, emoji: object) -> dict:
    """Add this user's reaction to a message, or take it back; broadcast `reaction`.

    Raises NotFound, PermissionDenied, NotLive, ValidationError.
    """
    if not isinstance(emoji, str) or emoji not in REACTION_EMOJI:
        raise ValidationError("emoji", f"Choose one of: {' '.join(REACTION_EMOJI)}")
    begin_write()
    may_take_part(access)
    session_id, user = access.item.id, access.user
    message = _message_in(session_id, message_id)
    existing = db.session.get(Reaction, (message.id, user.id, emoji))
    if existing is not None:
        db.session.delete(existing)
    else:
        db.session.add(Reaction(message_id=message.id, user_id=user.id, emoji=emoji))
    db.session.flush()
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Reaction)
        .where(Reaction.message_id == message.id, Reaction.emoji == emoji)
    )
    db.session.commit()
    data = {
        "session_id": session_id,
        "message_id": message.id,
        "emoji": emoji,
        "user_id": user.id,
        "active": existing is None,
        "count": count,
    }
    events.publish("reaction", data, events.session_room(session_id))
    return data
