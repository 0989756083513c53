"""Live network sessions: load-and-authorize, schedule, start and end.

The chat itself (messages, reactions, hands, questions, polls) lives in
nic.services.live_chat; the record after a session in nic.services.live_record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from nic import policy
from nic.errors import Conflict, NotFound, PermissionDenied, ValidationError
from nic.extensions import db
from nic.markup import render_markdown
from nic.models import LiveSession, Membership, SessionStatus, as_utc, utcnow
from nic.policy import Actor
from nic.realtime import events
from nic.services.groups import get_group_for, membership_of
from nic.services.validation import BODY_MAX, TITLE_MAX, clean_text


@dataclass(frozen=True)
class SessionAccess:
    session: LiveSession
    membership: Membership | None


def get_session_for(user: Actor, session_id: int) -> SessionAccess:
    """The session (with its group) if this user may see it; raises NotFound."""
    session = db.session.scalar(
        sa.select(LiveSession)
        .join(LiveSession.group)
        .options(contains_eager(LiveSession.group))
        .where(LiveSession.id == session_id)
    )
    if session is None:
        raise NotFound("No such session.")
    membership = membership_of(user, session.group_id)
    if not policy.can_view_session(user, session, membership):
        raise NotFound("No such session.")
    return SessionAccess(session, membership)


def get_session_to_facilitate(user: Actor, session_id: int) -> SessionAccess:
    access = get_session_for(user, session_id)
    if not policy.can_facilitate_session(user, access.session, access.membership):
        raise PermissionDenied("Only the group's facilitators can do that.")
    return access


@dataclass(frozen=True)
class SessionFields:
    title: str
    agenda: str
    starts_at: datetime | None
    ends_at: datetime | None


def _clean_fields(fields: SessionFields) -> SessionFields:
    errors: dict[str, str] = {}
    title = agenda = ""
    try:
        title = clean_text("title", fields.title, max_length=TITLE_MAX)
    except ValidationError as exc:
        errors.update(exc.fields)
    try:
        agenda = clean_text("agenda", fields.agenda, max_length=BODY_MAX, required=False)
    except ValidationError as exc:
        errors.update(exc.fields)
    starts, ends = as_utc(fields.starts_at), as_utc(fields.ends_at)
    if not isinstance(starts, datetime):
        errors["starts_at"] = "Choose when the session starts."
    if not isinstance(ends, datetime):
        errors["ends_at"] = "Choose when the session ends."
    elif isinstance(starts, datetime) and ends <= starts:
        errors["ends_at"] = "The session must end after it starts."
    if errors:
        raise ValidationError(errors)
    return SessionFields(title, agenda, starts, ends)


def schedule_session(user: Actor, group_id: int, fields: SessionFields) -> LiveSession:
    """A facilitator schedules a session for their group."""
    access = get_group_for(user, group_id)
    if not policy.can_manage_group(user, access.group, access.membership):
        raise PermissionDenied("Only the group's facilitators can schedule sessions.")
    clean = _clean_fields(fields)
    session = LiveSession(
        group_id=group_id,
        created_by_id=user.id,
        title=clean.title,
        agenda=clean.agenda,
        agenda_html=render_markdown(clean.agenda),
        starts_at=clean.starts_at,
        ends_at=clean.ends_at,
    )
    db.session.add(session)
    db.session.commit()
    return session


def update_session(user: Actor, session_id: int, fields: SessionFields) -> LiveSession:
    session = get_session_to_facilitate(user, session_id).session
    clean = _clean_fields(fields)
    session.title, session.agenda = clean.title, clean.agenda
    session.agenda_html = render_markdown(clean.agenda)
    session.starts_at, session.ends_at = clean.starts_at, clean.ends_at
    db.session.commit()
    return session


def state_of(session: LiveSession) -> dict:
    """The `state` event's payload."""
    return {
        "session_id": session.id,
        "status": session.status,
        "locked": session.locked,
        "pinned": {"message_id": session.pinned_message_id, "text": session.pinned_text},
    }


def publish_state(session: LiveSession) -> None:
    events.publish("state", state_of(session), events.session_room(session.id))


def start_session(user: Actor, session_id: int) -> LiveSession:
    session = get_session_to_facilitate(user, session_id).session
    if session.status != SessionStatus.SCHEDULED.value:
        raise Conflict("Only a scheduled session can be started.")
    session.status, session.started_at = SessionStatus.LIVE.value, utcnow()
    db.session.commit()
    publish_state(session)
    return session


def end_session(user: Actor, session_id: int) -> LiveSession:
    session = get_session_to_facilitate(user, session_id).session
    if session.status != SessionStatus.LIVE.value:
        raise Conflict("Only a live session can be ended.")
    session.status, session.ended_at = SessionStatus.ENDED.value, utcnow()
    db.session.commit()
    publish_state(session)
    return session


def upcoming_for_groups(group_ids: list[int], limit: int = 10) -> list[LiveSession]:
    """Live and upcoming sessions of these groups, soonest first: one query."""
    if not group_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(LiveSession)
            .join(LiveSession.group)
            .options(contains_eager(LiveSession.group))
            .where(
                LiveSession.group_id.in_(group_ids),
                LiveSession.status != SessionStatus.ENDED.value,
            )
            .order_by(
                # Live sessions first, then the soonest scheduled.
                sa.case((LiveSession.status == SessionStatus.LIVE.value, 0), else_=1),
                LiveSession.starts_at,
            )
            .limit(limit)
        )
    )
