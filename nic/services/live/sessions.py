"""Live network sessions: schedule, edit, start and end.

Loading a session for someone is nic.services.live.access.get_session_for;

The chat itself (messages, reactions, hands, questions, polls) lives in
nic.services.live.chat; the record after a session in nic.services.live.record.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from nic import events, policy
from nic.database import begin_write
from nic.errors import Conflict, PermissionDenied, ValidationError
from nic.extensions import db
from nic.markup import render_markdown
from nic.models import (
    LiveSession,
    LiveSessionThread,
    NotificationKind,
    SessionStatus,
    Thread,
    as_utc,
    utcnow,
)
from nic.policy import Actor
from nic.services import notification_feed, notifications
from nic.services.groups import get_group_for
from nic.services.live.access import LiveAccess, may_facilitate
from nic.services.validation import BODY_MAX, TITLE_MAX, clean_text, clean_url

# How many of the group's threads the schedule form offers for linking.
LINKABLE_THREADS = 200


@dataclass(frozen=True)
class SessionFields:
    """What a facilitator fills in; times are timezone-aware (or naive UTC).

    `thread_ids` are threads of the group to link (background reading,
    follow-up); None leaves the current links alone (a partial API update).
    `video_url` is the meeting's video-call link ("" for none); the two
    options keep who asked and poll results from the room (not facilitators).
    """

    title: str
    agenda: str
    starts_at: datetime | None
    ends_at: datetime | None
    thread_ids: tuple[int, ...] | None = None
    video_url: str = ""
    anonymous_questions: bool = False
    hide_poll_results: bool = False


def _utc(value: object) -> object:
    """Aware times in UTC (naive ones are taken as UTC); anything else as it is."""
    return as_utc(value).astimezone(UTC) if isinstance(value, datetime) else value


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
    video_url = ""
    try:
        video_url = clean_url("video_url", fields.video_url)
    except ValidationError as exc:
        errors.update(exc.fields)
    for option in ("anonymous_questions", "hide_poll_results"):
        if not isinstance(getattr(fields, option), bool):
            errors[option] = "Must be true or false."
    starts, ends = _utc(fields.starts_at), _utc(fields.ends_at)
    if not isinstance(starts, datetime):
        errors["starts_at"] = "Choose when the session starts."
    if not isinstance(ends, datetime):
        errors["ends_at"] = "Choose when the session ends."
    elif isinstance(starts, datetime) and ends <= starts:
        errors["ends_at"] = "The session must end after it starts."
    if errors:
        raise ValidationError(errors)
    return replace(
        fields, title=title, agenda=agenda, starts_at=starts, ends_at=ends, video_url=video_url
    )


def _check_thread_ids(group_id: int, thread_ids: tuple[int, ...] | None) -> list[int] | None:
    """The distinct ids, each a visible thread of this group; raises ValidationError."""
    if thread_ids is None:
        return None
    if not isinstance(thread_ids, list | tuple) or any(
        not isinstance(i, int) or isinstance(i, bool) for i in thread_ids
    ):
        raise ValidationError("thread_ids", "Choose threads from the list.")
    ids = list(dict.fromkeys(thread_ids))
    if not ids:
        return []
    found = set(
        db.session.scalars(
            sa.select(Thread.id).where(
                Thread.id.in_(ids), Thread.group_id == group_id, Thread.hidden.is_(False)
            )
        )
    )
    if found != set(ids):
        raise ValidationError("thread_ids", "Link only threads of this group.")
    return ids


def _link_threads(session_id: int, thread_ids: list[int] | None) -> None:
    if thread_ids is None:
        return
    db.session.execute(
        sa.delete(LiveSessionThread).where(LiveSessionThread.session_id == session_id)
    )
    db.session.add_all(
        LiveSessionThread(session_id=session_id, thread_id=thread_id) for thread_id in thread_ids
    )


def _set_options(session: LiveSession, clean: SessionFields) -> None:
    session.video_url = clean.video_url
    session.anonymous_questions = clean.anonymous_questions
    session.hide_poll_results = clean.hide_poll_results


def schedule_session(user: Actor, group_id: int, fields: SessionFields) -> LiveSession:
    """A facilitator schedules a session for their group."""
    begin_write()
    access = get_group_for(user, group_id)
    if not policy.can_manage_group(user, access.group, access.membership):
        raise PermissionDenied("Only the group's facilitators can schedule sessions.")
    clean = _clean_fields(fields)
    thread_ids = _check_thread_ids(group_id, clean.thread_ids)
    session = LiveSession(
        group_id=group_id,
        created_by_id=user.id,
        title=clean.title,
        agenda=clean.agenda,
        agenda_html=render_markdown(clean.agenda),
        starts_at=clean.starts_at,
        ends_at=clean.ends_at,
    )
    _set_options(session, clean)
    db.session.add(session)
    db.session.flush()
    _link_threads(session.id, thread_ids)
    db.session.commit()
    return session


def update_session(access: LiveAccess, fields: SessionFields) -> LiveSession:
    """Change a scheduled or live session; an ended one is the record, so it is refused.

    Raises PermissionDenied, Conflict (ended) or ValidationError.
    """
    begin_write()
    session = may_facilitate(access, live=False).item
    if session.status == SessionStatus.ENDED.value:
        raise Conflict("This session has ended: its record cannot be changed.")
    clean = _clean_fields(fields)
    thread_ids = _check_thread_ids(session.group_id, clean.thread_ids)
    session.title, session.agenda = clean.title, clean.agenda
    session.agenda_html = render_markdown(clean.agenda)
    session.starts_at, session.ends_at = clean.starts_at, clean.ends_at
    _set_options(session, clean)
    _link_threads(session.id, thread_ids)
    db.session.commit()
    return session


def change_session(access: LiveAccess, changes: dict[str, object]) -> LiveSession:
    """Update only the fields given (the API's PATCH); the others keep their values.

    `changes` holds SessionFields names; same rules and errors as `update_session`.
    """
    session = access.item
    current = SessionFields(
        session.title, session.agenda, session.starts_at, session.ends_at, None,
        session.video_url, session.anonymous_questions, session.hide_poll_results,
    )  # fmt: skip
    return update_session(access, replace(current, **changes))


def sessions_query(group_id: int) -> sa.Select:
    """A group's sessions, the latest start first (for lists and the API)."""
    return (
        sa.select(LiveSession)
        .where(LiveSession.group_id == group_id)
        .order_by(LiveSession.starts_at.desc(), LiveSession.id.desc())
    )


def linked_threads(session_id: int) -> list[Thread]:
    """The threads linked to a session, newest activity first: one query."""
    return list(
        db.session.scalars(
            sa.select(Thread)
            .join(LiveSessionThread, LiveSessionThread.thread_id == Thread.id)
            # A thread whose every post is deleted is gone (policy.can_view_thread).
            .where(
                LiveSessionThread.session_id == session_id,
                Thread.hidden.is_(False),
                Thread.post_count > 0,
            )
            .order_by(Thread.last_activity_at.desc(), Thread.id.desc())
        )
    )


def linked_thread_ids(session_ids: list[int]) -> dict[int, list[int]]:
    """session id -> its linked thread ids, for many sessions in one query."""
    found: dict[int, list[int]] = {}
    if session_ids:
        rows = db.session.execute(
            sa.select(LiveSessionThread.session_id, LiveSessionThread.thread_id)
            .where(LiveSessionThread.session_id.in_(session_ids))
            .order_by(LiveSessionThread.session_id, LiveSessionThread.thread_id)
        )
        for session_id, thread_id in rows:
            found.setdefault(session_id, []).append(thread_id)
    return found


def linkable_threads(group_id: int) -> list[tuple[int, str]]:
    """(id, title) of the group's recent visible threads, for the schedule form."""
    rows = db.session.execute(
        sa.select(Thread.id, Thread.title)
        .where(Thread.group_id == group_id, Thread.hidden.is_(False), Thread.post_count > 0)
        .order_by(Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(LINKABLE_THREADS)
    )
    return [(thread_id, title) for thread_id, title in rows]


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


def _move(access: LiveAccess, expected: SessionStatus, to: SessionStatus, stamp: str,
          refusal: str) -> LiveSession:  # fmt: skip
    """Move a session from one status to the next, stamp when, publish `state`; going
    live tells the group's members (in the same transaction)."""
    begin_write()
    session = may_facilitate(access, live=False).item
    if session.status != expected.value:
        raise Conflict(refusal)
    session.status = to.value
    setattr(session, stamp, utcnow())
    told: set[int] = set()
    if to == SessionStatus.LIVE:
        told = notifications.session_news(session, NotificationKind.SESSION_LIVE, access.user.id)
    db.session.commit()
    publish_state(session)
    notification_feed.publish_counts(told)
    return session


def start_session(access: LiveAccess) -> LiveSession:
    """Open the room; publishes `state`. Raises Conflict unless scheduled."""
    return _move(access, SessionStatus.SCHEDULED, SessionStatus.LIVE, "started_at",
                 "Only a scheduled session can be started.")  # fmt: skip


def end_session(access: LiveAccess) -> LiveSession:
    """Close the room, making the page its record; publishes `state`. Conflict unless live."""
    return _move(access, SessionStatus.LIVE, SessionStatus.ENDED, "ended_at",
                 "Only a live session can be ended.")  # fmt: skip


@functools.cache
def _upcoming_statement() -> sa.Select:
    """`upcoming_for_groups`' query, built once (building it cost more than running it)."""
    return (
        sa.select(LiveSession)
        .join(LiveSession.group)
        .options(contains_eager(LiveSession.group))
        .where(
            LiveSession.group_id.in_(sa.bindparam("group_ids", expanding=True)),
            LiveSession.status != SessionStatus.ENDED.value,
        )
        .order_by(
            # Live sessions first, then the soonest scheduled.
            sa.case((LiveSession.status == SessionStatus.LIVE.value, 0), else_=1),
            LiveSession.starts_at,
        )
        .limit(sa.bindparam("limit"))
    )


def upcoming_for_groups(group_ids: list[int], limit: int = 10) -> list[LiveSession]:
    """Live and upcoming sessions of these groups, soonest first: one query."""
    if not group_ids:
        return []
    params = {"group_ids": list(group_ids), "limit": limit}
    return list(db.session.scalars(_upcoming_statement(), params))
