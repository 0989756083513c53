"""People as the API shows them: members, the signed-in caller, authors."""

from __future__ import annotations

from marshmallow import fields, validate

from nic.api.schemas.common import ApiSchema, Id, PageArgs, Text, UtcDateTime
from nic.services.accounts import JOB_ROLES
from nic.services.mentions import GROUP, HANDLE_MAX, USER


class DistrictRefSchema(ApiSchema):
    id = fields.Integer()
    name = fields.String()


class SchoolRefSchema(ApiSchema):
    id = fields.Integer()
    name = fields.String()
    district = fields.Nested(DistrictRefSchema)


class UserBriefSchema(ApiSchema):
    """An author or member, without the school (lists stay one query)."""

    id = fields.Integer()
    username = fields.String()
    name = fields.String()
    job_role = fields.String(validate=validate.OneOf(JOB_ROLES))


class UserSchema(UserBriefSchema):
    """A member as the directory shows them."""

    school = fields.Nested(SchoolRefSchema, allow_none=True)
    bio = fields.String()


class MeSchema(UserSchema):
    """The caller, with what only they see about themselves."""

    email = fields.String()
    time_zone = fields.String()
    is_admin = fields.Boolean()
    created_at = UtcDateTime()


class UserListArgs(PageArgs):
    job_role = fields.String(validate=validate.OneOf(JOB_ROLES))
    school_id = Id(strict=False)
    district_id = Id(strict=False)


class MentionCandidateArgs(ApiSchema):
    q = Text(
        required=True,
        validate=validate.Length(min=1, max=HANDLE_MAX + 1),
        metadata={"description": 'What was typed after "@" (a leading "@" is allowed).'},
    )
    group_id = Id(
        strict=False,
        metadata={"description": "The group being written in: its members come first."},
    )


class MentionCandidateSchema(ApiSchema):
    """Someone to mention, or a group the caller may mention."""

    kind = fields.String(validate=validate.OneOf([USER, GROUP]))
    id = fields.Integer()
    handle = fields.String(metadata={"description": 'What to write after "@".'})
    name = fields.String()
    job_role = fields.String(allow_none=True, validate=validate.OneOf(JOB_ROLES))
    job_role_label = fields.String(allow_none=True)
    school = fields.String(allow_none=True, metadata={"description": "The school's name."})
    in_group = fields.Boolean(metadata={"description": "A member of the group `group_id`."})


class MentionCandidateListSchema(ApiSchema):
    items = fields.List(fields.Nested(MentionCandidateSchema), required=True)
