"""/api/v1 measure charts: a run chart's data with the rules evaluated, per school or for
the network, read by whoever may see the measure (a private group's is a 404 to others)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from nic.api.auth import api_user
from nic.api.base import ApiBlueprint
from nic.api.schemas.charts import ChartArgs, ChartSchema
from nic.services import measure_reading, measures
from nic.services.measure_charts import ChartView, SignalView

bp = ApiBlueprint(
    "api_charts", __name__, tag="Measures",
    description="Shared measures, their points and their charts.",
)  # fmt: skip


def _signals(signals: tuple[SignalView, ...]) -> list[dict[str, Any]]:
    return [{**asdict(s), "indices": list(s.indices)} for s in signals]


def _control(view: ChartView, rate_per: float) -> dict[str, Any] | None:
    """The control chart on the measure's own scale (a P chart's proportions as percent,
    a U chart's rate per its exposure), as the points are."""
    control = view.control
    if control is None:
        return None
    scale = {"p": 100.0, "u": rate_per}.get(control.kind, 1.0)

    def scaled(series: tuple[float | None, ...]) -> list[float | None]:
        return [None if v is None else v * scale for v in series]

    moving = control.moving_ranges
    return {
        "kind": control.kind,
        "centre": scaled(control.centre),
        "upper": scaled(control.upper),
        "lower": scaled(control.lower),
        "signals": _signals(view.control_signals),
        "moving_ranges": None if moving is None else list(moving),
        "mr_centre": control.mr_centre,
        "mr_upper": control.mr_upper,
    }


def chart_data(view: ChartView, measure: Any) -> dict[str, Any]:
    """A chart as the API answers it (ChartSchema)."""
    school = view.school
    points = zip(view.periods, view.labels, strict=True)
    return {
        "measure": {"id": measure.id, "name": measure.name},
        "school": None if school is None else {"id": school.id, "name": school.name},
        "points": [{**asdict(p), "period": p.start, "period_label": label} for p, label in points],
        "centre": list(view.run.centre),
        "phases": [
            {"start": p.start, "end": p.end, "baseline": list(p.baseline), "median": p.median}
            for p in view.run.phases
        ],
        "runs": [asdict(r) for r in view.run.runs],
        "signals": _signals(view.signals),
        "control": _control(view, measure.rate_per),
    }


@bp.route("/measures/<id:measure_id>/chart")
@bp.arguments(ChartArgs, location="query")
@bp.response(200, ChartSchema)
@bp.errors(400, 404)
def get_chart(args: dict, measure_id: int):
    """A measure's run chart for one school (`school_id`) or the network's aggregate: the
    points in time order (a period not entered is null), the centre line and its phases,
    the runs test and every signal, and the control chart once 20 points are entered."""
    access = measures.get_measure_for(api_user, measure_id)
    school_id = args.get("school_id")
    if school_id is None:
        view = measure_reading.network_chart(api_user, access)
    else:
        view = measure_reading.school_chart(api_user, access, school_id)
    return chart_data(view, access.measure)
