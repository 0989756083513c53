"""Entering a school's points: the quick form, deleting a point, and a CSV upload with a
preview. The upload's confirm step checks the whole file again (the preview is never
trusted): the file travels in the confirm form, so no state is kept between requests."""

from __future__ import annotations

from typing import NoReturn

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from nic import policy
from nic.errors import ValidationError
from nic.forms.common import optional_int, show_errors
from nic.forms.measures import ConfirmForm, PointForm, UploadForm
from nic.services import measure_csv, measure_listing, org
from nic.services import measure_points as mp
from nic.services import measures as ms
from nic.services.access import refusal
from nic.services.measures import MeasureAccess
from nic.storage import accepts_uploads
from nic.views.measures import entry_school, render_show

bp = Blueprint("measure_points", __name__)
FIELD_NAMES = {"period": "Period", "value": "Value", "numerator": "Numerator",
               "denominator": "Denominator", "note": "Note", "cycle_id": "PDSA cycle"}  # fmt: skip


def _saved(batch: mp.Batch) -> str:
    made, changed = batch.count("create"), batch.count("update")
    same = len(batch.rows) - made - changed
    return f"Saved: {made} new, {changed} updated, {same} unchanged."


@bp.route("/measures/<int:measure_id>/points", methods=["POST"])
@login_required
def enter(measure_id: int):
    """The quick form: one point of the user's school (an admin names the school)."""
    access = ms.get_measure_for(current_user, measure_id)
    if entry_school(access) is None:
        _no_school(access)
    form = PointForm()
    if form.validate_on_submit():
        school_id = optional_int(form.school_id.data) or current_user.school_id
        try:
            if school_id is None:
                _no_school(access)
            batch = mp.record_points(current_user, access, school_id, [form.point()])
        except mp.RowErrors as exc:
            show_errors(form, ValidationError(exc.rows[1]))
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            row = batch.rows[0]
            label = mp.period_label(access.measure.frequency, row.period)
            flash(f"{label} saved." if row.action != "same" else f"{label} was already so.",
                  "success")  # fmt: skip
            return redirect(url_for("measures.school", measure_id=measure_id,
                                    school_id=batch.school.id))  # fmt: skip
    return render_show(access, form, 400)


@bp.route("/measures/<int:measure_id>/points/<int:point_id>/delete", methods=["POST"])
@login_required
def delete(measure_id: int, point_id: int):
    """Remove a point entered in error (the school's team)."""
    access = ms.get_measure_for(current_user, measure_id)
    form = FlaskForm()
    if not form.validate_on_submit():
        return redirect(url_for("measures.show", measure_id=measure_id))
    point = measure_listing.point_of(measure_id, point_id)
    if point is None:
        abort(404)
    school_id = point.school_id
    mp.delete_point(current_user, access, point_id)
    flash("Point deleted.", "success")
    return redirect(url_for("measures.school", measure_id=measure_id, school_id=school_id))


def _no_school(access: MeasureAccess) -> NoReturn:
    """Points with no school: none on a retired measure; an admin is asked to choose the
    school; anyone else enters none."""
    if access.measure.archived_at is not None:
        raise refusal(current_user, mp.ARCHIVED)
    if policy.is_admin(current_user):
        raise ValidationError("school_id", "Choose the school these points are for.")
    raise refusal(current_user, mp.NO_ENTRY)


def _upload_form(access: MeasureAccess, form: UploadForm) -> UploadForm:
    school_id = entry_school(access)
    if school_id is None:
        _no_school(access)
    if policy.is_admin(current_user):
        form.school_id.choices = [("", "Choose the school")] + [
            (str(s.id), s.name) for s in org.list_schools()
        ]  # fmt: skip
        form.school_id.data = form.school_id.data or str(school_id or "")
    else:
        form.school_id.choices = [(str(school_id), "Your school")]
        form.school_id.data = str(school_id)
    return form


def _preview(access: MeasureAccess, school_id: int, data: bytes, form: UploadForm | None):
    """Check a file whole and show what saving it would do, or its rows' errors: nothing is
    saved here. Returns None when the file itself is refused (its error is on `form`)."""
    try:
        parsed = measure_csv.parse_csv(access.measure, data)
        batch = mp.check_points(current_user, access, school_id, parsed.points)
    except mp.RowErrors as exc:
        errors = parsed.file_errors(exc)
        return render_template(
            "measures/preview.html", access=access, measure=access.measure, batch=None,
            message=exc.message, field_names=FIELD_NAMES, upload=form or UploadForm(),
            errors=[(row, FIELD_NAMES.get(f, f), m) for row, fields in sorted(errors.items())
                    for f, m in fields.items()],
        ), 400  # fmt: skip
    lines = {n: parsed.file_row(n) for n in range(1, len(parsed.points) + 1)}
    confirm = ConfirmForm(formdata=None, school_id=str(school_id),
                          content=measure_csv.carry(data))  # fmt: skip
    return render_template(
        "measures/preview.html", access=access, measure=access.measure, batch=batch,
        lines=lines, confirm=confirm, errors=[],
    )  # fmt: skip


@bp.route("/measures/<int:measure_id>/upload", methods=["GET", "POST"])
@login_required
@accepts_uploads
def upload(measure_id: int):
    """A CSV file of the school's points: checked whole and previewed, nothing saved."""
    access = ms.get_measure_for(current_user, measure_id)
    form = _upload_form(access, UploadForm())
    if form.validate_on_submit():
        try:
            if form.file.data is None:
                raise ValidationError("file", "Choose the CSV file to upload.")
            data = measure_csv.read_upload(form.file.data.stream)
            school_id = optional_int(form.school_id.data)
            if school_id is None:
                _no_school(access)
            return _preview(access, school_id, data, form)
        except ValidationError as exc:
            show_errors(form, exc)
    status = 400 if form.is_submitted() else 200
    return render_template("measures/upload.html", access=access, measure=access.measure,
                           form=form), status  # fmt: skip


@bp.route("/measures/<int:measure_id>/upload/confirm", methods=["POST"])
@login_required
def confirm(measure_id: int):
    """Save a previewed file: checked whole again, as if it were new."""
    access = ms.get_measure_for(current_user, measure_id)
    form = ConfirmForm()
    upload_form = _upload_form(access, UploadForm(formdata=None))
    if form.validate_on_submit():
        school_id = optional_int(form.school_id.data) or 0
        try:
            data = measure_csv.uncarry(form.content.data)
            parsed = measure_csv.parse_csv(access.measure, data)
            batch = mp.record_points(current_user, access, school_id, parsed.points)
        except mp.RowErrors:
            return _preview(access, school_id, data, upload_form)
        except ValidationError as exc:
            show_errors(upload_form, exc)
        else:
            flash(_saved(batch), "success")
            return redirect(url_for("measures.school", measure_id=measure_id,
                                    school_id=school_id))  # fmt: skip
    return render_template("measures/upload.html", access=access, measure=access.measure,
                           form=upload_form), 400  # fmt: skip
