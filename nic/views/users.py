"""Profiles and profile settings."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from nic.errors import ValidationError
from nic.forms.accounts import ProfileForm
from nic.forms.common import optional_int, school_choices, show_errors, time_zone_choices
from nic.services import accounts, profiles
from nic.views.helpers import form_status, page_arg

bp = Blueprint("users", __name__)


@bp.route("/u/<username>")
@login_required
def profile(username: str):
    user = accounts.get_user_by_username(username)
    return render_template(
        "users/profile.html", user=user,
        memberships=profiles.groups_of(user.id, current_user),
        posts=profiles.posts_by(user.id, current_user, page_arg()),
    )  # fmt: skip


@bp.route("/u/id/<int:user_id>")
@login_required
def profile_by_id(user_id: int):
    """Where mentions link (nic.services.mentions.USER_PATH): the profile under the
    person's username of today, so a mention written before a rename still finds them."""
    user = accounts.get_user(user_id, active_only=True)
    return redirect(url_for("users.profile", username=user.username))


@bp.route("/settings/profile", methods=["GET", "POST"])
@login_required
def edit_profile():
    form = ProfileForm(obj=current_user)
    form.school_id.choices = school_choices()
    form.time_zone.choices = time_zone_choices()
    if not form.is_submitted():
        form.school_id.data = str(current_user.school_id or "")
    if form.validate_on_submit():
        try:
            accounts.update_profile(
                current_user,
                accounts.ProfileChange(
                    name=form.name.data,
                    username=form.username.data,
                    job_role=form.job_role.data,
                    school_id=optional_int(form.school_id.data),
                    bio=form.bio.data or "",
                    time_zone=form.time_zone.data,
                ),
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash("Your profile is saved.", "success")
            return redirect(url_for("users.profile", username=current_user.username))
    status = form_status(form)
    return render_template("users/edit_profile.html", form=form), status
