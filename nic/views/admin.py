"""Network administration: districts, schools, deactivating accounts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from nic import policy
from nic.errors import Conflict, ValidationError
from nic.forms.admin import DistrictForm, SchoolForm
from nic.forms.common import district_choices, optional_int, show_errors
from nic.services import accounts, org

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_admin():
    # Outsiders learn nothing: the admin area is a 404 to them.
    if not policy.can_administer_network(current_user):
        abort(404)


def render_admin(district_form: DistrictForm, school_form: SchoolForm, status: int = 200):
    school_form.district_id.choices = district_choices()
    return render_template(
        "admin/index.html", district_form=district_form, school_form=school_form,
        districts=org.list_districts(), schools=org.list_schools(),
    ), status  # fmt: skip


@bp.route("/")
def index():
    return render_admin(DistrictForm(prefix="district"), SchoolForm(prefix="school"))


@bp.route("/districts", methods=["POST"])
def create_district():
    form = DistrictForm(prefix="district")
    if form.validate_on_submit():
        try:
            district = org.create_district(current_user, form.name.data)
        except (ValidationError, Conflict) as exc:
            show_errors(form, as_field_error(exc))
        else:
            flash(f"District {district.name} added.", "success")
            return redirect(url_for("admin.index"))
    return render_admin(form, SchoolForm(prefix="school", formdata=None), 400)


@bp.route("/schools", methods=["POST"])
def create_school():
    form = SchoolForm(prefix="school")
    form.district_id.choices = district_choices()
    if form.validate_on_submit():
        try:
            school = org.create_school(
                current_user, form.name.data, optional_int(form.district_id.data)
            )
        except (ValidationError, Conflict) as exc:
            show_errors(form, as_field_error(exc))
        else:
            flash(f"School {school.name} added.", "success")
            return redirect(url_for("admin.index"))
    return render_admin(DistrictForm(prefix="district", formdata=None), form, 400)


@bp.route("/people/<int:user_id>/deactivate", methods=["POST"])
def deactivate(user_id: int):
    try:
        user = accounts.set_account_active(current_user, user_id, False)
    except ValidationError as exc:
        flash(exc.message, "error")
        return redirect(url_for("directory.index"))
    flash(f"{user.name}'s account is deactivated: they are signed out everywhere.", "success")
    return redirect(url_for("directory.index"))


def as_field_error(exc: ValidationError | Conflict) -> ValidationError:
    return exc if isinstance(exc, ValidationError) else ValidationError("name", exc.message)
