"""Live network sessions, their transcript and their record."""

from __future__ import annotations

from marshmallow import fields, validate

from nic.api.schemas.common import MAX_ID, ApiSchema, Id, PageArgs, Text, UtcDateTime
from nic.api.schemas.users import UserBriefSchema
from nic.models import SessionStatus
from nic.services.validation import BODY_MAX, TITLE_MAX

STATUSES = [s.value for s in SessionStatus]


class PinnedSchema(ApiSchema):
    message_id = fields.Integer(allow_none=True)
    text = fields.String(allow_none=True, metadata={"description": "An agenda item's text."})


class SessionSchema(ApiSchema):
    id = fields.Integer()
    group_id = fields.Integer()
    title = fields.String()
    agenda = fields.String(metadata={"description": "Markdown."})
    agenda_html = fields.String(metadata={"description": "Sanitised HTML."})
    starts_at = UtcDateTime()
    ends_at = UtcDateTime()
    status = fields.String(validate=validate.OneOf(STATUSES))
    locked = fields.Boolean(metadata={"description": "Only facilitators can write in the chat."})
    pinned = fields.Nested(PinnedSchema, metadata={"description": '"Now discussing".'})
    started_at = UtcDateTime(allow_none=True)
    ended_at = UtcDateTime(allow_none=True)
    notes_thread_id = fields.Integer(
        allow_none=True, metadata={"description": 'The "Session notes" thread, once posted.'}
    )
    thread_ids = fields.List(
        fields.Integer(), metadata={"description": "Threads of the group linked to the session."}
    )
    video_url = fields.String(metadata={"description": 'The video-call link ("" for none).'})
    anonymous_questions = fields.Boolean(
        metadata={"description": "Members may ask without the room seeing who asked."}
    )
    hide_poll_results = fields.Boolean(
        metadata={"description": "Members see poll results only once a poll closes."}
    )
    created_at = UtcDateTime()


def _times() -> dict:
    return {"metadata": {"description": "ISO 8601 with a time zone offset (Z for UTC)."}}


class SessionCreateSchema(ApiSchema):
    title = Text(required=True, validate=validate.Length(max=TITLE_MAX))
    agenda = Text(load_default="", validate=validate.Length(max=BODY_MAX))
    starts_at = fields.AwareDateTime(required=True, **_times())
    ends_at = fields.AwareDateTime(required=True, **_times())
    thread_ids = fields.List(Id(), load_default=list)
    video_url = Text(load_default="", validate=validate.Length(max=500))
    anonymous_questions = fields.Boolean(load_default=False)
    hide_poll_results = fields.Boolean(load_default=False)


class SessionUpdateSchema(ApiSchema):
    """Only the fields sent change."""

    title = Text(validate=validate.Length(max=TITLE_MAX))
    agenda = Text(validate=validate.Length(max=BODY_MAX))
    starts_at = fields.AwareDateTime(**_times())
    ends_at = fields.AwareDateTime(**_times())
    thread_ids = fields.List(Id())
    video_url = Text(validate=validate.Length(max=500))
    anonymous_questions = fields.Boolean()
    hide_poll_results = fields.Boolean()


class TranscriptArgs(PageArgs):
    after_id = fields.Integer(
        load_default=None,
        # Bounded like every id: past 2**31-1 PostgreSQL refuses the comparison.
        validate=validate.Range(min=0, max=MAX_ID),
        metadata={"description": "Only messages after this id (the last one you have)."},
    )


# The shapes below are the live protocol's (docs/live-protocol.md), as the
# socket sends them: plain dicts, dumped as they are.


class PersonSchema(UserBriefSchema):
    job_role_label = fields.String()
    school = fields.Dict(allow_none=True, metadata={"description": "{id, name} or null."})


class QuoteSchema(ApiSchema):
    id = fields.Integer()
    deleted = fields.Boolean()
    author = fields.Dict(metadata={"description": "{id, name}; absent when deleted."})
    body = fields.String(metadata={"description": "The start of the quoted text."})


class PracticePreviewSchema(ApiSchema):
    id = fields.Integer()
    title = fields.String()
    summary = fields.String(metadata={"description": "At most 160 characters."})
    tried = fields.String(metadata={"description": "The tried-count in words."})
    url = fields.String(metadata={"description": "The practice's page."})


class MessageSchema(ApiSchema):
    id = fields.Integer()
    session_id = fields.Integer()
    author = fields.Nested(PersonSchema)
    body = fields.String(metadata={"description": "Markdown-lite."})
    body_html = fields.String(metadata={"description": "Sanitised HTML."})
    created_at = fields.String(metadata={"description": "ISO 8601 UTC."})
    reply_to = fields.Nested(QuoteSchema, allow_none=True)
    reactions = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Integer()),
        metadata={"description": "Emoji to the ids of the people who reacted."},
    )
    practices = fields.List(
        fields.Nested(PracticePreviewSchema),
        metadata={
            "description": "Previews of the practices the message links to that everyone "
            "who may see the session may see (others stay plain links)."
        },
    )


class QuestionSchema(ApiSchema):
    id = fields.Integer()
    author = fields.Nested(
        PersonSchema,
        allow_none=True,
        metadata={"description": "Null for an anonymous question, except to facilitators."},
    )
    anonymous = fields.Boolean(metadata={"description": "Asked without the room seeing who."})
    body = fields.String()
    body_html = fields.String()
    created_at = fields.String()
    answered = fields.Boolean()
    answered_at = fields.String(allow_none=True)
    votes = fields.Integer()


class PollSchema(ApiSchema):
    id = fields.Integer()
    question = fields.String()
    options = fields.List(fields.String())
    multiple = fields.Boolean(metadata={"description": "People may choose several options."})
    counts = fields.List(
        fields.Integer(),
        allow_none=True,
        metadata={"description": "Votes per option; null while the results are hidden."},
    )
    results_hidden = fields.Boolean()
    total = fields.Integer(metadata={"description": "How many people voted."})
    open = fields.Boolean()
    opened_at = fields.String()
    closed_at = fields.String(allow_none=True)


class AttendeeSchema(ApiSchema):
    user = fields.Nested(UserBriefSchema)
    first_joined_at = UtcDateTime()
    last_seen_at = UtcDateTime()
    hand_raised_at = UtcDateTime(allow_none=True)
    called_on_at = UtcDateTime(allow_none=True)


class RecordSchema(ApiSchema):
    session = fields.Nested(SessionSchema)
    message_count = fields.Integer(
        metadata={"description": "Messages in the transcript: GET /sessions/{id}/messages."}
    )
    questions = fields.List(fields.Nested(QuestionSchema))
    polls = fields.List(fields.Nested(PollSchema))
    attendance = fields.List(fields.Nested(AttendeeSchema))
