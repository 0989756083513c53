"""/api/v1 measures: the network's shared measures and each school's points on them.

The same services and `nic.policy` rules as the measure pages: a measure is seen by
whoever sees the driver diagram it sits beside (the network's, or a group's: outsiders of
a private group get 404 for all of it) and defined, changed and retired by that diagram's
facilitators (others get 403). A school's points are entered by its own team (and
administrators), one per period: a batch is upserted by period and checked whole first, so
one bad row refuses it with an error per row and nothing of it is saved. Retiring a measure
(DELETE) keeps it and its points; it only takes no new ones.
"""

from __future__ import annotations

from nic.api.auth import api_user
from nic.api.base import ApiBlueprint
from nic.api.errors import conflict_with, row_errors
from nic.api.pagination import paginate
from nic.api.schemas.common import annotate, page_of
from nic.api.schemas.measures import (
    ACTIONS,
    BatchResultSchema,
    MeasureArgs,
    MeasureCreateSchema,
    MeasureDetailSchema,
    MeasureSchema,
    MeasureUpdateSchema,
    PointArgs,
    PointBatchSchema,
    PointSchema,
    StaleMeasureSchema,
)
from nic.models import Measure, MeasurePoint
from nic.services import measure_points, measures, point_reading
from nic.services.measure_points import PointInput, RowErrors
from nic.services.measures import MeasureAccess, MeasureFields

bp = ApiBlueprint(
    "api_measures", __name__, tag="Measures",
    description="Shared measures beside a driver diagram (the network's or a group's), and "
    "each school's points on them, one per period. A private group's measures are not found "
    "by outsiders; only the diagram's facilitators define them, only a school's own team "
    "enters its points.",
)  # fmt: skip
bp.register_error_handler(RowErrors, row_errors)

DEFINITION = ("name", "kind", "unit", "frequency", "direction", "definition", "unit_label",
              "rate_per", "goal", "baseline_points")  # fmt: skip


def _views(found: list[Measure], **extra) -> list:
    """The measures with the drivers and change ideas each informs (one query for all)."""
    links = measures.links_of([m.id for m in found])
    return [annotate(m, links=links[m.id], **extra) for m in found]


def _view(access: MeasureAccess):
    return _views([access.measure], can_edit=access.can_edit)[0]


def _fields(values: dict, node_ids: list[int]) -> MeasureFields:
    return MeasureFields(**{name: values[name] for name in DEFINITION}, node_ids=tuple(node_ids))


@bp.route("/measures")
@bp.arguments(MeasureArgs, location="query")
@bp.response(200, page_of(MeasureSchema))
@bp.errors(400)
def list_measures(args: dict):
    """The measures you may see, by name: the live ones, or (`archived=true`) the retired.

    `group_id` keeps one group's (none of a group you may not see).
    """
    query = measures.measures_query(api_user, args.get("group_id"), args["archived"])
    return paginate(query, args, _views)


@bp.route("/measures", methods=["POST"])
@bp.arguments(MeasureCreateSchema)
@bp.response(201, MeasureDetailSchema)
@bp.errors(400, 403, 404)
def create_measure(args: dict):
    """Define a measure beside the network's diagram or (`group_id`) a group's (its
    facilitators).

    `node_ids` are the drivers and change ideas of that diagram it informs.
    """
    fields = _fields(args, args["node_ids"])
    measure = measures.define_measure(api_user, args["group_id"], fields)
    return _views([measure], can_edit=True)[0]


@bp.route("/measures/<id:measure_id>")
@bp.response(200, MeasureDetailSchema)
@bp.errors(404)
def get_measure(measure_id: int):
    """A measure (a retired one too) with the drivers and change ideas it informs."""
    return _view(measures.get_measure_for(api_user, measure_id))


