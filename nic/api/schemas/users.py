"""People as the API shows them: members, the signed-in caller, authors."""

from __future__ import annotations

from marshmallow import fields, validate

from nic.api.schemas.common import ApiSchema, Id, PageArgs, UtcDateTime
from nic.services.accounts import JOB_ROLES


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
