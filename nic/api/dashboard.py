"""/api/v1/dashboard: the facilitator's dashboard ("hub health") as JSON.

The same service as the page (nic.services.dashboard), so the same figures, counting only
what the caller may see; for admins and facilitators (anyone else: 404, as for a thing
that is not there). `?days=` is 7, 30 or 90: anything else is a 400.
"""

from __future__ import annotations

from flask import url_for

from nic.api.auth import api_user
from nic.api.base import ApiBlueprint
from nic.api.schemas.dashboard import DashboardArgs, DashboardSchema
from nic.services import dashboard as dash
from nic.services.dashboard_measures import NewSignal

bp = ApiBlueprint(
    "api_dashboard", __name__, tag="Dashboard",
    description="The network's health for its facilitators: participation per school and "
    "job role, cycles, stale measures and new signals, threads waiting for a reply, tries "
    "with no report back, and which schools learn from which.",
)  # fmt: skip


def _ref(school) -> dict:
    return {"id": school.id, "name": school.name}


def _figures(f: dash.Figures, **extra) -> dict:
    return {"posts": f.posts, "cross_school_replies": f.cross_school_replies,
            "sessions_attended": f.sessions_attended, "cycles": f.cycles, **extra}  # fmt: skip


def _signal(s: NewSignal) -> dict:
    return {"measure": {"id": s.measure.id, "name": s.measure.name}, "school": _ref(s.school),
            "kind": s.kind, "text": s.text, "news": s.news, "candidate": s.candidate,
            "ends": s.ends, "url": s.path}  # fmt: skip


def _untold(u) -> dict:
    url = (url_for("practices.show", practice_id=u.practice_id) if u.kind == "try"
           else url_for("cycles.show", cycle_id=u.id))  # fmt: skip
    practice = {"id": u.practice_id, "title": u.practice_title}
    return {"kind": u.kind, "id": u.id, "practice": practice,
            "school_name": u.school_name, "cycle_title": u.cycle_title, "since": u.since,
            "url": url}  # fmt: skip


def _cycles(board: dash.Dashboard) -> dict:
    schools = [{"school": {"id": c.school_id, "name": c.name}, "in_progress": c.in_progress,
                "overdue": c.overdue,
                "in_progress_url": url_for("cycles.index", school_id=c.school_id, decided="no"),
                "overdue_url": url_for("cycles.index", school_id=c.school_id, overdue="yes")}
               for c in board.cycles]  # fmt: skip
    return {"in_progress": board.cycles_in_progress, "overdue": board.cycles_overdue,
            "in_progress_url": url_for("cycles.index", decided="no"),
            "overdue_url": url_for("cycles.index", overdue="yes"), "schools": schools}  # fmt: skip


@bp.route("/dashboard")
@bp.arguments(DashboardArgs, location="query")
@bp.response(200, DashboardSchema)
@bp.errors(400, 404)
def get_dashboard(args: dict):
    """The network's health in the window (admins and facilitators).

    Participation per school (every school, at 0 when quiet) and job role; cycles in
    progress and overdue; each live measure's schools with no point for the last complete
    period; the run-chart signals reaching into the window (`to_look_at`: astronomical
    candidates); threads with no reply after three days and tries with no report back
    (the first 10, with the count); and who learns from whom.
    """
    board = dash.dashboard(api_user, args["days"])
    m, unanswered, learn = board.measures, board.unanswered, board.learning
    return {
        "days": board.window.days, "since": board.window.since,
        "participation": [
            {"school": {"id": r.school_id, "name": r.name} if r.school_id else None,
             "totals": _figures(r.totals),
             "roles": [_figures(f, job_role=role) for role, f in r.ordered()]}
            for r in board.participation
        ],
        "network": _figures(board.network),
        "cycles": _cycles(board),
        "stale_measures": [
            {"measure": {"id": s.measure.id, "name": s.measure.name}, "school": _ref(s.school),
             "frequency": s.measure.frequency, "last_period": s.last,
             "last_period_label": s.last_label, "url": s.path}
            for s in m.stale
        ],
        "signals": [_signal(s) for s in m.signals],
        "to_look_at": [_signal(s) for s in m.to_look_at],
        "unanswered_threads": {
            "count": unanswered.total, "url": url_for("dashboard.unanswered"),
            "items": [{"id": t.id, "title": t.title, "created_at": t.created_at,
                       "group": {"id": t.group_id, "name": t.group_name},
                       "url": url_for("threads.show", thread_id=t.id)}
                      for t in unanswered.items],
        },
        "untold_tries": {"count": board.untold.total, "url": url_for("dashboard.untold"),
                         "items": [_untold(u) for u in board.untold.items]},
        "learning": {"schools": [_ref(s) for s in learn.schools], "matrix": learn.matrix,
                     "row_totals": learn.row_totals, "column_totals": learn.column_totals,
                     "total": learn.total},
    }  # fmt: skip