@bp.route("/measures/<id:measure_id>", methods=["PATCH"])
@bp.arguments(MeasureUpdateSchema)
@bp.response(200, MeasureDetailSchema)
@bp.alt_response(409, schema=StaleMeasureSchema, description="Saved by someone else since.")
@bp.errors(400, 403, 404)
def update_measure(args: dict, measure_id: int):
    """Change a measure's definition (its diagram's facilitators), from its `version`.

    What is not sent stays as it is (`node_ids` too). Once points are entered its `unit`
    and `frequency` stay as they are (a 400 on `unit`).
    """
    access = measures.get_measure_for(api_user, measure_id)
    measure = access.measure
    values = {name: args[name] if name in args else getattr(measure, name)
              for name in DEFINITION}  # fmt: skip
    if "node_ids" in args:
        node_ids = args["node_ids"]
    else:
        node_ids = [n.id for n in measures.links_of([measure.id])[measure.id]]
    try:
        measures.update_measure(api_user, access, _fields(values, node_ids), args["version"])
    except measures.StaleMeasure as exc:
        saved = MeasureAccess(exc.saved, access.group, access.membership, access.can_edit)
        return conflict_with(exc, MeasureDetailSchema().dump(_view(saved)))
    return _view(access)


@bp.route("/measures/<id:measure_id>", methods=["DELETE"])
@bp.response(204)
@bp.errors(403, 404)
def archive_measure(measure_id: int):
    """Retire a measure (its diagram's facilitators): it leaves the lists, keeps its points
    and takes no new ones. Retiring it again changes nothing."""
    measures.archive_measure(api_user, measures.get_measure_for(api_user, measure_id))


# --- Points ---------------------------------------------------------------------------


@bp.route("/measures/<id:measure_id>/points")
@bp.arguments(PointArgs, location="query")
@bp.response(200, page_of(PointSchema))
@bp.errors(400, 404)
def list_points(args: dict, measure_id: int):
    """Every school's points on the measure, by school then period.

    `school_id` keeps one school's; `from` and `to` the periods starting between those
    days (both included).
    """
    access = measures.get_measure_for(api_user, measure_id)
    frequency = access.measure.frequency
    query = point_reading.points_query(
        access.measure.id, args.get("school_id"), args.get("from_"), args.get("to")
    )

    def present(points: list[MeasurePoint]) -> list:
        people = point_reading.enterers_of(points)
        return [_point_view(p, frequency, people) for p in points]

    return paginate(query, args, present)


def _point_view(point: MeasurePoint, frequency: str, people: dict):
    person = people.get(point.entered_by_id)
    return annotate(
        point, school={"id": point.school.id, "name": point.school.name},
        period_label=measure_points.period_label(frequency, point.period),
        entered_by={"id": person.id, "name": person.name} if person else None,
    )  # fmt: skip


@bp.route("/measures/<id:measure_id>/points", methods=["POST"])
@bp.arguments(PointBatchSchema)
@bp.response(200, BatchResultSchema)
@bp.errors(400, 403, 404)
def upsert_points(args: dict, measure_id: int):
    """Enter one school's points (its own team; administrators for any), by period: a
    period entered again is updated, one left as it was is unchanged.

    The batch is checked whole first: a bad row refuses it, with every bad row's problems
    in `rows`, and nothing is saved. `dry_run: true` checks and counts, and saves nothing.
    """
    access = measures.get_measure_for(api_user, measure_id)
    rows = [PointInput(**point) for point in args["points"]]
    batch = measure_points.check_points(api_user, access, args["school_id"], rows)
    if not args["dry_run"]:
        measure_points.save_batch(api_user, access, batch)
    rows = [{"row": r.number, "period": r.period, "action": ACTIONS[r.action]} for r in batch.rows]
    counts = {name: batch.count(action) for action, name in ACTIONS.items()}
    return {**counts, "dry_run": args["dry_run"], "rows": rows}


@bp.route("/measure-points/<id:point_id>", methods=["DELETE"])
@bp.response(204)
@bp.errors(403, 404)
def delete_point(point_id: int):
    """Remove a point entered in error (its school's team, or an administrator)."""
    access, point = point_reading.get_point_for(api_user, point_id)
    measure_points.delete_point(api_user, access, point.id)
