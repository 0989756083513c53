"""Shared measures and each school's points on them.

As for the driver diagram, request bodies check the JSON shape (a number is a JSON number,
a kind one of three); what the values may be (lengths, a percent's goal, a period that has
begun, a numerator within its denominator, who enters for which school) is the services'
check. A batch of points with any bad row answers every bad row at once, by its number.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from nic.api.schemas.common import (
    ApiSchema,
    Flag,
    Id,
    Number,
    PageArgs,
    Text,
    UtcDateTime,
    stale_of,
)
from nic.api.schemas.search import RefSchema
from nic.models import MeasureKind, Unit
from nic.models.measures import Direction, Frequency
from nic.services.measure_points import MAX_ROWS, NOTE_MAX, RowErrors
from nic.services.measures import DEFINITION_MAX, LINKABLE, NAME_MAX, UNIT_LABEL_MAX

KINDS = [k.value for k in MeasureKind]
UNITS = [u.value for u in Unit]
FREQUENCIES = [f.value for f in Frequency]
DIRECTIONS = [d.value for d in Direction]
# What a point's `action` is called in the answer, by the service's name for it.
ACTIONS = {"create": "created", "update": "updated", "same": "unchanged"}
PERIOD_MAX = 40
TOO_MANY = f"A batch takes from 1 to {MAX_ROWS:,} points: split a longer one."


class MeasureLinkSchema(ApiSchema):
    id = fields.Integer()
    kind = fields.String(validate=validate.OneOf(LINKABLE))
    title = fields.String()


class MeasureSchema(ApiSchema):
    """A shared measure: what the network (or one group) counts, and how."""

    id = fields.Integer()
    group_id = fields.Integer(
        allow_none=True,
        metadata={"description": "Beside this group's diagram; null: the network's."},
    )
    name = fields.String()
    kind = fields.String(validate=validate.OneOf(KINDS))
    unit = fields.String(validate=validate.OneOf(UNITS))
    frequency = fields.String(validate=validate.OneOf(FREQUENCIES))
    direction = fields.String(
        validate=validate.OneOf(DIRECTIONS), metadata={"description": "up: higher is better."}
    )
    definition = fields.String(metadata={"description": "How it is collected. Markdown."})
    definition_html = fields.String(metadata={"description": "Sanitised HTML."})
    unit_label = fields.String()
    rate_per = fields.Float(metadata={"description": "A rate is count / exposure x rate_per."})
    goal = fields.Float(allow_none=True)
    baseline_points = fields.Integer(metadata={"description": "Points in a chart's baseline."})
    links = fields.List(
        fields.Nested(MeasureLinkSchema),
        metadata={"description": "The drivers and change ideas it informs, in diagram order."},
    )
    version = fields.Integer(metadata={"description": "Send it back when changing it."})
    archived_at = UtcDateTime(allow_none=True, metadata={"description": "Retired; null: live."})
    created_by_id = fields.Integer(allow_none=True)
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class MeasureDetailSchema(MeasureSchema):
    can_edit = fields.Boolean(metadata={"description": "Whether you may change it."})


StaleMeasureSchema = stale_of(MeasureDetailSchema, "measure")


class MeasureArgs(PageArgs):
    group_id = Id(strict=False, metadata={"description": "Only this group's measures."})
    archived = fields.Boolean(
        load_default=False, metadata={"description": "true: only the retired; false: the live."}
    )


def _definition(required: bool) -> dict[str, fields.Field]:
    """A measure's fields as written: all needed to define one, any to change one."""
    need = {"required": True} if required else {}

    def default(value: Any) -> dict[str, Any]:
        return {"load_default": value} if required else {}

    return {
        "name": Text(metadata={"description": f"At most {NAME_MAX} characters."}, **need),
        "kind": fields.String(validate=validate.OneOf(KINDS), **need),
        "unit": fields.String(
            validate=validate.OneOf(UNITS),
            metadata={"description": "Fixed once points are entered."},
            **need,
        ),
        "frequency": fields.String(
            validate=validate.OneOf(FREQUENCIES),
            metadata={"description": "Fixed once points are entered."},
            **need,
        ),
        "direction": fields.String(validate=validate.OneOf(DIRECTIONS), **need),
        "definition": Text(
            metadata={"description": f"Markdown, at most {DEFINITION_MAX} characters."},
            **default(""),
        ),
        "unit_label": Text(
            metadata={"description": f"At most {UNIT_LABEL_MAX} characters."}, **default("")
        ),
        "rate_per": Number(
            allow_none=True,
            metadata={"description": "A rate's exposure unit (per 100 student-days: 100)."},
            **default(None),
        ),
        "goal": Number(
            allow_none=True, metadata={"description": "A percent's is 0 to 100."}, **default(None)
        ),
        "baseline_points": fields.Integer(
            strict=True, validate=validate.Range(min=4, max=60), **default(12)
        ),
        "node_ids": fields.List(
            Id(),
            validate=validate.Length(max=200),
            metadata={"description": "Drivers and change ideas of its diagram it informs."},
            **default([]),
        ),
    }


