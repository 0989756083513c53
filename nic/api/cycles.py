"""/api/v1 PDSA cycles: a school's small tests of a change idea, Plan, Do, Study, Act.

The same services and `nic.policy` rules as the cycle pages: a cycle is seen by the
network's members, or, kept to a group, by whoever may see that group (others get 404
for all of it, and it counts in no list or evidence of theirs); it is planned by its own
school's people and recorded by them and its co-owners (others get 403). Phases may be
filled in any order; an Act with no Plan is saved with a warning. Every save carries the
`version` it started from: a stale one is a 409 with the cycle as saved now.
"""

from __future__ import annotations

from datetime import date

from flask import url_for

from nic.api.auth import api_user
from nic.api.base import ApiBlueprint
from nic.api.errors import conflict_with
from nic.api.files import DOWNLOAD_DOC, file_upload
from nic.api.pagination import envelope, paginate_list
from nic.api.schemas.common import PageArgs, annotate, page_of
from nic.api.schemas.cycles import (
    DECISIONS,
    UPDATE_PHASES,
    CycleArgs,
    CycleCreateSchema,
    CycleNextSchema,
    CycleSchema,
    CycleSummarySchema,
    CycleUpdateSchema,
    EvidenceSchema,
    StaleCycleSchema,
)
from nic.api.schemas.cycles import PLAN_TEXTS as _PLAN_TEXTS
from nic.api.schemas.practices import AttachmentSchema
from nic.errors import NotFound, ValidationError
from nic.models import Cycle, CycleAttachment, NodeKind
from nic.services import cycle_files, cycle_reading, cycles
from nic.services import driver_diagrams as dd
from nic.services.access import refusal
from nic.services.attachments import Upload
from nic.services.cycle_reading import STAGES, CycleFilters
from nic.views.helpers import send_attachment

bp = ApiBlueprint(
    "api_cycles", __name__, tag="PDSA cycles",
    description="A school's Plan-Do-Study-Act cycles on a change idea of a driver diagram, "
    "chained into ramps, and the evidence they add up to. A cycle kept to a private group "
    "is not found by outsiders; only its school's people and co-owners record it.",
)  # fmt: skip

NO_IDEA = "Choose a change idea you can see."
PLAN_NAMES = ("title", *_PLAN_TEXTS, "planned_start", "planned_end")


def _summary(cycle: Cycle, today: date, **extra):
    return annotate(
        cycle, overdue_phase=cycle.overdue_phase(today),
        school={"id": cycle.school_id, "name": cycle.school.name},
        change_idea={"id": cycle.change_idea_id, "title": cycle.change_idea.title},
        url=url_for("cycles.show", cycle_id=cycle.id), **extra,
    )  # fmt: skip


def _view(cycle_id: int, warnings: list[str] | None = None):
    """The cycle as the caller sees it now: its school, change idea, ramp and rights."""
    access = cycles.get_cycle_for(api_user, cycle_id)
    cycle = access.cycle
    chain = [c.id for c in cycle_reading.ramp(api_user, access)]
    after = chain[chain.index(cycle.id) + 1 :] if cycle.id in chain else []
    return annotate(
        cycle, overdue_phase=cycle.overdue_phase(date.today()),
        school={"id": access.school.id, "name": access.school.name},
        change_idea={"id": access.idea.id, "title": access.idea.title},
        url=url_for("cycles.show", cycle_id=cycle.id), next_ids=after,
        can_edit=access.can_edit, warnings=warnings or [],
    )  # fmt: skip


def _plan_fields(args: dict) -> cycles.PlanFields:
    return cycles.PlanFields(**{name: args[name] for name in PLAN_NAMES})


def _plan(node_id: int, new: cycles.NewCycle, args: dict, field: str | None):
    """Plan a cycle on a change idea. One the caller cannot see is a 400 naming `field`
    (a body's id); with no field (a next cycle's, taken from the cycle before) a 404."""
    try:
        node = dd.get_node_for(api_user, node_id)
    except NotFound:
        if field is None:
            raise
        raise ValidationError(field, NO_IDEA) from None
    cycle = cycles.plan_cycle(api_user, node, new, _plan_fields(args))
    return _view(cycle.id)


@bp.route("/cycles")
@bp.arguments(CycleArgs, location="query")
@bp.response(200, page_of(CycleSummarySchema))
@bp.errors(400)
def list_cycles(args: dict):
    """The cycles you may see, newest first.

    Narrowed by school, change idea, practice, `phase` (the furthest with anything in it),
    `decided` (with an Act decision or without) and `overdue` (past the planned end with
    Do, Study or Act still empty; false: the others).
    """
    page, per_page = args.pop("page"), args.pop("per_page")
    today = date.today()
    found, total = cycle_reading.find_cycles(
        api_user, CycleFilters(**args, today=today), page, per_page
    )
    items = [_summary(c, today) for c in found]
    return envelope(items, {"page": page, "per_page": per_page}, total)


@bp.route("/cycles", methods=["POST"])
@bp.arguments(CycleCreateSchema)
@bp.response(201, CycleSchema)
@bp.errors(400, 403)
def create_cycle(args: dict):
    """Plan a cycle on a change idea, for your own school.

    `previous_id` makes it the next in a ramp (a cycle of the same school). Kept to the
    network unless `group_id` names one of your groups; on a group's diagram it is kept to
    that group.
    """
    new = cycles.NewCycle(args["school_id"], args.get("group_id"), args.get("practice_id"),
                          args.get("previous_id"))  # fmt: skip
    return _plan(args["change_idea_id"], new, args, "change_idea_id")


