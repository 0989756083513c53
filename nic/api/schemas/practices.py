"""The practice library: write-ups, their revisions, schools' reports of trying them.

Request bodies check the JSON shape (names, types, required keys); what the
values may be (lengths, levers, levels, outcomes, groups, co-authors) is the
services' check, so every problem of one request is named in one answer.
"""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import fields, validate

from nic.api.schemas.common import ApiSchema, Flag, Id, PageArgs, Text, UtcDateTime
from nic.api.schemas.users import UserBriefSchema
from nic.models import EVIDENCE_LABELS, PracticeStatus
from nic.services.accounts import JOB_ROLES
from nic.services.library import SCHOOL_LIST, SORTS
from nic.services.practice_fields import LEVELS, LEVERS, SUMMARY_MAX, TAG_MAX
from nic.services.tries import OUTCOMES

STATUSES = [s.value for s in PracticeStatus]


def _enum(values: list[str], description: str) -> dict:
    """Documented choices the service checks (so its message joins the others)."""
    return {"metadata": {"enum": values, "description": description}}


class SchoolNameSchema(ApiSchema):
    id = fields.Integer()
    name = fields.String()


class PracticeAuthorSchema(UserBriefSchema):
    school = fields.Nested(SchoolNameSchema, allow_none=True)


class PracticeSchema(ApiSchema):
    id = fields.Integer()
    title = fields.String()
    summary = fields.String()
    body = fields.String(metadata={"description": "Markdown."})
    body_html = fields.String(metadata={"description": "Sanitised HTML."})
    status = fields.String(validate=validate.OneOf(STATUSES))
    group_id = fields.Integer(
        allow_none=True,
        metadata={"description": "The group it is shared with; null for the whole network."},
    )
    levers = fields.List(fields.String(validate=validate.OneOf(LEVERS)))
    levels = fields.List(fields.String(validate=validate.OneOf(LEVELS)))
    tags = fields.List(fields.String())
    authors = fields.List(
        fields.Nested(PracticeAuthorSchema),
        metadata={"description": "The writer first, then the co-authors."},
    )
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    published_at = UtcDateTime(allow_none=True)
    revision_number = fields.Integer(
        metadata={"description": "The latest published revision; 0 for a draft never published."}
    )
    tried_count = fields.Integer(metadata={"description": "Schools that reported trying it."})
    adopted_count = fields.Integer()
    adapted_count = fields.Integer()
    stopped_count = fields.Integer()
    helpful_count = fields.Integer()
    thread_id = fields.Integer(
        allow_none=True,
        metadata={"description": "Its discussion: GET /threads/{thread_id}; null for a draft."},
    )
    url = fields.String(metadata={"description": "The practice's page."})


class PracticeUpdateSchema(ApiSchema):
    """Only the fields sent change."""

    title = Text()
    summary = Text(metadata={"description": f"One paragraph, at most {SUMMARY_MAX} characters."})
    body = Text(metadata={"description": "Markdown."})
    levers = fields.List(fields.String(**_enum(LEVERS, "A lever.")))
    levels = fields.List(fields.String(**_enum(LEVELS, "A school level.")))
    tags = fields.List(Text(metadata={"description": f"At most {TAG_MAX} characters."}))
    group_id = Id(
        allow_none=True,
        metadata={"description": "A group you belong to; null shares with the whole network."},
    )
    coauthor_ids = fields.List(Id())


class PracticeCreateSchema(PracticeUpdateSchema):
    """Fields not sent are empty; without `group_id` it goes to the whole network."""

    title = Text(required=True)
    publish = Flag(
        load_default=False,
        metadata={"description": "Publish at once (needs a summary, a body, a lever, a level)."},
    )


class LibraryArgs(PageArgs):
    lever = fields.String(validate=validate.OneOf(LEVERS))
    level = fields.String(validate=validate.OneOf(LEVELS))
    tag = Text(validate=validate.Length(max=TAG_MAX))
    author_role = fields.String(
        validate=validate.OneOf(JOB_ROLES),
        metadata={"description": "Practices with an author of this job role."},
    )
    school_id = Id(strict=False, metadata={"description": "Practices with an author from it."})
    group_id = Id(strict=False, metadata={"description": "Practices shared with this group."})
    sort = fields.String(load_default="newest", validate=validate.OneOf(list(SORTS)))


