"""Invitations by email, and what inviting did with each address."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from nic.api.schemas.common import ApiSchema, Id, PageArgs, Text, UtcDateTime
from nic.api.schemas.users import UserBriefSchema
from nic.models import InvitationStatus
from nic.services.invitations import BATCH_MAX

OPEN_STATUSES = [InvitationStatus.PENDING.value, InvitationStatus.EXPIRED.value]


class InvitedGroupSchema(ApiSchema):
    id = fields.Integer()
    name = fields.String()


class InvitationSchema(ApiSchema):
    id = fields.Integer()
    email = fields.String()
    group = fields.Nested(
        InvitedGroupSchema, allow_none=True,
        metadata={"description": "Where the person lands; null: the network, no group."},
    )  # fmt: skip
    invited_by = fields.Nested(UserBriefSchema, allow_none=True)
    status = fields.String(
        validate=validate.OneOf(OPEN_STATUSES),
        metadata={"description": "`expired`: the link no longer works; sending again renews it."},
    )
    created_at = UtcDateTime()
    sent_at = UtcDateTime(metadata={"description": "When it was last mailed."})
    send_count = fields.Integer(metadata={"description": "Only the latest mail's link works."})
    expires_at = UtcDateTime()


class InvitationCreateSchema(ApiSchema):
    email = Text(metadata={"description": "One address; or send `emails`."})
    emails = fields.List(
        Text(), validate=validate.Length(min=1, max=BATCH_MAX),
        metadata={"description": f"Up to {BATCH_MAX} addresses."},
    )  # fmt: skip
    group_id = Id(
        allow_none=True, load_default=None,
        metadata={"description": "The group to land in; null (administrators): the network."},
    )  # fmt: skip

    @validates_schema
    def one_way_of_giving_addresses(self, data: dict, **kwargs: object) -> None:
        if ("email" in data) == ("emails" in data):
            raise ValidationError("Send either `email` or `emails`.", "emails")


class InvitationListArgs(PageArgs):
    group_id = Id(strict=False, metadata={"description": "Only this group's invitations."})


class InvitationSkippedSchema(ApiSchema):
    email = fields.String()
    reason = fields.String(metadata={"description": 'For people: "has a deactivated account".'})


class InvitationOutcomeSchema(ApiSchema):
    invited = fields.List(
        fields.Nested(InvitationSchema),
        metadata={"description": "Mailed a link (new invitations, and open ones sent again)."},
    )
    joined = fields.List(
        fields.Nested(UserBriefSchema),
        metadata={"description": "Had accounts they had signed in to: added to the group."},
    )
    skipped = fields.List(fields.Nested(InvitationSkippedSchema))
