"""Roster imports: the files sent, and what they would do or did."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import fields, validate

from nic.api.schemas.common import ApiSchema, UtcDateTime
from nic.models import ImportStatus
from nic.services.roster_changes import ACTIONS
from nic.services.roster_files import MAX_FILES, MAX_ROWS


class RosterFormSchema(ma.Schema):
    """The form fields of a roster import (multipart/form-data); the files are `files`."""

    class Meta:
        unknown = ma.RAISE

    dry_run = fields.Boolean(
        load_default=False,
        metadata={"description": "true: check the files and save nothing (the preview)."},
    )


class RosterFilesSchema(ma.Schema):
    files = fields.List(
        Upload(),
        required=True,
        validate=validate.Length(min=1, max=MAX_FILES, error="Send one or two CSV files."),
        metadata={
            "description": "A schools file, a people file, or both (each told by its "
            f"columns); CSV, at most 360 KB and {MAX_ROWS:,} rows each."
        },
    )


class RosterUploadSchema(RosterFormSchema, RosterFilesSchema):
    """The whole multipart body, for the OpenAPI document (parsed as its two parts)."""


class RosterFileSchema(ApiSchema):
    name = fields.String()
    kind = fields.String(metadata={"enum": ["schools", "people"]})
    rows = fields.Integer()
    columns = fields.Dict(
        keys=fields.String(), values=fields.String(),
        metadata={"description": "Each field read, with the file's name for its column."},
    )  # fmt: skip
    ignored = fields.List(fields.String(), metadata={"description": "Columns not used."})


class RosterChangeSchema(ApiSchema):
    action = fields.String(metadata={"enum": list(ACTIONS)})
    file = fields.String()
    row = fields.Integer(metadata={"description": "The file's row (row 1 is its header)."})
    name = fields.String()
    key = fields.String(metadata={"description": "The external id, or the person's email."})
    changes = fields.Dict(
        keys=fields.String(), values=fields.List(fields.Raw()),
        metadata={"description": "Each field that changes: [as it is, as it becomes]."},
    )  # fmt: skip


class RosterChangesSchema(ApiSchema):
    districts = fields.List(fields.Nested(RosterChangeSchema))
    schools = fields.List(fields.Nested(RosterChangeSchema))
    people = fields.List(fields.Nested(RosterChangeSchema))


class RosterRowErrorSchema(ApiSchema):
    file = fields.String()
    row = fields.Integer()
    column = fields.String()
    message = fields.String()


class RosterMissingSchema(ApiSchema):
    id = fields.Integer()
    name = fields.String()
    email = fields.String()


class RosterTotalsSchema(ApiSchema):
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    errors = fields.Integer()


class RosterImportSchema(ApiSchema):
    id = fields.Integer()
    status = fields.String(metadata={"enum": [s.value for s in ImportStatus]})
    dry_run = fields.Boolean(metadata={"description": "true: nothing was saved."})
    created_at = UtcDateTime()
    applied_at = UtcDateTime(allow_none=True)
    created_by_id = fields.Integer(allow_none=True)
    files = fields.List(fields.Nested(RosterFileSchema))
    totals = fields.Nested(RosterTotalsSchema)
    counts = fields.Dict(
        keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.Integer()),
        metadata={"description": "districts, schools and people: create, update, same (and "
                  "people's join: group memberships added)."},
    )  # fmt: skip
    changes = fields.Nested(RosterChangesSchema)
    errors = fields.List(fields.Nested(RosterRowErrorSchema))
    missing = fields.List(
        fields.Nested(RosterMissingSchema),
        metadata={"description": "Active people not in the people file: listed, never "
                  "deactivated by an import."},
    )  # fmt: skip
