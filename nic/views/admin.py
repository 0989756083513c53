"""Network administration: districts, schools, invitations, deactivating accounts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from nic import policy
from nic.errors import Conflict, ValidationError
from nic.extensions import db
from nic.forms.admin import DistrictForm, SchoolForm
from nic.forms.common import choices, district_choices, optional_int, show_errors
from nic.forms.invitations import AdminInviteForm, InviteNeverSignedInForm
from nic.models import utcnow
from nic.services import accounts, groups, invitations, org

# The admin page lists the newest open invitations, at most this many.
PENDING_SHOWN = 100

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_admin():
    # Outsiders learn nothing: the admin area is a 404 to them.
    if not policy.can_administer_network(current_user):
        abort(404)


def render_admin(status: int = 200, **posted: FlaskForm):
    """The admin page, with the form that was posted (by its name) showing its errors."""
    forms = {
        "district_form": DistrictForm(prefix="district", formdata=None),
        "school_form": SchoolForm(prefix="school", formdata=None),
        "invite_form": AdminInviteForm(prefix="invite", formdata=None),
        "never_form": InviteNeverSignedInForm(prefix="never", formdata=None),
        **posted,
    }
    forms["school_form"].district_id.choices = district_choices()
    forms["invite_form"].group_id.choices = forms["never_form"].group_id.choices = _places()
    pending = db.session.scalars(invitations.pending_for_admin().limit(PENDING_SHOWN))
    return render_template(
        "admin/index.html", **forms, districts=org.list_districts(), schools=org.list_schools(),
        pending=list(pending), pending_shown=PENDING_SHOWN, now=utcnow(),
        never_signed_in=invitations.count_never_signed_in(),
    ), status  # fmt: skip


def _places() -> list:
    """Where invited people land: no group (the network), or one of the groups."""
    everyone = db.session.scalars(groups.visible_groups_query(current_user))
    return choices([("", "No group: the network only")] + [(str(g.id), g.name) for g in everyone])


@bp.route("/")
def index():
    return render_admin()


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
    return render_admin(400, district_form=form)


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
    return render_admin(400, school_form=form)


@bp.route("/invitations", methods=["POST"])
def invite():
    form = AdminInviteForm(prefix="invite")
    form.group_id.choices = _places()
    if form.validate_on_submit():
        try:
            outcome = invitations.invite(
                current_user, form.emails.data, optional_int(form.group_id.data)
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash(outcome.summary(), "success")
            return redirect(url_for("admin.index", _anchor="invitations"))
    return render_admin(400, invite_form=form)


@bp.route("/invitations/never-signed-in", methods=["POST"])
def invite_never_signed_in():
    form = InviteNeverSignedInForm(prefix="never")
    form.group_id.choices = _places()
    if not form.validate_on_submit():
        return render_admin(400, never_form=form)
    outcome = invitations.invite_never_signed_in(current_user, optional_int(form.group_id.data))
    flash(outcome.summary(), "success")
    return redirect(url_for("admin.index", _anchor="invitations"))


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
