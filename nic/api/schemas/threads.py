"""Threads, their posts and the posts' earlier versions."""

from __future__ import annotations

from marshmallow import fields

from nic.api.schemas.common import ApiSchema, Id, Text, UtcDateTime
from nic.api.schemas.users import UserBriefSchema


class ThreadSchema(ApiSchema):
    id = fields.Integer()
    group_id = fields.Integer()
    title = fields.String()
    author = fields.Nested(UserBriefSchema)
    pinned = fields.Boolean()
    locked = fields.Boolean()
    hidden = fields.Boolean()
    created_at = UtcDateTime()
    last_activity_at = UtcDateTime()
    reply_count = fields.Integer(
        metadata={"description": "Replies, not counting the opening post."}
    )


class ThreadListItemSchema(ThreadSchema):
    unread_count = fields.Integer(metadata={"description": "Posts the caller has not read."})


class PostSchema(ApiSchema):
    id = fields.Integer()
    thread_id = fields.Integer()
    parent_id = fields.Integer(
        allow_none=True, metadata={"description": "The post this replies to; null for the thread."}
    )
    author = fields.Nested(UserBriefSchema)
    body = fields.String(
        allow_none=True,
        metadata={"description": "Markdown; null when deleted, or hidden from the caller."},
    )
    body_html = fields.String(allow_none=True, metadata={"description": "Sanitised HTML."})
    created_at = UtcDateTime()
    edited_at = UtcDateTime(allow_none=True)
    deleted = fields.Boolean()
    hidden = fields.Boolean(metadata={"description": "Hidden by a facilitator."})


class ThreadDetailSchema(ThreadSchema):
    opening_post = fields.Nested(
        PostSchema,
        allow_none=True,
        metadata={"description": "The post that started the thread; all: /threads/{id}/posts."},
    )


class ThreadCreateSchema(ApiSchema):
    title = Text(required=True)
    body = Text(required=True, metadata={"description": "The opening post, in Markdown."})


class ReplySchema(ApiSchema):
    body = Text(required=True)
    parent_id = Id(
        allow_none=True,
        load_default=None,
        metadata={"description": "A post in this thread to reply to; omit for the thread."},
    )


class PostEditSchema(ApiSchema):
    body = Text(required=True)


class RevisionSchema(ApiSchema):
    id = fields.Integer()
    body = fields.String()
    body_html = fields.String()
    written_at = UtcDateTime(metadata={"description": "When this text was written."})
    replaced_at = UtcDateTime(metadata={"description": "When an edit replaced it."})
