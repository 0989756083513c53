"""Settings → Password and Signed-in devices: change the password, end sign-ins."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from nic.errors import ValidationError
from nic.extensions import limiter
from nic.forms.accounts import PasswordForm
from nic.forms.common import show_errors
from nic.services import accounts, logins
from nic.views.auth import sign_out
from nic.views.helpers import current_login_id, form_status

bp = Blueprint("security", __name__, url_prefix="/settings")


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per minute", methods=["POST"])
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                current_user, form.current_password.data, form.new_password.data, current_login_id()
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash("Your password is changed. You are signed out on every other device.", "success")
            return redirect(url_for("security.devices"))
    status = form_status(form)
    return render_template("security/password.html", form=form), status


@bp.route("/devices")
@login_required
def devices():
    return render_template(
        "security/devices.html", logins=logins.list_logins(current_user, current_login_id())
    )


@bp.route("/devices/<int:login_id>/end", methods=["POST"])
@login_required
def end(login_id: int):
    if login_id == current_login_id():
        return sign_out(lambda user: logins.end_login(user, login_id))
    logins.end_login(current_user, login_id)
    flash("That device is signed out.", "success")
    return redirect(url_for("security.devices"))


@bp.route("/devices/end-all", methods=["POST"])
@login_required
def end_all():
    return sign_out(logins.end_all_logins)
