"""A school's stage with a change idea, set by its own team over what its cycles say.

The body checks the JSON shape and that a stage is one of four; the reason's length and
whether one is needed are the service's check (nic.services.cycles.set_stage).
"""

from __future__ import annotations

from marshmallow import fields, validate

from nic.api.schemas.common import ApiSchema, Text
from nic.services.cycles import STAGE_CHOICES


class StageSettingSchema(ApiSchema):
    """The school team's own word on its stage; `null` goes back to what its cycles say."""

    stage = fields.String(
        required=True,
        allow_none=True,
        validate=validate.OneOf(STAGE_CHOICES),
        metadata={
            "description": "testing, implementing, spreading or abandoned; null clears the "
            "setting, and the stage is again the one the school's cycles' decisions give."
        },
    )
    reason = Text(
        load_default="",
        metadata={"description": "Why, at most 300 characters: required with a stage."},
    )
