"""Notifications and follow levels in the API."""

from __future__ import annotations

from marshmallow import fields, validate

from nic.api.schemas.common import ApiSchema, Flag, Id, PageArgs, UtcDateTime
from nic.models import NotificationKind
from nic.services.email_preferences import FREQUENCIES
from nic.services.email_preferences import KINDS as EMAIL_KINDS
from nic.services.following import LEVELS
from nic.services.notification_feed import MARK_MAX_IDS

KINDS = [kind.value for kind in NotificationKind]


class NotificationListArgs(PageArgs):
    unread = fields.Boolean(
        load_default=False, metadata={"description": "true: only the unread ones."}
    )


class NotificationSchema(ApiSchema):
    id = fields.Integer()
    kind = fields.String(validate=validate.OneOf(KINDS))
    summary = fields.String(metadata={"description": 'For people: "3 new replies to you".'})
    count = fields.Integer(metadata={"description": "Events folded into this entry."})
    actor_name = fields.String(allow_none=True, metadata={"description": "Who did it (latest)."})
    group_id = fields.Integer(allow_none=True)
    group_name = fields.String(allow_none=True)
    thread_id = fields.Integer(allow_none=True)
    thread_title = fields.String(allow_none=True)
    post_id = fields.Integer(
        allow_none=True, metadata={"description": "The first post it tells of."}
    )
    read = fields.Boolean()
    updated_at = UtcDateTime()


class MarkReadSchema(ApiSchema):
    """Exactly one of `ids`, `thread_id`, `all`."""

    ids = fields.List(Id(), validate=validate.Length(min=1, max=MARK_MAX_IDS))
    thread_id = Id()
    all = Flag(metadata={"description": "true: every notification."})


class MarkedSchema(ApiSchema):
    changed = fields.Integer(metadata={"description": "Entries that were unread."})
    unread = fields.Integer(metadata={"description": "The unread count now."})


class FollowSchema(ApiSchema):
    level = fields.String(
        required=True,
        validate=validate.OneOf(LEVELS),
        metadata={
            "description": "watching: every post; normal: replies to you and mentions "
            "(the default); muted: nothing."
        },
    )


class PreferencesSchema(ApiSchema):
    email = fields.Dict(
        required=True,
        keys=fields.String(validate=validate.OneOf(EMAIL_KINDS)),
        values=fields.String(validate=validate.OneOf(FREQUENCIES)),
        metadata={
            "description": "How each kind of notification is emailed: immediately (at most "
            "one mail per thread every 10 minutes), daily or weekly (a digest; daily is the "
            "default) or never. A PATCH may name only the kinds it changes."
        },
    )
