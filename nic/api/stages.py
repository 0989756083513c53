"""/api/v1 stages: a school team's own word on where it stands with a change idea.

A school's stage (testing, implementing, spreading, abandoned) comes from its cycles'
decisions; its own people (and administrators) may set it by hand, as on the change idea's
page, through the same service and `nic.policy` rule. Each setting is added to the record;
the latest counts, and `null` goes back to the derived stage. A change idea the caller
cannot see is a 404; a school that is not theirs a 403.
"""

from __future__ import annotations

from nic.api.auth import api_user
from nic.api.base import ApiBlueprint
from nic.api.cycles import change_idea_for, evidence_of
from nic.api.schemas.cycles import EvidenceSchema
from nic.api.schemas.stages import StageSettingSchema
from nic.services import cycles

bp = ApiBlueprint(
    "api_stages", __name__, tag="PDSA cycles",
    description="A school's stage with a change idea, set by its own team.",
)  # fmt: skip


@bp.route("/change-ideas/<id:change_idea_id>/stages/<id:school_id>", methods=["PUT"])
@bp.arguments(StageSettingSchema)
@bp.response(200, EvidenceSchema)
@bp.errors(400, 403, 404)
def put_stage(args: dict, change_idea_id: int, school_id: int):
    """Set a school's stage with a change idea (its own people), or clear it with null.

    Answers the change idea's evidence, as `GET /change-ideas/{id}/evidence` does.
    """
    node = change_idea_for(change_idea_id)
    cycles.set_stage(api_user, node, school_id, args["stage"], args["reason"])
    return evidence_of(node)
