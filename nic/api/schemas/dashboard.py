"""The facilitator's dashboard as JSON: the same figures as the page, for admins and the
network's facilitators, counting only what the caller may see."""

from __future__ import annotations

from marshmallow import fields, validate

from nic.api.schemas.common import ApiSchema, UtcDateTime
from nic.api.schemas.search import RefSchema
from nic.services.dashboard import BAD_DAYS, DAYS, DEFAULT_DAYS


class DashboardArgs(ApiSchema):
    days = fields.Integer(
        load_default=DEFAULT_DAYS,
        validate=validate.OneOf(DAYS, error=BAD_DAYS),
        metadata={"description": "The window: the last 7, 30 (the default) or 90 days."},
    )


class FiguresSchema(ApiSchema):
    posts = fields.Integer(metadata={"description": "Threads started and replies written."})
    cross_school_replies = fields.Integer(
        metadata={"description": "Replies to a post or thread by someone of another school."}
    )
    sessions_attended = fields.Integer(metadata={"description": "Live sessions attended."})
    cycles = fields.Integer(metadata={"description": "PDSA cycles created or updated."})


class RoleFiguresSchema(FiguresSchema):
    job_role = fields.String()


class SchoolParticipationSchema(ApiSchema):
    school = fields.Nested(
        RefSchema, allow_none=True, metadata={"description": "null: people with no school."}
    )
    totals = fields.Nested(FiguresSchema)
    roles = fields.List(fields.Nested(RoleFiguresSchema))


class SchoolCyclesSchema(ApiSchema):
    school = fields.Nested(RefSchema)
    in_progress = fields.Integer(metadata={"description": "No decision yet."})
    overdue = fields.Integer(metadata={"description": "Past the planned end, a phase empty."})
    in_progress_url = fields.String()
    overdue_url = fields.String()


class CyclesSchema(ApiSchema):
    in_progress = fields.Integer()
    overdue = fields.Integer()
    in_progress_url = fields.String()
    overdue_url = fields.String()
    schools = fields.List(fields.Nested(SchoolCyclesSchema))


class StaleMeasureSchema(ApiSchema):
    measure = fields.Nested(RefSchema)
    school = fields.Nested(RefSchema)
    frequency = fields.String()
    last_period = fields.Date(metadata={"description": "The period of the school's last point."})
    last_period_label = fields.String()
    url = fields.String()


class DashboardSignalSchema(ApiSchema):
    measure = fields.Nested(RefSchema)
    school = fields.Nested(RefSchema)
    kind = fields.String(metadata={"description": "shift, trend, too_few_runs, too_many_runs, "
                                                  "astronomical."})  # fmt: skip
    text = fields.String(metadata={"description": "The signal in words."})
    news = fields.String(
        allow_none=True,
        metadata={"description": "better or worse by the measure's direction; null: neither."},
    )
    candidate = fields.Boolean(metadata={"description": "true: a person decides (astronomical)."})
    ends = fields.Date(metadata={"description": "The period of its last point."})
    url = fields.String()


class UnansweredThreadSchema(ApiSchema):
    id = fields.Integer()
    title = fields.String()
    created_at = UtcDateTime()
    group = fields.Nested(RefSchema)
    url = fields.String()


class UnansweredSchema(ApiSchema):
    count = fields.Integer(metadata={"description": "Every one, not only the items given."})
    items = fields.List(fields.Nested(UnansweredThreadSchema))
    url = fields.String(metadata={"description": "The page listing every one."})


class PracticeRefSchema(ApiSchema):
    id = fields.Integer()
    title = fields.String()


class UntoldSchema(ApiSchema):
    kind = fields.String(validate=validate.OneOf(["try", "cycle"]))
    id = fields.Integer(metadata={"description": "The try's id, or the cycle's."})
    practice = fields.Nested(PracticeRefSchema)
    school_name = fields.String()
    cycle_title = fields.String(allow_none=True)
    since = fields.Date(metadata={"description": "Tried on; for a cycle, its planned end."})
    url = fields.String()


class UntoldTriesSchema(ApiSchema):
    count = fields.Integer()
    items = fields.List(fields.Nested(UntoldSchema))
    url = fields.String()


class LearningSchema(ApiSchema):
    schools = fields.List(fields.Nested(RefSchema))
    matrix = fields.List(
        fields.List(fields.Integer()),
        metadata={"description": "matrix[i][j]: school i's replies to school j's people and "
                                 "tries of its practices."},
    )  # fmt: skip
    row_totals = fields.List(fields.Integer())
    column_totals = fields.List(fields.Integer())
    total = fields.Integer()


class DashboardSchema(ApiSchema):
    days = fields.Integer()
    since = UtcDateTime()
    participation = fields.List(fields.Nested(SchoolParticipationSchema))
    network = fields.Nested(FiguresSchema, metadata={"description": "Participation in all."})
    cycles = fields.Nested(CyclesSchema)
    stale_measures = fields.List(fields.Nested(StaleMeasureSchema))
    signals = fields.List(fields.Nested(DashboardSignalSchema))
    to_look_at = fields.List(
        fields.Nested(DashboardSignalSchema), metadata={"description": "Astronomical candidates."}
    )
    unanswered_threads = fields.Nested(UnansweredSchema)
    untold_tries = fields.Nested(UntoldTriesSchema)
    learning = fields.Nested(LearningSchema)
