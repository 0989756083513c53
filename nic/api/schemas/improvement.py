"""The aim and the driver diagram: its tree, its parts (nodes), practices linked to them.

As for practices, request bodies check the JSON shape; what the values may be
(lengths, the level a part goes at, where it may move) is the services' check.
"""

from __future__ import annotations

from marshmallow import fields, validate

from nic.api.schemas.common import ApiSchema, Id, Text, UtcDateTime
from nic.models import LEVELS
from nic.services.aims import PART_MAX, WHAT_MAX
from nic.services.driver_diagrams import DESCRIPTION_MAX, TITLE_MAX

PART_KINDS = LEVELS[1:]  # the aim is the root, written through the aim


class AimSchema(ApiSchema):
    diagram_id = fields.Integer(metadata={"description": "GET /driver-diagrams/{diagram_id}."})
    what = fields.String()
    how_much = fields.String()
    by_when = fields.Date()
    for_whom = fields.String()
    statement = fields.String(metadata={"description": "The aim as one sentence."})
    version = fields.Integer(metadata={"description": "Send it back with a revision."})
    updated_at = UtcDateTime()


class AimWriteSchema(ApiSchema):
    what = Text(required=True, metadata={"description": f"At most {WHAT_MAX} characters."})
    how_much = Text(required=True, metadata={"description": f"At most {PART_MAX} characters."})
    by_when = fields.Date(required=True, metadata={"description": "YYYY-MM-DD."})
    for_whom = Text(required=True, metadata={"description": f"At most {PART_MAX} characters."})
    version = fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        metadata={
            "description": "The aim's version the revision started from (none for the first "
            "aim): a stale one is a 409 carrying the aim as saved now in `current`."
        },
    )


class PracticeLinkSchema(ApiSchema):
    id = fields.Integer()
    title = fields.String()


class TreeNodeSchema(ApiSchema):
    id = fields.Integer()
    kind = fields.String(validate=validate.OneOf(LEVELS))
    title = fields.String()
    description_html = fields.String(metadata={"description": "Sanitised HTML."})
    position = fields.Integer(metadata={"description": "Among its siblings, 0 first."})
    version = fields.Integer(
        allow_none=True, metadata={"description": "null in the past view (as_of)."}
    )
    practices = fields.List(
        fields.Nested(PracticeLinkSchema),
        metadata={"description": "A change idea's practices you may open ([] in the past view)."},
    )
    children = fields.List(fields.Nested(lambda: TreeNodeSchema()))


class DiagramSchema(ApiSchema):
    id = fields.Integer()
    group_id = fields.Integer(
        allow_none=True, metadata={"description": "Its group; null for the network's diagram."}
    )
    group_name = fields.String(allow_none=True)
    statement = fields.String(allow_none=True, metadata={"description": "Its aim."})
    can_edit = fields.Boolean(metadata={"description": "Whether you may change it."})
    created_at = UtcDateTime()
    url = fields.String(metadata={"description": "The diagram's page."})


class DiagramDetailSchema(DiagramSchema):
    as_of = fields.Date(
        allow_none=True, metadata={"description": "The day shown; null for the diagram now."}
    )
    tree = fields.Nested(
        TreeNodeSchema,
        allow_none=True,
        metadata={"description": "The aim and everything under it; null before it existed."},
    )


class DiagramArgs(ApiSchema):
    as_of = fields.Date(
        metadata={
            "description": "YYYY-MM-DD: the diagram as it stood at the end of that day (UTC); "
            "today or later is the diagram now."
        }
    )


class NodeSchema(ApiSchema):
    id = fields.Integer()
    diagram_id = fields.Integer()
    parent_id = fields.Integer(allow_none=True, metadata={"description": "null for the aim."})
    kind = fields.String(validate=validate.OneOf(LEVELS))
    title = fields.String()
    description = fields.String(metadata={"description": "Markdown."})
    description_html = fields.String(metadata={"description": "Sanitised HTML."})
    position = fields.Integer(metadata={"description": "Among its siblings, 0 first."})
    version = fields.Integer(metadata={"description": "Send it back when renaming."})
    archived_at = UtcDateTime(allow_none=True)
    created_at = UtcDateTime()
    practices = fields.List(fields.Nested(PracticeLinkSchema))


class NodeCreateSchema(ApiSchema):
    parent_id = Id(required=True, metadata={"description": "A live part one level up."})
    kind = fields.String(
        validate=validate.OneOf(PART_KINDS),
        metadata={"description": "The kind one level below the parent's (the default)."},
    )
    title = Text(required=True, metadata={"description": f"At most {TITLE_MAX} characters."})
    description = Text(
        load_default="",
        metadata={"description": f"Markdown, at most {DESCRIPTION_MAX} characters."},
    )


class NodeUpdateSchema(ApiSchema):
    """Only what is sent changes, in this order: the words, the parent, the position."""

    title = Text(metadata={"description": f"At most {TITLE_MAX} characters."})
    description = Text(metadata={"description": "Markdown."})
    version = fields.Integer(
        strict=True,
        metadata={
            "description": "Required with title or description: the version the edit started "
            "from (a stale one is a 409 carrying the part as saved now in `current`)."
        },
    )
    parent_id = Id(metadata={"description": "Move under this part (one level up)."})
    position = fields.Integer(
        strict=True,
        validate=validate.Range(min=0, max=10_000),
        metadata={"description": "Move to this place among its siblings, 0 first."},
    )


class ArchiveArgs(ApiSchema):
    with_children = fields.Boolean(
        load_default=False,
        metadata={"description": "true: archive everything under it too."},
    )


class LinkPracticeSchema(ApiSchema):
    practice_id = Id(required=True, metadata={"description": "A published practice."})


class StaleAimBodySchema(ApiSchema):
    code = fields.String(required=True, metadata={"description": "conflict"})
    message = fields.String(required=True)
    current = fields.Nested(AimSchema, required=True, metadata={"description": "As saved now."})


class StaleAimSchema(ApiSchema):
    """A revision from a stale version: the aim as saved now comes with it."""

    error = fields.Nested(StaleAimBodySchema, required=True)


class StaleNodeBodySchema(ApiSchema):
    code = fields.String(required=True, metadata={"description": "conflict"})
    message = fields.String(required=True)
    current = fields.Nested(NodeSchema, required=True, metadata={"description": "As saved now."})


class StaleNodeSchema(ApiSchema):
    """An edit from a stale version: the part as saved now comes with it."""

    error = fields.Nested(StaleNodeBodySchema, required=True)
