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
from nic.services.live.access import LiveAccess, event_access, may_take_part, person


def ensure_participant(access: LiveAccess) -> Participant:
    """The user's participant row in the session, created on first need (not committed)."""
    if access.participant is not None:
        return access.participant
    participant = Participant(session_id=access.item.id, user_id=access.user.id)
    try:
        with db.session.begin_nested():
            db.session.add(participant)
    except IntegrityError:
        # Another tab of the same person got there first.
        participant = db.session.get(Participant, (access.item.id, access.user.id))
    return participant


def attend(access: LiveAccess) -> LiveAccess:
    """Record that a member opened the session (any status); raises PermissionDenied."""
    begin_write()
    may_take_part(access, live=False)
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
            "session_id": access.item.id,
            "action": "joined",
            "participant": participant_payload(access.participant, access.user, True),
        },
        events.session_room(access.item.id),
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
    try:
        access = attend(event_access(user_id, session_id))
    except ServiceError:  # gone, deactivated, or no longer sees the session
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
