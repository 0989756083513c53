"""Facilitation tools: "now discussing", lock, mute, the raised-hand queue; the join snapshot.

Facilitators (the group's facilitators and administrators, per
nic.policy.can_facilitate_session) pin, lock, mute and call on people;
members raise and lower their own hand. Every change is committed, then
broadcast to the session room (`state`, `presence` or `hands`).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from nic import events, policy
from nic.database import begin_write
from nic.errors import NotFound, PermissionDenied, ValidationError
from nic.extensions import db
from nic.models import ChatMessage, Membership, Participant, User, as_utc, iso_utc, utcnow
from nic.services.live import questions as live_questions
from nic.services.live.access import LiveAccess, may_facilitate, may_take_part, person
from nic.services.live.attendance import ensure_participant, participant_payload
from nic.services.live.sessions import publish_state, state_of
from nic.services.validation import clean_text

PIN_TEXT_MAX = 500


def pin(access: LiveAccess, message_id: object = None, text: object = None) -> dict:
    """Set "now discussing" to a message or an agenda item's text; neither unpins.

    Returns the new state. Raises NotFound, PermissionDenied, NotLive, ValidationError.
    """
    if message_id is not None and text is not None:
        raise ValidationError("text", "Pin a message or a text, not both.")
    begin_write()
    session = may_facilitate(access).item
    session_id = session.id
    if message_id is not None:
        message = db.session.get(ChatMessage, message_id) if isinstance(message_id, int) else None
        if message is None or message.session_id != session_id or message.deleted_at is not None:
            raise NotFound("No such message.")
        session.pinned_message_id, session.pinned_text = message.id, None
    elif text is not None:
        session.pinned_text = clean_text("text", text, max_length=PIN_TEXT_MAX)
        session.pinned_message_id = None
    else:
        session.pinned_message_id = session.pinned_text = None
    db.session.commit()
    publish_state(session)
    return state_of(session)


def set_locked(access: LiveAccess, locked: bool) -> dict:
    """Lock the chat (only facilitators can write) or unlock it; returns the new state."""
    begin_write()
    session = may_facilitate(access).item
    session.locked = bool(locked)
    db.session.commit()
    publish_state(session)
    return state_of(session)


def set_muted(access: LiveAccess, target_id: int, muted: bool) -> dict:
    """Mute a participant (no messages or questions) or unmute them; broadcast `presence`.

    Facilitators cannot be muted. Raises NotFound (not a participant),
    PermissionDenied, NotLive.
    """
    begin_write()
    session = may_facilitate(access).item
    session_id = session.id
    row = db.session.execute(
        sa.select(Participant, User, Membership)
        .join(User, User.id == Participant.user_id)
        .outerjoin(
            Membership,
            sa.and_(Membership.group_id == session.group_id, Membership.user_id == User.id),
        )
        .where(Participant.session_id == session_id, Participant.user_id == target_id)
    ).first()
    if row is None:
        raise NotFound("That person has not joined this session.")
    participant, target, membership = row
    if policy.can_facilitate_session(target, session, membership):
        raise PermissionDenied("Facilitators cannot be muted.")
    participant.muted = bool(muted)
    db.session.commit()
    data = participant_payload(participant, target, online=True)
    del data["online"]  # told by joined/left alone; clients keep what presence said
    events.publish(
        "presence",
        {"session_id": session_id, "action": "updated", "participant": data},
        events.session_room(session_id),
    )
    return data


def _hand_rows(session_id: int) -> list[Participant]:
    return list(
        db.session.scalars(
            sa.select(Participant)
            .options(joinedload(Participant.user).joinedload(User.school))
            .where(
                Participant.session_id == session_id,
                sa.or_(
                    Participant.hand_raised_at.is_not(None),
                    Participant.called_on_at.is_not(None),
                ),
            )
        )
    )


def _hands(session_id: int, participants: list[Participant]) -> dict:
    """The queue (earliest raised first) and who was called on last."""
    raised = sorted(
        (p for p in participants if p.hand_raised_at is not None),
        key=lambda p: (as_utc(p.hand_raised_at), p.user_id),
    )
    called = [p for p in participants if p.called_on_at is not None]
    last = max(called, key=lambda p: as_utc(p.called_on_at)) if called else None
    return {
        "session_id": session_id,
        "queue": [{"user": person(p.user), "raised_at": iso_utc(p.hand_raised_at)} for p in raised],
        "called_on": (
            {"user": person(last.user), "at": iso_utc(last.called_on_at)} if last else None
        ),
    }


def _publish_hands(session_id: int) -> dict:
    data = _hands(session_id, _hand_rows(session_id))
    events.publish("hands", data, events.session_room(session_id))
    return data


def raise_hand(access: LiveAccess) -> dict:
    """Join the queue (raising twice keeps the first place); returns the queue."""
    begin_write()
    participant = ensure_participant(may_take_part(access))
    if participant.hand_raised_at is None:
        participant.hand_raised_at = utcnow()
    db.session.commit()
    return _publish_hands(access.item.id)


def lower_hand(access: LiveAccess) -> dict:
    """Leave the queue (allowed in any status, so a hand never stays stuck)."""
    begin_write()
    may_take_part(access, live=False)
    if access.participant is not None:
        access.participant.hand_raised_at = None
    db.session.commit()
    return _publish_hands(access.item.id)


def call_on(access: LiveAccess, target_id: int | None = None) -> dict:
    """The facilitator calls on the next raised hand (or a given person's); returns the queue.

    Raises ValidationError when nobody's hand is up, NotFound for a person
    without a raised hand, PermissionDenied, NotLive.
    """
    begin_write()
    session_id = may_facilitate(access).item.id
    query = sa.select(Participant).where(
        Participant.session_id == session_id, Participant.hand_raised_at.is_not(None)
    )
    if target_id is not None:
        query = query.where(Participant.user_id == target_id)
    chosen = db.session.scalar(query.order_by(Participant.hand_raised_at, Participant.user_id))
    if chosen is None:
        if target_id is not None:
            raise NotFound("That person's hand is not raised.")
        raise ValidationError("user_id", "Nobody's hand is raised.")
    chosen.hand_raised_at, chosen.called_on_at = None, utcnow()
    db.session.commit()
    return _publish_hands(session_id)


def session_snapshot(access: LiveAccess, online_user_ids: set[int]) -> dict:
    """The `session` object of the join ack: state, people, hands, questions, polls."""
    session = access.item
    participants = list(
        db.session.scalars(
            sa.select(Participant)
            .options(joinedload(Participant.user).joinedload(User.school))
            .where(Participant.session_id == session.id)
            .order_by(Participant.first_joined_at, Participant.user_id)
        )
    )
    return {
        **state_of(session),
        "id": session.id,
        "group_id": session.group_id,
        "title": session.title,
        # A page that was away when `commitments_opened` was sent catches up here.
        "commitments_opened_at": iso_utc(session.commitments_opened_at),
        "participants": [
            participant_payload(p, p.user, p.user_id in online_user_ids) for p in participants
        ],
        "hands": _hands(session.id, participants),
        "questions": live_questions.questions_of(session.id, access.is_facilitator),
        "polls": live_questions.polls_of(session, access.is_facilitator),
        "me": {
            "user_id": access.user.id,
            "facilitator": access.is_facilitator,
            "muted": bool(access.participant and access.participant.muted),
            "question_votes": live_questions.my_question_votes(session.id, access.user.id),
            "poll_votes": live_questions.my_poll_votes(session.id, access.user.id),
        },
    }