MeasureCreateSchema = ApiSchema.from_dict(
    {
        "group_id": Id(
            allow_none=True,
            load_default=None,
            metadata={"description": "Beside this group's diagram; null: the network's."},
        ),
        **_definition(required=True),
    },
    name="MeasureCreate",
)
MeasureUpdateSchema = ApiSchema.from_dict(
    {
        **_definition(required=False),
        "version": fields.Integer(
            strict=True,
            required=True,
            metadata={
                "description": "The version the edit started from (a stale one is a 409 "
                "carrying the measure as saved now in `current`)."
            },
        ),
    },
    name="MeasureUpdate",
)


class PointSchema(ApiSchema):
    """A school's point on a measure for one period."""

    id = fields.Integer()
    school = fields.Nested(RefSchema)
    period = fields.Date(metadata={"description": "The period's first day."})
    period_label = fields.String(
        metadata={"description": 'As people say it: "Week of 2 Mar 2026".'}
    )
    value = fields.Float(metadata={"description": "A percent's or rate's worked out."})
    numerator = fields.Float(allow_none=True)
    denominator = fields.Float(allow_none=True)
    note = fields.String()
    cycle_id = fields.Integer(allow_none=True, metadata={"description": "A PDSA cycle it marks."})
    entered_by = fields.Nested(RefSchema, allow_none=True)
    entered_at = UtcDateTime()
    updated_at = UtcDateTime()


class PointArgs(PageArgs):
    school_id = Id(strict=False, metadata={"description": "Only this school's points."})
    from_ = fields.Date(data_key="from", metadata={"description": "Periods from (YYYY-MM-DD)."})
    to = fields.Date(metadata={"description": "Periods starting on or before (YYYY-MM-DD)."})


class PointInputSchema(ApiSchema):
    period = Text(
        required=True,
        validate=validate.Length(max=PERIOD_MAX),
        metadata={
            "description": "A day in the period (2026-03-02 or 3/2/2026); a weekly measure's "
            "week also as 2026-W10, a monthly one's month as 2026-03."
        },
    )
    value = Number(allow_none=True, load_default=None,
                   metadata={"description": "A count's or an average's."})  # fmt: skip
    numerator = Number(allow_none=True, load_default=None,
                       metadata={"description": "A percent's or rate's count."})  # fmt: skip
    denominator = Number(allow_none=True, load_default=None,
                         metadata={"description": "Of a percent or a rate."})  # fmt: skip
    note = Text(load_default="", metadata={"description": f"At most {NOTE_MAX} characters."})
    cycle_id = Id(allow_none=True, load_default=None,
                  metadata={"description": "One of the school's PDSA cycles."})  # fmt: skip


class PointBatchSchema(ApiSchema):
    """One school's points, upserted by period; a bad row refuses them all."""

    school_id = Id(required=True)
    points = fields.List(
        fields.Nested(PointInputSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_ROWS, error=TOO_MANY),
    )
    dry_run = Flag(load_default=False, metadata={"description": "true: check, save nothing."})

    def handle_error(self, error: ma.ValidationError, data: Any, **kwargs: Any) -> None:
        """Bad points (and only they) are reported by row, as the service reports its own."""
        messages = error.messages
        if not isinstance(messages, dict) or set(messages) != {"points"}:
            return
        points = messages["points"]
        if isinstance(points, dict) and all(isinstance(k, int) for k in points):
            raise RowErrors({index + 1: _row(found) for index, found in sorted(points.items())})


def _row(messages: object) -> dict[str, str]:
    """One point's marshmallow messages as {field: first message}."""
    if not isinstance(messages, dict):
        return {"point": str(messages)}
    first = {
        name: found[0] if isinstance(found, list) else found for name, found in messages.items()
    }
    return {("point" if name == "_schema" else name): str(m) for name, m in first.items()}


class BatchRowSchema(ApiSchema):
    row = fields.Integer(metadata={"description": "The point's number in the batch, from 1."})
    period = fields.Date(metadata={"description": "The period's first day."})
    action = fields.String(validate=validate.OneOf(list(ACTIONS.values())))


class BatchResultSchema(ApiSchema):
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    dry_run = fields.Boolean(metadata={"description": "true: nothing was saved."})
    rows = fields.List(fields.Nested(BatchRowSchema))
