"""A measure's charts: basing their median (a chosen baseline, a re-base after a shift) and
starting a discussion of a signal. The charts themselves are on the measure's pages
(nic.views.measures), drawn by nic.services.measure_reading."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from nic.errors import ValidationError
from nic.forms.common import show_errors
from nic.forms.measures import PhaseForm
from nic.services import measure_phases, measure_reading
from nic.services import measures as ms
from nic.views.measures import render_school, render_show

bp = Blueprint("measure_charts", __name__)


def chart_page(measure_id: int, school_id: int | None) -> str:
    if school_id is None:
        return url_for("measures.show", measure_id=measure_id, _anchor="charts-heading")
    return url_for("measures.school", measure_id=measure_id, school_id=school_id,
                   _anchor="phases-heading")  # fmt: skip


@bp.route("/measures/<int:measure_id>/phases", methods=["POST"])
@bp.route("/measures/<int:measure_id>/schools/<int:school_id>/phases", methods=["POST"])
@login_required
def base(measure_id: int, school_id: int | None = None):
    """Start a phase of the network's chart or a school's (its median from its baseline)."""
    access = ms.get_measure_for(current_user, measure_id)
    form = PhaseForm()
    back = chart_page(measure_id, school_id)
    if not form.validate_on_submit():
        abort(400)
    try:
        phase = measure_phases.base_chart(current_user, access, school_id, form.starts.data,
                                          form.baseline_until.data, form.reason.data)  # fmt: skip
    except ValidationError as exc:
        show_errors(form, exc)
        if school_id is None:
            return render_show(access, status=400, phase_form=form)
        return render_school(access, school_id, status=400, phase_form=form)
    flash(f"The chart's median is now based from {phase.starts_on:%-d %b %Y}.", "success")
    return redirect(back)


@bp.route("/measures/<int:measure_id>/phases/<int:phase_id>/remove", methods=["POST"])
@login_required
def remove(measure_id: int, phase_id: int):
    access = ms.get_measure_for(current_user, measure_id)
    school_id = measure_phases.remove_phase(current_user, access, phase_id)
    flash("That phase is removed; the chart is based as it was before it.", "success")
    return redirect(chart_page(measure_id, school_id))


@bp.route("/measures/<int:measure_id>/discuss")
@login_required
def discuss(measure_id: int):
    """A new thread about a chart's signal, started for the writer (who edits it before
    posting) in the measure's group, or in a group of theirs they pick."""
    access = ms.get_measure_for(current_user, measure_id)
    school_id = request.args.get("school_id", type=int)
    group_id = access.measure.group_id or request.args.get("group_id", type=int)
    if group_id is None:
        abort(404)
    chart = (measure_reading.school_chart(current_user, access, school_id) if school_id
             else measure_reading.network_chart(current_user, access))  # fmt: skip
    index = request.args.get("signal", type=int)
    signals = chart.signals + chart.control_signals
    if index is None or not 0 <= index < len(signals):
        abort(404)
    signal = signals[index]
    link = url_for("measures.school" if school_id else "measures.show", measure_id=measure_id,
                   school_id=school_id, _external=False)  # fmt: skip
    title = f"{chart.title}: {signal.text.split(',')[0]}"
    body = (f"**{signal.text}** on [{chart.title}]({link}).\n\n"
            "What changed then, and what do we make of it?")  # fmt: skip
    return redirect(url_for("threads.new", group_id=group_id, title=title[:200], body=body))
