"""Network administration: districts, schools, roster imports, invitations, deactivating
accounts.

A roster import is an upload (the files checked, nothing saved: the preview), a confirm
(the files, carried in the form, checked again and saved) and the import's page.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from nic import policy
from nic.errors import Conflict, ValidationError
from nic.extensions import db
from nic.forms.admin import DistrictForm, RosterConfirmForm, RosterUploadForm, SchoolForm
from nic.forms.common import choices, district_choices, optional_int, show_errors
from nic.forms.invitations import AdminInviteForm, InviteNeverSignedInForm
from nic.models import ImportStatus, RosterImport, utcnow
from nic.services import accounts, csv_files, groups, invitations, org, roster, roster_files
from nic.storage import accepts_uploads
from nic.views.helpers import form_status

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
    """Deactivate an account (from the directory, or a roster import's missing people)."""
    import_id = optional_int(request.form.get("import_id"))
    back = (url_for("admin.roster_import", import_id=import_id) if import_id
            else url_for("directory.index"))  # fmt: skip
    try:
        user = accounts.set_account_active(current_user, user_id, False)
    except ValidationError as exc:
        flash(exc.message, "error")
        return redirect(back)
    flash(f"{user.name}'s account is deactivated: they are signed out everywhere.", "success")
    return redirect(back)


# --- Roster import ----------------------------------------------------------------------


def render_import(record: RosterImport, uploads: list | None = None, status: int = 200):
    """A roster import's page: its preview (with the confirm form when it can be saved:
    `uploads`, the files to carry) or what it saved."""
    confirm = None
    preview = record.preview
    if uploads and record.status == ImportStatus.PREVIEW.value and not preview["errors"]:
        confirm = RosterConfirmForm(formdata=None)
        for (name, data), prefix in zip(uploads, ("first", "second"), strict=False):
            getattr(confirm, f"{prefix}_name").data = name
            getattr(confirm, prefix).data = csv_files.carry(data)
    return render_template(
        "admin/roster_import.html", record=record, preview=preview, confirm=confirm,
        column_labels=roster_files.COLUMN_LABELS, people=preview["counts"]["people"],
    ), status  # fmt: skip


def render_upload(form: RosterUploadForm, status: int = 200):
    return render_template("admin/roster_upload.html", form=form,
                           max_rows=roster_files.MAX_ROWS), status  # fmt: skip


@bp.route("/roster", methods=["GET", "POST"])
@accepts_uploads
def roster_upload():
    """Roster files checked and previewed: nothing is saved but the preview's record."""
    form = RosterUploadForm()
    if form.validate_on_submit():
        try:
            chosen = [f for f in form.files.data or [] if f and f.filename]
            uploads = [roster.read_upload(f.filename, f.stream) for f in chosen]
            outcome = roster.check_roster(current_user, uploads)
        except ValidationError as exc:
            show_errors(form, ValidationError("files", exc.message))
        else:
            return render_import(outcome.record, uploads)
    return render_upload(form, form_status(form))


@bp.route("/roster/confirm", methods=["POST"])
@accepts_uploads
def roster_confirm():
    """Save previewed files: checked whole again, as if they were new."""
    form = RosterConfirmForm()
    upload = RosterUploadForm(formdata=None)
    if form.validate_on_submit():
        try:
            uploads = [(roster_files.file_name(getattr(form, f"{p}_name").data or p),
                        csv_files.uncarry(getattr(form, p).data, roster_files.MAX_BYTES))
                       for p in ("first", "second") if getattr(form, p).data]  # fmt: skip
            outcome = roster.import_roster(current_user, uploads)
        except roster.RosterRefused as exc:
            return render_import(exc.record, status=400)
        except ValidationError as exc:
            show_errors(upload, ValidationError("files", exc.message))
        else:
            flash(roster.summary(outcome.record.preview["counts"], saved=True), "success")
            return redirect(url_for("admin.roster_import", import_id=outcome.record.id))
    return render_upload(upload, 400)


@bp.route("/roster/imports/<int:import_id>")
def roster_import(import_id: int):
    """A roster import: its preview, or what it saved."""
    return render_import(roster.get_import(current_user, import_id))


def as_field_error(exc: ValidationError | Conflict) -> ValidationError:
    return exc if isinstance(exc, ValidationError) else ValidationError("name", exc.message)
