"""Peer groups and their members."""

from __future__ import annotations

from marshmallow import fields, validate

from nic.api.schemas.common import ApiSchema, Id, Text, UtcDateTime
from nic.api.schemas.users import UserSchema
from nic.models import GroupRole, Visibility
from nic.services.groups import GROUP_ROLES, JOB_ROLES, VISIBILITIES


class GroupSchema(ApiSchema):
    id = fields.Integer()
    name = fields.String()
    slug = fields.String(
        metadata={
            "description": 'How its facilitators mention the whole group: "@" + slug. '
            "Made from the name, and made again when the name changes."
        }
    )
    description = fields.String()
    job_roles = fields.List(
        fields.String(validate=validate.OneOf(JOB_ROLES)),
        metadata={"description": "Job roles the group is meant for; empty means everyone."},
    )
    visibility = fields.String(validate=validate.OneOf(VISIBILITIES))
    created_at = UtcDateTime()
    my_role = fields.String(
        allow_none=True,
        validate=validate.OneOf(GROUP_ROLES),
        metadata={"description": "The caller's role in the group; null when not a member."},
    )


class GroupCreateSchema(ApiSchema):
    name = Text(required=True)
    description = Text(load_default="")
    job_roles = fields.List(fields.String(validate=validate.OneOf(JOB_ROLES)), load_default=list)
    visibility = fields.String(
        validate=validate.OneOf(VISIBILITIES), load_default=Visibility.NETWORK.value
    )


class GroupUpdateSchema(ApiSchema):
    """Only the fields sent change."""

    name = Text()
    description = Text()
    job_roles = fields.List(fields.String(validate=validate.OneOf(JOB_ROLES)))
    visibility = fields.String(validate=validate.OneOf(VISIBILITIES))


class MemberSchema(ApiSchema):
    user = fields.Nested(UserSchema)
    role = fields.String(validate=validate.OneOf(GROUP_ROLES))
    joined_at = UtcDateTime()


class MemberAddSchema(ApiSchema):
    user_id = Id(required=True)
    role = fields.String(validate=validate.OneOf(GROUP_ROLES), load_default=GroupRole.MEMBER.value)