class RevisionLabelsSchema(ApiSchema):
    levers = fields.List(fields.String())
    levels = fields.List(fields.String())
    tags = fields.List(fields.String())


class PracticeRevisionSchema(ApiSchema):
    number = fields.Integer(metadata={"description": "1 for the first publish."})
    title = fields.String()
    summary = fields.String()
    body = fields.String(metadata={"description": "Markdown."})
    labels = fields.Nested(RevisionLabelsSchema)
    author = fields.Nested(UserBriefSchema, metadata={"description": "Who saved it."})
    created_at = UtcDateTime()


class TryReportSchema(ApiSchema):
    """A school's report of trying a practice (one a school, updated in place)."""

    id = fields.Integer()
    practice_id = fields.Integer()
    tried_on = fields.Date()
    outcome = fields.String(validate=validate.OneOf(OUTCOMES))
    grade_band = fields.String()
    participants = fields.String()
    changes = fields.String(metadata={"description": "Markdown: what the school changed."})
    changes_html = fields.String()
    observations = fields.String(metadata={"description": "Markdown: what the school saw."})
    observations_html = fields.String()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class TrySchema(TryReportSchema):
    cycle_id = fields.Integer(
        allow_none=True,
        metadata={"description": "The school's PDSA cycle it was run as; null: none, or one "
                  "you may not see."},
    )  # fmt: skip
    school = fields.Nested(SchoolNameSchema)
    reported_by = fields.Nested(
        UserBriefSchema, attribute="user", metadata={"description": "Who reported it last."}
    )


class TryCreateSchema(ApiSchema):
    tried_on = fields.Date(required=True, metadata={"description": "Not in the future."})
    outcome = fields.String(required=True, **_enum(OUTCOMES, "How it went."))
    grade_band = Text(load_default="")
    participants = Text(load_default="")
    changes = Text(load_default="", metadata={"description": "Markdown."})
    observations = Text(required=True, metadata={"description": "Markdown."})
    cycle_id = Id(
        allow_none=True,
        metadata={"description": "One of your school's PDSA cycles started from this "
                  "practice; null unlinks it, left out keeps it."},
    )  # fmt: skip


class HelpfulSchema(ApiSchema):
    helpful = fields.Boolean(metadata={"description": "Whether the caller marked it helpful."})
    helpful_count = fields.Integer()


class SchoolTriedSchema(ApiSchema):
    practice = fields.Nested(PracticeSchema)
    report = fields.Nested(TryReportSchema)


class SchoolPracticesSchema(ApiSchema):
    school = fields.Nested(SchoolNameSchema)
    written = fields.List(
        fields.Nested(PracticeSchema),
        metadata={"description": f"By its people, newest first (at most {SCHOOL_LIST})."},
    )
    tried = fields.List(
        fields.Nested(SchoolTriedSchema),
        metadata={"description": f"What it tried, latest first (at most {SCHOOL_LIST})."},
    )


class AttachmentSchema(ApiSchema):
    id = fields.Integer()
    filename = fields.String()
    content_type = fields.String()
    size_bytes = fields.Integer()
    caption = fields.String()
    evidence_kind = fields.String(validate=validate.OneOf(list(EVIDENCE_LABELS)))
    deidentified = fields.Boolean(
        metadata={"description": "The author confirmed students' names were removed (FERPA)."}
    )
    created_at = UtcDateTime()
    download_url = fields.String(metadata={"description": "Always served as a download."})


class AttachmentFormSchema(ma.Schema):
    """The form fields of an upload (multipart/form-data); the file itself is `file`."""

    class Meta:
        unknown = ma.RAISE

    caption = fields.String(required=True, metadata={"description": "At most 300 characters."})
    evidence_kind = fields.String(required=True, validate=validate.OneOf(list(EVIDENCE_LABELS)))
    deidentified = fields.Boolean(
        load_default=False,
        metadata={"description": "Required true for student work and assessment evidence."},
    )


class AttachmentFileSchema(ma.Schema):
    file = Upload(
        required=True,
        metadata={"description": "PDF, Word, PowerPoint, Excel, PNG or JPEG; at most 10 MB."},
    )


class AttachmentUploadSchema(AttachmentFormSchema, AttachmentFileSchema):
    """The whole multipart body, for the OpenAPI document (parsed as its two parts)."""
