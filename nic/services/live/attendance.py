"""Attendance and presence in a live session: who came, when, and who is here now.

`attend` records a member opening the session (any status) and is what the
record's attendance table shows; `announce_joined` / `announce_left` are the
`presence` broadcasts, sent once per person (not per tab) by the handlers.
"""

from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from nic import events
from nic.database import begin_write
from nic.errors import ServiceError
from nic.extensions import db
from nic.models import Participant, User, iso_utc, utcnow
from nic.policy import Actor
from nic.services.live.access import LiveAccess, access_to_take_part, person


def ensure_participant(access: LiveAccess) -> Participant:
    """The user's participant row in the session, created on first need (not committed)."""
    if access.participant is not None:
        return access.participant
    participant = Participant(session_id=access.session.id, user_id=access.user.id)
    try:
        with db.session.begin_nested():
            db.session.add(participant)
    except IntegrityError:
        # Another tab of the same person got there first.
        participant = db.session.get(Participant, (access.session.id, access.user.id))
    return participant


def attend(user: Actor, session_id: int) -> LiveAccess:
    """Record that a member opened the session (any status); raises NotFound, PermissionDenied."""
    begin_write()
    access = access_to_take_part(user, session_id, live=False)
    participant = ensure_participant(access)
    participant.last_seen_at = utcnow()
    db.session.commit()
    return replace(access, participant=participant)


def record_leave(session_id: int, user_id: int) -> None:
    """Attendance: when the person's last tab left the session."""
    begin_write()
    db.session.execute(
        sa.update(Participant)
        .where(Participant.session_id == session_id, Participant.user_id == user_id)
        .values(last_seen_at=utcnow())
    )
    db.session.commit()


def participant_payload(participant: Participant, user: User, online: bool) -> dict:
    """A participant as `presence` and the join ack show them."""
    return {
        **person(user),
        "muted": participant.muted,
        "online": online,
        "hand_raised_at": iso_utc(participant.hand_raised_at),
    }


def announce_joined(access: LiveAccess) -> None:
    """Broadcast `presence` joined: the person's first tab entered the session."""
    assert access.participant is not None  # attend() made it
    events.publish(
        "presence",
        {
            "session_id": access.session.id,
            "action": "joined",
            "participant": participant_payload(access.participant, access.user, True),
        },
        events.session_room(access.session.id),
    )


def person_left(session_id: int, user_id: int) -> None:
    """The person's last tab left the session (or their server process died): record, announce."""
    record_leave(session_id, user_id)
    announce_left(session_id, user_id)


def person_back(session_id: int, user_id: int) -> None:
    """The person is counted again (their server process was only stalled): record, announce.

    Their `left` went out when the process was taken for dead. Nothing is
    announced for someone who may no longer take part (removed meanwhile).
    """
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        return
    try:
        access = attend(user, session_id)
    except ServiceError:
        db.session.rollback()
        return
    announce_joined(access)


def announce_left(session_id: int, user_id: int) -> None:
    """Broadcast `presence` left: the person's last tab left the session."""
    events.publish(
        "presence",
        {"session_id": session_id, "action": "left", "user_id": user_id},
        events.session_room(session_id),
    )
