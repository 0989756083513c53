"""PDSA cycles: planned on a change idea by a school, then Plan, Do, Study and Act.

As for the driver diagram, request bodies check the JSON shape (and that a date is a date,
a decision one of three); what the values may be (lengths, dates in order, who may plan
for which school) is the services' check.
"""

from __future__ import annotations

from marshmallow import fields, validate

from nic.api.schemas.common import ApiSchema, Id, PageArgs, Text, UtcDateTime
from nic.api.schemas.search import RefSchema
from nic.models import PHASE_FIELDS, Decision, Phase
from nic.services.cycle_reading import STAGES
from nic.services.cycles import TEXT_MAX, TITLE_MAX

PHASES = [p.value for p in Phase]
DECISIONS = [d.value for d in Decision]
TEXT = f"Markdown, at most {TEXT_MAX} characters."
PLAN_TEXTS = {
    "question": "The question the cycle answers.",
    "prediction": "What the team predicts, before it starts.",
    "plan": "Who will do what, when and where.",
    "data_plan": "The data the team will collect.",
}
LATER_TEXTS = {
    "did": "Do: what happened, and whether it went as planned.",
    "observations": "Do: what the team noticed.",
    "problems": "Do: what got in the way.",
    "results": "Study: the data, compared with the prediction.",
    "learned": "Study: what the team learned.",
    "next_steps": "Act: what comes next.",
}
DATE = "YYYY-MM-DD; null for none."


class IdeaRefSchema(ApiSchema):
    id = fields.Integer()
    title = fields.String()


class CycleSummarySchema(ApiSchema):
    """A cycle in a list: where it hangs and how far it got, without its texts."""

    id = fields.Integer()
    title = fields.String()
    change_idea = fields.Nested(IdeaRefSchema)
    school = fields.Nested(RefSchema)
    group_id = fields.Integer(
        allow_none=True, metadata={"description": "Kept to this group; null: the network's."}
    )
    practice_id = fields.Integer(allow_none=True, metadata={"description": "Starts from it."})
    previous_id = fields.Integer(
        allow_none=True, metadata={"description": "The cycle it follows in its ramp."}
    )
    phase = fields.String(
        validate=validate.OneOf(PHASES),
        metadata={"description": "The furthest phase with anything in it."},
    )
    decision = fields.String(allow_none=True, validate=validate.OneOf(DECISIONS))
    planned_start = fields.Date(allow_none=True)
    planned_end = fields.Date(allow_none=True)
    overdue_phase = fields.String(
        allow_none=True,
        validate=validate.OneOf(PHASES),
        metadata={"description": "The first phase still empty after the planned end; null."},
    )
    version = fields.Integer(metadata={"description": "Send it back when recording it."})
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    url = fields.String(metadata={"description": "The cycle's page."})


def _texts(names: dict[str, str]) -> dict[str, fields.Field]:
    """Each phase text and its sanitised HTML, as answered."""
    found: dict[str, fields.Field] = {}
    for name, description in names.items():
        found[name] = fields.String(metadata={"description": f"{description} Markdown."})
        found[f"{name}_html"] = fields.String(metadata={"description": "Sanitised HTML."})
    return found


CycleTexts = ApiSchema.from_dict(_texts({**PLAN_TEXTS, **LATER_TEXTS}), name="CycleTexts")


class CycleSchema(CycleSummarySchema, CycleTexts):  # type: ignore[misc, valid-type]
    """A cycle with every phase's text, its ramp and what the caller may do."""

    created_by_id = fields.Integer(allow_none=True)
    decided_at = UtcDateTime(allow_none=True)
    next_ids = fields.List(
        fields.Integer(),
        metadata={"description": "The cycles after this one in its ramp, in order."},
    )
    can_edit = fields.Boolean(metadata={"description": "Whether you may record it."})
    warnings = fields.List(
        fields.String(),
        metadata={"description": "About the save just made (an Act with no Plan); else []."},
    )


