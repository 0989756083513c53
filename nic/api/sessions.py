"""/api/v1 live sessions: schedule, read, change, start, end; transcript and record.

The live room itself (chat, hands, questions, polls) is the Socket.IO
namespace /live (docs/live-protocol.md); these endpoints cover the rest.
"""

from __future__ import annotations

from nic.api.auth import api_user
from nic.api.base import ApiBlueprint
from nic.api.pagination import envelope, paginate
from nic.api.schemas.common import PageArgs, annotate, page_of
from nic.api.schemas.sessions import (
    MessageSchema,
    RecordSchema,
    SessionCreateSchema,
    SessionSchema,
    SessionUpdateSchema,
    TranscriptArgs,
)
from nic.models import LiveSession
from nic.services import groups
from nic.services.live import access as live_access
from nic.services.live import record as live_record
from nic.services.live import sessions as live_sessions

bp = ApiBlueprint(
    "api_sessions", __name__, tag="Live sessions",
    description="Scheduled, facilitated sessions of a group; outsiders of private groups get 404.",
)  # fmt: skip


def _session_view(session: LiveSession, thread_ids: list[int] | None = None):
    if thread_ids is None:
        thread_ids = live_sessions.linked_thread_ids([session.id]).get(session.id, [])
    return annotate(
        session,
        pinned={"message_id": session.pinned_message_id, "text": session.pinned_text},
        thread_ids=thread_ids,
    )


def _session_views(page: list[LiveSession]) -> list:
    """A page of sessions with their linked threads: one query for all."""
    linked = live_sessions.linked_thread_ids([s.id for s in page])
    return [_session_view(s, linked.get(s.id, [])) for s in page]


def _view(session_id: int):
    return _session_view(live_access.get_session_for(api_user, session_id).item)


def _fields(args: dict) -> dict:
    if "thread_ids" in args:
        args["thread_ids"] = tuple(args["thread_ids"])
    return args


@bp.route("/groups/<id:group_id>/sessions")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_of(SessionSchema))
@bp.errors(404)
def list_sessions(args: dict, group_id: int):
    """A group's sessions, the latest start first."""
    groups.get_group_for(api_user, group_id)
    return paginate(live_sessions.sessions_query(group_id), args, _session_views)


@bp.route("/groups/<id:group_id>/sessions", methods=["POST"])
@bp.arguments(SessionCreateSchema)
@bp.response(201, SessionSchema)
@bp.errors(403, 404)
def schedule_session(args: dict, group_id: int):
    """Schedule a session (the group's facilitators)."""
    fields = live_sessions.SessionFields(**_fields(args))
    return _session_view(live_sessions.schedule_session(api_user, group_id, fields))


@bp.route("/sessions/<id:session_id>")
@bp.response(200, SessionSchema)
@bp.errors(404)
def get_session(session_id: int):
    """One session."""
    return _view(session_id)


@bp.route("/sessions/<id:session_id>", methods=["PATCH"])
@bp.arguments(SessionUpdateSchema)
@bp.response(200, SessionSchema)
@bp.errors(403, 404, 409)
def update_session(args: dict, session_id: int):
    """Change some of a session's fields (facilitators); an ended session is 409."""
    access = live_access.get_session_to_facilitate(api_user, session_id, write=True)
    return _session_view(live_sessions.change_session(access, _fields(args)))


@bp.route("/sessions/<id:session_id>/start", methods=["POST"])
@bp.response(200, SessionSchema)
@bp.errors(403, 404, 409)
def start_session(session_id: int):
    """Start a scheduled session: open pages go live at once."""
    access = live_access.get_session_for(api_user, session_id, write=True)
    return _session_view(live_sessions.start_session(access))


@bp.route("/sessions/<id:session_id>/end", methods=["POST"])
@bp.response(200, SessionSchema)
@bp.errors(403, 404, 409)
def end_session(session_id: int):
    """End a live session; its page becomes the record."""
    access = live_access.get_session_for(api_user, session_id, write=True)
    return _session_view(live_sessions.end_session(access))


@bp.route("/sessions/<id:session_id>/messages")
@bp.arguments(TranscriptArgs, location="query")
@bp.response(200, page_of(MessageSchema))
@bp.errors(404)
def list_messages(args: dict, session_id: int):
    """The transcript, oldest first; `after_id` skips what you already have."""
    items, total = live_record.transcript_page(
        api_user, session_id, args["after_id"], args["page"], args["per_page"]
    )
    return envelope(items, args, total)


@bp.route("/sessions/<id:session_id>/record")
@bp.response(200, RecordSchema)
@bp.errors(404)
def get_record(session_id: int):
    """Questions with votes and answered state, poll results and attendance.

    The transcript is paged apart: GET /sessions/{id}/messages.
    """
    access = live_access.get_session_for(api_user, session_id)
    session = access.item
    record = live_record.load_record(session, with_messages=False, reveal=access.is_facilitator)
    return {
        "session": _session_view(session),
        "message_count": live_record.message_count(session_id),
        "questions": record.questions,
        "polls": record.polls,
        "attendance": record.attendance,
    }
