"""A measure's chart as data: the points laid out in time, the centre line, the limits and
the signals the rules found (docs/improvement-science.md defines each rule)."""

from __future__ import annotations

from marshmallow import fields

from nic.api.schemas.common import ApiSchema, Id
from nic.api.schemas.search import RefSchema

NUMBERS = "One entry per point (null where there is none)."


class ChartArgs(ApiSchema):
    school_id = Id(strict=False, metadata={"description": "A school's chart; left out: the "
                                                          "network's aggregate."})  # fmt: skip


class ChartPointSchema(ApiSchema):
    period = fields.Date(metadata={"description": "The period's first day."})
    period_label = fields.String(metadata={"description": 'As people say it: "Mar 2026".'})
    value = fields.Float(allow_none=True, metadata={"description": "null: not entered."})
    numerator = fields.Float(allow_none=True)
    denominator = fields.Float(allow_none=True)
    note = fields.String()
    cycle_id = fields.Integer(allow_none=True)


class SignalSchema(ApiSchema):
    kind = fields.String(metadata={"description": "shift, trend, too_few_runs, too_many_runs, "
                                                  "astronomical; on a control chart also "
                                                  "beyond_limits, eight_on_one_side, six_trend, "
                                                  "two_of_three_outer, fifteen_inner, "
                                                  "mr_beyond_limit."})  # fmt: skip
    indices = fields.List(fields.Integer(), metadata={"description": "Its points' indices."})
    direction = fields.String(allow_none=True, metadata={"description": "above, below, up, down."})
    text = fields.String(metadata={"description": "The signal in words, with its period."})
    news = fields.String(
        allow_none=True,
        metadata={"description": "better or worse by the measure's direction; null: neither."},
    )
    candidate = fields.Boolean(
        metadata={"description": "true: an astronomical point for a person to confirm."}
    )


class PhaseSchema(ApiSchema):
    start = fields.Integer(metadata={"description": "Index of its first point."})
    end = fields.Integer(metadata={"description": "Index after its last point."})
    baseline = fields.List(fields.Integer(), metadata={"description": "[first, after last]."})
    median = fields.Float(allow_none=True)


class RunsSchema(ApiSchema):
    useful = fields.Integer(metadata={"description": "Points not on the median."})
    runs = fields.Integer()
    lower = fields.Integer(allow_none=True)
    upper = fields.Integer(allow_none=True)
    evaluated = fields.Boolean(metadata={"description": "false: under 10 or over 60 useful."})


class ControlSchema(ApiSchema):
    kind = fields.String(metadata={"description": "p (percent), u (rate) or xmr."})
    centre = fields.List(fields.Float(allow_none=True), metadata={"description": NUMBERS})
    upper = fields.List(fields.Float(allow_none=True), metadata={"description": NUMBERS})
    lower = fields.List(fields.Float(allow_none=True), metadata={"description": NUMBERS})
    signals = fields.List(fields.Nested(SignalSchema))
    moving_ranges = fields.List(fields.Float(allow_none=True), allow_none=True)
    mr_centre = fields.Float(allow_none=True)
    mr_upper = fields.Float(allow_none=True)


class ChartSchema(ApiSchema):
    """A run chart (and a control chart once 20 points are entered) with its signals, on the
    scale the measure is entered in (a percent 0-100, a rate per its exposure)."""

    measure = fields.Nested(RefSchema)
    school = fields.Nested(RefSchema, allow_none=True)
    points = fields.List(fields.Nested(ChartPointSchema))
    centre = fields.List(fields.Float(allow_none=True), metadata={"description": NUMBERS})
    phases = fields.List(fields.Nested(PhaseSchema))
    runs = fields.List(fields.Nested(RunsSchema), metadata={"description": "One per phase."})
    signals = fields.List(fields.Nested(SignalSchema))
    control = fields.Nested(ControlSchema, allow_none=True)