def _plan_fields(required: bool) -> dict[str, fields.Field]:
    title = Text(required=True, metadata={"description": f"At most {TITLE_MAX} characters."})
    if not required:
        title = Text(metadata={"description": f"At most {TITLE_MAX} characters."})
    found: dict[str, fields.Field] = {"title": title}
    for name, description in PLAN_TEXTS.items():
        extra = {"load_default": ""} if required else {}
        found[name] = Text(metadata={"description": f"{description} {TEXT}"}, **extra)
    for name in ("planned_start", "planned_end"):
        extra = {"load_default": None} if required else {}
        found[name] = fields.Date(allow_none=True, metadata={"description": DATE}, **extra)
    return found


_NEW_PLACE = {
    "group_id": Id(
        allow_none=True,
        metadata={
            "description": "Keep it to one of your groups (null: the whole network). On a "
            "group's diagram it is always that group."
        },
    ),
    "practice_id": Id(allow_none=True, metadata={"description": "A practice it starts from."}),
}

CycleNextSchema = ApiSchema.from_dict(
    {**_NEW_PLACE, **_plan_fields(required=True)}, name="CycleNext"
)
CycleCreateSchema = ApiSchema.from_dict(
    {
        "change_idea_id": Id(required=True, metadata={"description": "A live change idea."}),
        "school_id": Id(required=True, metadata={"description": "Your school."}),
        "previous_id": Id(
            allow_none=True, metadata={"description": "The cycle before it (its own school's)."}
        ),
        **_NEW_PLACE,
        **_plan_fields(required=True),
    },
    name="CycleCreate",
)


def _update_fields() -> dict[str, fields.Field]:
    found = _plan_fields(required=False)
    for name, description in LATER_TEXTS.items():
        found[name] = Text(metadata={"description": f"{description} {TEXT}"})
    found["decision"] = fields.String(
        allow_none=True,
        validate=validate.OneOf(DECISIONS),
        metadata={"description": "Act: adopt, adapt or abandon; null takes it back."},
    )
    found["version"] = fields.Integer(
        strict=True,
        required=True,
        metadata={
            "description": "The version the edit started from (a stale one is a 409 carrying "
            "the cycle as saved now in `current`)."
        },
    )
    return found


CycleUpdateSchema = ApiSchema.from_dict(_update_fields(), name="CycleUpdate")

# The fields of each phase a PATCH may send, in the order they are saved.
UPDATE_PHASES = {
    Phase.PLAN.value: ("title", *PHASE_FIELDS["plan"], "planned_start", "planned_end"),
    Phase.DO.value: PHASE_FIELDS["do"],
    Phase.STUDY.value: PHASE_FIELDS["study"],
    Phase.ACT.value: ("decision", *PHASE_FIELDS["act"]),
}


class CycleArgs(PageArgs):
    school_id = Id(strict=False)
    change_idea_id = Id(strict=False)
    practice_id = Id(strict=False)
    phase = fields.String(
        validate=validate.OneOf(PHASES),
        metadata={"description": "The furthest phase with anything in it."},
    )
    decided = fields.Boolean(metadata={"description": "true: with a decision; false: without."})
    overdue = fields.Boolean(
        metadata={"description": "true: past the planned end with a phase still empty."}
    )


CycleStagesSchema = ApiSchema.from_dict(
    {s: fields.Integer(metadata={"description": f"Schools {s}."}) for s in STAGES},
    name="CycleStages",
)
CycleDecisionsSchema = ApiSchema.from_dict(
    {d: fields.Integer(metadata={"description": f"Cycles decided {d}."}) for d in DECISIONS},
    name="CycleDecisions",
)


class EvidenceSchema(ApiSchema):
    """What the network learned about a change idea, from the cycles you may see."""

    change_idea = fields.Nested(IdeaRefSchema)
    cycles = fields.Integer(metadata={"description": "Cycles on it."})
    schools = fields.Integer(metadata={"description": "Schools with a cycle on it."})
    stages = fields.Nested(
        CycleStagesSchema,
        metadata={"description": "Schools at each stage, from their cycles' decisions."},
    )
    decisions = fields.Nested(CycleDecisionsSchema)


class StaleCycleBodySchema(ApiSchema):
    code = fields.String(required=True, metadata={"description": "conflict"})
    message = fields.String(required=True)
    current = fields.Nested(CycleSchema, required=True, metadata={"description": "As saved now."})


class StaleCycleSchema(ApiSchema):
    """A save from a stale version: the cycle as saved now comes with it."""

    error = fields.Nested(StaleCycleBodySchema, required=True)
