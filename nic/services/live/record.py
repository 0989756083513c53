"""The record of a live session: transcript, questions, polls, attendance.

After a session ends its page becomes this record; facilitators can post it
to the group as a "Session notes" thread, and anyone who can see the session
can download the transcript as markdown (the calendar file: `calendar.py`).
Loading a record costs a fixed number of queries however long the chat was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from nic.database import begin_write
from nic.errors import Conflict
from nic.extensions import db
from nic.models import (
    ChatMessage,
    LiveSession,
    Participant,
    SessionStatus,
    Thread,
    User,
    as_utc,
)
from nic.policy import Actor
from nic.services import discussions
from nic.services.access import Access
from nic.services.live import chat as live_chat
from nic.services.live import questions as live_questions
from nic.services.live.access import get_session_for, get_session_to_facilitate
from nic.services.validation import BODY_MAX, TITLE_MAX
from nic.timezones import zone_label

NOTES_TITLE = "Session notes: "
QUOTE_LENGTH = 140
# A record shows the whole chat; this only bounds a runaway session.
RECORD_MESSAGES = 100_000


@dataclass(frozen=True)
class SessionRecord:
    """What happened, in the shapes the live protocol uses (docs/live-protocol.md).

    `messages`, `questions` and `polls` are the dicts the socket sends, so the
    record and the live page show the same things; `attendance` are the
    participant rows, their users (and schools) loaded.
    """

    session: LiveSession
    messages: list[dict]
    questions: list[dict]
    polls: list[dict]
    attendance: list[Participant]


def _attendance(session_id: int) -> list[Participant]:
    return list(
        db.session.scalars(
            sa.select(Participant)
            .join(Participant.user)
            .options(joinedload(Participant.user).joinedload(User.school))
            .where(Participant.session_id == session_id)
            .order_by(Participant.first_joined_at, User.name)
        )
    )


def load_record(
    session: LiveSession, *, with_messages: bool = True, reveal: bool = False
) -> SessionRecord:
    """Everything that happened in a session, in seven queries whatever its size.

    Without messages (the API's record, whose transcript is paged apart),
    `messages` is empty. `reveal` names who asked anonymous questions (for the
    session's facilitators; never in the transcript or the notes posted to the group).
    """
    messages = (
        live_chat.messages_after(session, None, limit=RECORD_MESSAGES) if with_messages else []
    )
    return SessionRecord(
        session,
        messages,
        live_questions.questions_of(session.id, reveal),
        live_questions.polls_of(session, reveal),
        _attendance(session.id),
    )


def message_count(session_id: int) -> int:
    """Messages in the transcript (deleted ones are not)."""
    return db.session.scalar(
        sa.select(sa.func.count(ChatMessage.id)).where(
            ChatMessage.session_id == session_id, ChatMessage.deleted_at.is_(None)
        )
    )


def transcript_page(
    user: Actor, session_id: int, after_id: int | None, page: int, per_page: int
) -> tuple[list[dict], int]:
    """(messages, total): one page of the transcript after `after_id`, oldest first.

    For someone who may see the session (NotFound otherwise). The page's
    first id is found by offset, then the chat service serializes from there,
    so the messages look exactly as the socket sends them.
    """
    session = get_session_for(user, session_id).item
    visible = sa.select(ChatMessage.id).where(
        ChatMessage.session_id == session_id,
        ChatMessage.deleted_at.is_(None),
        ChatMessage.id > (after_id or 0),
    )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(visible.subquery()))
    first = db.session.scalar(
        visible.order_by(ChatMessage.id).offset((page - 1) * per_page).limit(1)
    )
    if first is None:
        return [], total
    return live_chat.messages_after(session, first - 1, limit=per_page), total


# --- Markdown ------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def _escape(text: str) -> str:
    """Names and titles are plain text: keep markdown from reading them as markup."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def _local(value: datetime | str | None, zone: ZoneInfo, fmt: str) -> str:
    if not value:
        return ""
    if isinstance(value, str):  # the protocol's ISO 8601 "…Z"
        value = datetime.fromisoformat(value)
    return as_utc(value).astimezone(zone).strftime(fmt)


def _who(person: dict | User) -> str:
    """Name (role, school) of a protocol person dict or a User."""
    if isinstance(person, User):
        name, role = person.name, person.job_role_label
        school = person.school.name if person.school is not None else None
    else:
        name, role = person["name"], person["job_role_label"]
        school = person["school"]["name"] if person["school"] else None
    return f"{_escape(name)} ({role}{_escape(', ' + school) if school else ''})"


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= QUOTE_LENGTH else flat[: QUOTE_LENGTH - 1] + "…"


def _transcript_lines(record: SessionRecord, zone: ZoneInfo) -> list[str]:
    lines = ["## Transcript", ""]
    if not record.messages:
        lines += ["No messages.", ""]
    for m in record.messages:
        lines.append(f"**{_who(m['author'])}** · {_local(m['created_at'], zone, '%-I:%M %p')}")
        quoted = m["reply_to"]
        if quoted and quoted["deleted"]:
            lines += ["> (a deleted message)", ""]
        elif quoted:
            lines += [f"> {_escape(quoted['author']['name'])}: {_quote(quoted['body'])}", ""]
        lines += m["body"].splitlines() or [""]
        if m["reactions"]:
            counts = ", ".join(f"{e} {len(who)}" for e, who in m["reactions"].items())
            lines += ["", f"Reactions: {counts}"]
        lines.append("")
    return lines


def _summary_lines(record: SessionRecord, zone: ZoneInfo) -> list[str]:
    """Agenda, questions, polls and attendance: everything but the transcript."""
    s = record.session
    start = s.started_at or s.starts_at
    end = s.ended_at or s.ends_at
    lines = [
        f"# {_escape(s.title)}",
        "",
        f"{_escape(s.group.name)} · {_local(start, zone, '%b %-d, %Y, %-I:%M %p')}"
        f" to {_local(end, zone, '%-I:%M %p')}, {zone_label(zone.key)}",
        "",
    ]
    if s.agenda.strip():
        lines += ["## Agenda", "", s.agenda.strip(), ""]
    lines += ["## Questions", ""]
    for q in record.questions:
        state = "answered" if q["answered"] else "not answered"
        votes = f"{q['votes']} vote{'' if q['votes'] == 1 else 's'}"
        name = None if q["anonymous"] else _escape(q["author"]["name"])
        asker = f"asked by {name}" if name else "asked anonymously"
        lines.append(f"- {_quote(q['body'])} ({votes}, {state}; {asker})")
    if not record.questions:
        lines.append("No questions.")
    lines += ["", "## Polls", ""]
    for poll in record.polls:
        lines += [f"**{_escape(poll['question'])}** ({poll['total']} votes)", ""]
        results = zip(poll["options"], poll["counts"], strict=True)
        lines += [f"- {_escape(option)}: {n}" for option, n in results]
        lines.append("")
    if not record.polls:
        lines += ["No polls.", ""]
    lines += [f"## Attendance ({len(record.attendance)})", ""]
    lines += [f"- {_who(p.user)}" for p in record.attendance] or ["Nobody joined."]
    lines.append("")
    return lines


def record_markdown(record: SessionRecord, zone_name: str) -> str:
    """The whole record as one markdown document (times in `zone_name`)."""
    zone = _zone(zone_name)
    return "\n".join(_summary_lines(record, zone) + _transcript_lines(record, zone))


def transcript_markdown(user: Actor, session_id: int, zone_name: str) -> tuple[str, str]:
    """(file name, markdown) of a session's record for someone who may see it.

    Raises NotFound for outsiders, like every other way into a session.
    """
    session = get_session_for(user, session_id).item
    text = record_markdown(load_record(session), zone_name)
    slug = re.sub(r"[^a-z0-9]+", "-", session.title.lower()).strip("-")[:60] or "session"
    return f"session-{session.id}-{slug}.md", text


def post_record_as_thread(
    user: Actor, session_id: int, zone_name: str, record_url: str = ""
) -> Thread:
    """Post an ended session's record to its group as a "Session notes" thread.

    Only once per session: a second call, even a concurrent double click,
    raises Conflict. A transcript too long for one post is left out with a
    pointer to `record_url`. Raises NotFound, PermissionDenied or Conflict.
    """
    access = get_session_to_facilitate(user, session_id)
    session = access.item
    if session.status != SessionStatus.ENDED.value:
        raise Conflict("Post the notes after the session ends.")
    if session.notes_thread_id is not None:
        raise Conflict("The notes of this session are already posted.")
    record = load_record(session)
    zone = _zone(zone_name)
    summary = "\n".join(_summary_lines(record, zone)[2:])  # the thread title says it
    link = f"\n\n[Open the full record of the session]({record_url})" if record_url else ""
    body = summary + "\n" + "\n".join(_transcript_lines(record, zone)) + link
    if len(body.strip()) > BODY_MAX:
        body = summary + "\nThe transcript is too long for a post: read it on the session page."
        body += link
    title = NOTES_TITLE + session.title
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1] + "…"
    in_group = Access(session.group, access.membership)
    thread = discussions.start_thread(user, in_group, title, body.strip())
    begin_write()
    claimed = db.session.execute(
        sa.update(LiveSession)
        .where(LiveSession.id == session.id, LiveSession.notes_thread_id.is_(None))
        .values(notes_thread_id=thread.id)
    ).rowcount
    if not claimed:  # another request posted the notes between our check and now
        db.session.delete(thread)
        db.session.commit()
        raise Conflict("The notes of this session are already posted.")
    db.session.commit()
    return thread