@bp.route("/cycles/<id:cycle_id>")
@bp.response(200, CycleSchema)
@bp.errors(404)
def get_cycle(cycle_id: int):
    """A cycle with every phase's text (as written and as HTML) and its ramp."""
    return _view(cycle_id)


@bp.route("/cycles/<id:cycle_id>", methods=["PATCH"])
@bp.arguments(CycleUpdateSchema)
@bp.response(200, CycleSchema)
@bp.alt_response(409, schema=StaleCycleSchema, description="Saved by someone else since.")
@bp.errors(400, 403, 404)
def update_cycle(args: dict, cycle_id: int):
    """Record any phases (the cycle's school team and co-owners).

    What is sent is saved phase by phase, in the order Plan, Do, Study, Act, the first
    with `version` and each after with the version the one before saved; what is not sent
    stays as it is. A refusal stops there: what came before it is saved. `warnings` tells
    of an Act with no Plan.
    """
    access = cycles.get_cycle_for(api_user, cycle_id)
    if not access.can_edit:
        raise refusal(api_user, cycles.NO_EDIT)
    version, warnings = args.pop("version"), []
    cycle = access.cycle
    try:
        for phase, names in UPDATE_PHASES.items():
            if not any(name in args for name in names):
                continue
            values = {name: args[name] if name in args else getattr(cycle, name)
                      for name in names}  # fmt: skip
            if phase == "plan":
                saved = cycles.save_plan(api_user, access, _plan_fields(values), version)
            else:
                saved = cycles.save_phase(api_user, access, phase, values, version)
            cycle, version, warnings = saved.cycle, saved.cycle.version, saved.warnings
    except cycles.StaleCycle as exc:
        return conflict_with(exc, CycleSchema().dump(_view(exc.saved.id)))
    return _view(cycle_id, warnings)


@bp.route("/cycles/<id:cycle_id>/next", methods=["POST"])
@bp.arguments(CycleNextSchema)
@bp.response(201, CycleSchema)
@bp.errors(400, 403, 404)
def next_cycle(args: dict, cycle_id: int):
    """Plan the next cycle of a ramp: after this one, on its change idea, for its school.

    `group_id` and `practice_id` default to this cycle's.
    """
    before = cycles.get_cycle_for(api_user, cycle_id).cycle
    group_id = args.get("group_id", before.group_id)
    practice_id = args.get("practice_id", before.practice_id)
    new = cycles.NewCycle(before.school_id, group_id, practice_id, before.id)
    return _plan(before.change_idea_id, new, args, None)


@bp.route("/change-ideas/<id:change_idea_id>/evidence")
@bp.response(200, EvidenceSchema)
@bp.errors(404)
def get_evidence(change_idea_id: int):
    """What the cycles you may see on a change idea add up to.

    Its cycles and schools, each school's stage (from its cycles' decisions, oldest
    first) and the decisions: the counts the driver diagram's page shows.
    """
    return evidence_of(change_idea_for(change_idea_id))


def change_idea_for(change_idea_id: int) -> dd.NodeAccess:
    """A change idea the caller may see. Raises NotFound, also for another kind of part."""
    node = dd.get_node_for(api_user, change_idea_id)
    if node.node.kind != NodeKind.CHANGE_IDEA.value or node.diagram.diagram is None:
        raise NotFound(dd.NOT_FOUND)
    return node


def evidence_of(node: dd.NodeAccess) -> dict:
    """The change idea's evidence from the cycles the caller may see, as EvidenceSchema."""
    found = cycle_reading.evidence(api_user, node.diagram.diagram.id).get(
        node.node.id, cycle_reading.Evidence()
    )
    return {
        "change_idea": {"id": node.node.id, "title": node.node.title},
        "cycles": found.cycles,
        "schools": found.schools,
        "stages": {s: found.stages[s] for s in STAGES},
        "decisions": {d: found.decisions[d] for d in DECISIONS},
    }


def _file_view(row: CycleAttachment):
    return annotate(row, download_url=url_for("api_cycles.download_file", file_id=row.id))


@bp.route("/cycles/<id:cycle_id>/files")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_of(AttachmentSchema))
@bp.errors(404)
def list_files(args: dict, cycle_id: int):
    """The cycle's Study files (data, charts, de-identified student work), oldest first."""
    access = cycles.get_cycle_for(api_user, cycle_id)
    return paginate_list([_file_view(f) for f in cycle_files.files_of(access.cycle.id)], args)


@bp.route("/cycles/<id:cycle_id>/files", methods=["POST"])
@file_upload(bp)
def upload_file(cycle_id: int, form: dict, files: dict):
    """Attach a Study file (the cycle's school team and co-owners; multipart/form-data).
    Its type is checked by its content."""
    access = cycles.get_cycle_for(api_user, cycle_id)
    upload = Upload.of(files["file"])
    row = cycle_files.attach(access, api_user, upload, form["caption"], form["evidence_kind"],
                             form["deidentified"])  # fmt: skip
    return _file_view(row)


@bp.route("/cycle-files/<id:file_id>", methods=["DELETE"])
@bp.response(204)
@bp.errors(403, 404)
def delete_file(file_id: int):
    """Remove a Study file (the cycle's school team and co-owners): its row and the file."""
    cycle_files.remove(api_user, file_id)


@bp.route("/cycle-files/<id:file_id>/download")
@bp.doc(**DOWNLOAD_DOC)
@bp.errors(404)
def download_file(file_id: int):
    """A cycle's Study file, for anyone who may see the cycle."""
    return send_attachment(cycle_files.get_for(api_user, file_id)[0])
