"""Email addresses: confirm one by its mailed link, ask for the link again, change it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from nic.errors import Conflict, ValidationError
from nic.extensions import limiter
from nic.forms.accounts import EmailChangeForm
from nic.forms.common import show_errors
from nic.services import addresses
from nic.services.signed_links import LinkError
from nic.views.auth import sign_in
from nic.views.helpers import form_status

bp = Blueprint("addresses", __name__)

CONFIRMED = "Your email address is confirmed. Welcome to the conversation."
RESENT = "We sent a new link to {email}. It works for 7 days."
CHANGE_SENT = "We sent a link to {new}; your address stays {old} until you confirm."
CHANGED = "Your email address is now {new}. We told {old} about the change."


def _after_link():
    return redirect(url_for("main.home" if current_user.is_authenticated else "auth.login"))


def _link_problem(message: str, status: int = 400):
    return render_template("addresses/link_problem.html", problem=message), status


@bp.route("/confirm-email/<token>")
def confirm(token: str):
    try:
        user, newly = addresses.confirm(token)
    except LinkError as exc:
        return _link_problem(exc.message)
    # Registering signs nobody in (it must not tell who already has an account): the
    # link does, once, when it confirms, unless someone else is signed in in this browser.
    if newly and not current_user.is_authenticated:
        sign_in(user)
    flash(CONFIRMED, "success")
    return _after_link()


@bp.route("/confirm-email/resend", methods=["POST"])
@login_required
@limiter.limit("3 per minute;10 per hour", methods=["POST"])
def resend():
    if addresses.resend_confirmation(current_user):
        flash(RESENT.format(email=current_user.email), "info")
    else:
        flash("Your email address is confirmed already.", "info")
    return redirect(url_for("main.home"))


@bp.route("/settings/email", methods=["GET", "POST"])
@login_required
@limiter.limit("5 per minute;20 per hour", methods=["POST"])
def change():
    form = EmailChangeForm()
    if form.validate_on_submit():
        try:
            new = addresses.request_change(
                current_user, form.email.data, form.current_password.data
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash(CHANGE_SENT.format(new=new, old=current_user.email), "info")
            return redirect(url_for("addresses.change"))
    status = form_status(form)
    return render_template("addresses/change.html", form=form), status


@bp.route("/settings/email/confirm/<token>")
def confirm_change(token: str):
    try:
        user, old = addresses.confirm_change(token)
    except LinkError as exc:
        return _link_problem(exc.message)
    except Conflict as exc:
        return _link_problem(exc.message, 409)
    flash(CHANGED.format(new=user.email, old=old), "success")
    return _after_link()
