"""Shared measure pages: the list, defining and changing a measure, its page, one
school's points, the CSV export. Entering points is in nic.views.measure_points."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from nic import policy
from nic.errors import ValidationError
from nic.extensions import db
from nic.forms.common import optional_int, show_errors
from nic.forms.measures import MeasureForm, PhaseForm, PointForm
from nic.models import MeasurePoint, School
from nic.services import measure_csv, measure_listing, measure_phases, measure_reading, org
from nic.services import measure_points as mp
from nic.services import measures as ms
from nic.services.access import refusal
from nic.services.measures import MeasureAccess
from nic.views.helpers import form_status

bp = Blueprint("measures", __name__)


@bp.app_template_filter("period_label")
def _period_label(period, frequency: str) -> str:
    return mp.period_label(frequency, period)


@bp.route("/measures")
@login_required
def index():
    """Every live measure one may see, the network's first, then each group's."""
    found = ms.visible_measures(current_user)
    ids = [m.id for m in found]
    groups = measure_listing.groups_of(found)
    sections: dict[int | None, list] = {}
    for measure in sorted(found, key=lambda m: (m.group_id is not None, m.group_id or 0)):
        sections.setdefault(measure.group_id, []).append(measure)
    return render_template(
        "measures/index.html", sections=sections, groups=groups,
        links=ms.links_of(ids), reported=measure_listing.reported(ids),
        can_define=policy.can_define_measure(current_user, None, None),
    )  # fmt: skip


def _measure_form(group_id: int | None, form: MeasureForm) -> MeasureForm:
    form.node_ids.choices = [(str(n.id), n.title) for n in ms.linkable_nodes(group_id)]
    return form


@bp.route("/measures/new", methods=["GET", "POST"])
@login_required
def new():
    """A new measure beside the network's diagram, or a group's (?group_id=)."""
    group_id = optional_int(request.args.get("group_id"))
    form = _measure_form(group_id, MeasureForm())
    group = None if form.is_submitted() else ms.check_may_define(current_user, group_id)
    if form.validate_on_submit():
        try:
            measure = ms.define_measure(current_user, group_id, form.fields())
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash("Measure defined: schools can enter their points now.", "success")
            return redirect(url_for("measures.show", measure_id=measure.id))
    return render_template("measures/form.html", form=form, access=None, group=group,
                           group_id=group_id), form_status(form)  # fmt: skip


def _filled(access: MeasureAccess, form: MeasureForm) -> MeasureForm:
    """The form with the measure as saved (its links checked, its version)."""
    measure = access.measure
    form.process(obj=measure)
    form.rate_per.data = "" if measure.rate_per == 1.0 else f"{measure.rate_per:g}"
    form.goal.data = "" if measure.goal is None else f"{measure.goal:g}"
    form.baseline_points.data = str(measure.baseline_points)
    form.node_ids.data = [str(n.id) for n in ms.links_of([measure.id])[measure.id]]
    form.version.data = str(measure.version)
    return form


@bp.route("/measures/<int:measure_id>/edit", methods=["GET", "POST"])
@login_required
def edit(measure_id: int):
    """Change a measure; a save that crossed another shows the measure as saved (409)."""
    access = ms.get_measure_for(current_user, measure_id)
    if not access.can_edit:
        raise refusal(current_user, ms.NO_DEFINE)
    form = _measure_form(access.measure.group_id, MeasureForm())
    if not form.is_submitted():
        _filled(access, form)
    elif form.validate():
        try:
            ms.update_measure(current_user, access, form.fields(),
                              optional_int(form.version.data) or 0)  # fmt: skip
        except ValidationError as exc:
            show_errors(form, exc)
        except ms.StaleMeasure as exc:
            db.session.rollback()
            blank = MeasureForm(formdata=None)
            saved = _filled(access, _measure_form(access.measure.group_id, blank))
            saved.version.data = str(exc.saved.version)
            saved.form_errors.append(exc.message)
            return render_template("measures/form.html", form=saved, access=access,
                                   group_id=access.measure.group_id), 409  # fmt: skip
        else:
            flash("Measure saved.", "success")
            return redirect(url_for("measures.show", measure_id=measure_id))
    return render_template("measures/form.html", form=form, access=access,
                           group_id=access.measure.group_id), form_status(form)  # fmt: skip


@bp.route("/measures/<int:measure_id>/archive", methods=["POST"])
@login_required
def archive(measure_id: int):
    """Retire a measure from the lists (its points stay)."""
    ms.archive_measure(current_user, ms.get_measure_for(current_user, measure_id))
    flash("Measure retired: its points and charts stay, and no new points are entered.",
          "success")  # fmt: skip
    return redirect(url_for("measures.index"))


def entry_school(access: MeasureAccess) -> int | None:
    """The school whose points this user enters here: their own (an admin chooses)."""
    if access.measure.archived_at is not None:
        return None
    if policy.is_admin(current_user):
        return optional_int(request.values.get("school_id")) or current_user.school_id or 0
    own = current_user.school_id
    return own if policy.can_enter_points(current_user, own) else None


def point_form(access: MeasureAccess, form: PointForm | None = None,
               point: MeasurePoint | None = None) -> PointForm | None:  # fmt: skip
    """The quick entry form for this user's school (None for who enters none), prefilled
    with `point` to re-enter it."""
    school_id = entry_school(access)
    if school_id is None:
        return None
    if form is None:
        form = PointForm(formdata=None)
        if point is not None:
            school_id = point.school_id
            form.period.data = point.period.isoformat()
            for name in ("value", "numerator", "denominator"):
                getattr(form, name).data = measure_csv.number_text(getattr(point, name))
            form.note.data, form.cycle_id.data = point.note, str(point.cycle_id or "")
    if policy.is_admin(current_user):
        form.school_id.choices = [("", "Choose the school")] + [
            (str(s.id), s.name) for s in org.list_schools()
        ]  # fmt: skip
    else:
        form.school_id.choices = [(str(school_id), "Your school")]
    form.school_id.data = form.school_id.data or str(school_id or "")
    form.cycle_id.choices = [("", "No cycle")] + [
        (str(i), t) for i, t in measure_listing.school_cycles(optional_int(form.school_id.data))
    ]  # fmt: skip
    return form


def render_show(access: MeasureAccess, form: PointForm | None = None, status: int = 200,
                phase_form: PhaseForm | None = None):  # fmt: skip
    """The measure page (`form`: the quick entry form, as it came back with errors;
    `phase_form`: the network chart's basing form, likewise)."""
    measure = access.measure
    point = measure_listing.point_of(measure.id, optional_int(request.args.get("point")))
    if point is not None and (
        form is not None or not policy.can_enter_points(current_user, point.school_id)
    ):
        point = None  # only the school's team re-enters its point
    schools = measure_listing.school_rows(measure.id)
    return render_template(
        "measures/show.html", access=access, measure=measure, schools=schools,
        links=ms.links_of([measure.id])[measure.id], form=point_form(access, form, point),
        reentering=point, charts=measure_reading.network_and_schools(current_user, access),
        network_phases=measure_phases.phases_of(measure.id, None),
        phase_form=phase_form or PhaseForm(formdata=None),
        discuss_groups=measure_reading.groups_to_discuss_in(current_user),
    ), status  # fmt: skip


@bp.route("/measures/<int:measure_id>")
@login_required
def show(measure_id: int):
    """The measure page: its definition, each school's latest point, the quick form."""
    return render_show(ms.get_measure_for(current_user, measure_id))


@bp.route("/measures/<int:measure_id>/schools/<int:school_id>")
@login_required
def school(measure_id: int, school_id: int):
    """One school's points on a measure, newest first (its team re-enters or deletes)."""
    return render_school(ms.get_measure_for(current_user, measure_id), school_id)


def render_school(access: MeasureAccess, school_id: int, status: int = 200,
                  phase_form: PhaseForm | None = None):  # fmt: skip
    """One school's page: its charts and points (`phase_form`: the basing form as it came
    back with errors). A school that does not exist is a 404."""
    place = db.session.get(School, school_id)
    if place is None:
        abort(404)
    return render_template(
        "measures/school.html", access=access, measure=access.measure, school=place,
        rows=measure_listing.point_rows(current_user, access.measure.id, school_id),
        can_enter=access.measure.archived_at is None
        and policy.can_enter_points(current_user, school_id),
        chart=measure_reading.school_chart(current_user, access, school_id),
        phases=measure_phases.phases_of(access.measure.id, school_id),
        may_base=measure_phases.may_base(current_user, access, school_id),
        phase_form=phase_form or PhaseForm(formdata=None),
        discuss_groups=measure_reading.groups_to_discuss_in(current_user),
    ), status  # fmt: skip


@bp.route("/measures/<int:measure_id>/export.csv")
@login_required
def export(measure_id: int):
    """Every point of the measure as CSV (a download, never cached)."""
    measure = ms.get_measure_for(current_user, measure_id).measure
    body = measure_csv.export_csv(measure, measure_listing.export_rows(measure.id))
    response = Response(body, mimetype="text/csv")
    response.headers.set("Content-Disposition", "attachment",
                         filename=f"measure-{measure.id}-points.csv")  # fmt: skip
    response.headers["Cache-Control"] = "private, no-store"
    return response
