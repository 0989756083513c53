"""Search in the API."""

from __future__ import annotations

from marshmallow import fields, validate

from nic.api.schemas.common import ApiSchema, Id, PageArgs, UtcDateTime
from nic.models.accounts import JobRole
from nic.services.search import KINDS, SORTS
from nic.services.search_query import QUERY_MAX


class SearchArgs(PageArgs):
    q = fields.String(
        required=True,
        validate=validate.Length(max=QUERY_MAX),
        metadata={
            "description": 'Words (all must match), "a phrase", -word to leave out; the last '
            "word matches as a prefix unless the text ends in a space."
        },
    )
    kind = fields.String(validate=validate.OneOf(KINDS))
    group_id = Id(strict=False)
    thread_id = Id(strict=False)
    author_id = Id(strict=False)
    job_role = fields.String(validate=validate.OneOf([r.value for r in JobRole]))
    school_id = Id(strict=False)
    from_ = fields.Date(data_key="from", metadata={"description": "On or after (YYYY-MM-DD)."})
    to = fields.Date(metadata={"description": "On or before (YYYY-MM-DD)."})
    sort = fields.String(load_default="relevance", validate=validate.OneOf(SORTS))


class RefSchema(ApiSchema):
    id = fields.Integer()
    name = fields.String()


class SearchHitSchema(ApiSchema):
    kind = fields.String(validate=validate.OneOf(KINDS))
    id = fields.Integer()
    title = fields.String()
    snippet = fields.String(
        metadata={"description": "HTML: the text escaped, matched words in <mark>."}
    )
    url = fields.String()
    group = fields.Nested(
        RefSchema, allow_none=True, metadata={"description": "null: shared network-wide."}
    )
    author = fields.Nested(RefSchema)
    created_at = UtcDateTime()
    score = fields.Float()
