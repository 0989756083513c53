"""Districts and schools."""

from __future__ import annotations

from marshmallow import fields

from nic.api.schemas.common import ApiSchema, Id, PageArgs, Text, UtcDateTime
from nic.api.schemas.users import DistrictRefSchema


class DistrictSchema(ApiSchema):
    id = fields.Integer()
    name = fields.String()
    created_at = UtcDateTime()


class DistrictCreateSchema(ApiSchema):
    name = Text(required=True)


class SchoolSchema(ApiSchema):
    id = fields.Integer()
    name = fields.String()
    district = fields.Nested(DistrictRefSchema)
    created_at = UtcDateTime()


class SchoolCreateSchema(ApiSchema):
    name = Text(required=True)
    district_id = Id(required=True)


class SchoolListArgs(PageArgs):
    district_id = Id(strict=False)
