"""Sign in, sign up, sign out, and reset a forgotten password."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from nic.errors import NotFound, ValidationError
from nic.extensions import limiter
from nic.forms.accounts import ForgotPasswordForm, LoginForm, NewPasswordForm, RegisterForm
from nic.forms.common import optional_int, school_choices, show_errors, time_zone_choices
from nic.models import User
from nic.services import accounts, addresses, logins, passwords
from nic.views.helpers import current_login_id, form_status, safe_next

bp = Blueprint("auth", __name__)


def sign_in(user: User) -> None:
    """Record the sign-in on the server, then set the session and remember-me cookies."""
    logins.start_login(user, request.headers.get("User-Agent"))
    login_user(user, remember=True)


def _address_and_email() -> str:
    """Password guessing is limited per account and address; a whole district signing in
    from behind one public address at 8 AM is limited only by the looser per-address cap."""
    email = str(request.form.get("email", "")).strip().casefold()
    return f"{get_remote_address()}|{email}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"], key_func=_address_and_email)
@limiter.limit("300 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            sign_in(user)
            return redirect(safe_next(request.args.get("next"), url_for("main.home")))
        form.form_errors.append("That email and password do not match an account.")
    status = form_status(form)
    return render_template("auth/login.html", form=form), status


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def register():
    if not current_app.config["NIC_OPEN_REGISTRATION"]:
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    form.school_id.choices = school_choices()
    form.time_zone.choices = time_zone_choices()
    if form.validate_on_submit():
        try:
            addresses.register(
                accounts.NewAccount(
                    email=form.email.data,
                    name=form.name.data,
                    password=form.password.data,
                    job_role=form.job_role.data,
                    school_id=optional_int(form.school_id.data),
                    time_zone=form.time_zone.data,
                )
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            # The same answer whether or not the address had an account already (then
            # `user` is None and its owner gets a mail), and nobody is signed in either
            # way: the confirmation link signs the newcomer in. Nothing tells who is a member.
            flash(REGISTERED.format(email=accounts.normalize_email(form.email.data)), "success")
            return redirect(url_for("auth.login"))
    status = form_status(form)
    return render_template("auth/register.html", form=form), status


REGISTERED = (
    "Welcome to nic. We sent a link to {email}: open it to confirm your address and sign in. "
    "If no mail arrives in a few minutes, check your spam folder."
)

RESET_SENT = (
    "If an account uses that address, we have sent it a link to reset the password. "
    "The link works for an hour. If no mail arrives in a few minutes, check your spam folder."
)

RESET_DONE = "Your password is changed. You are signed in here and signed out everywhere else."


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit("5 per minute;30 per hour", methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        passwords.request_reset(form.email.data)
        flash(RESET_SENT, "info")
        return redirect(url_for("auth.login"))
    status = form_status(form)
    return render_template("auth/forgot_password.html", form=form), status


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def reset_password(token: str):
    form = NewPasswordForm()
    try:
        if form.validate_on_submit():
            user = passwords.reset_password(token, form.new_password.data)
            sign_in(user)
            flash(RESET_DONE, "success")
            return redirect(url_for("main.home"))
        passwords.user_for_token(token)  # a link that cannot work shows why, not the form
    except passwords.ResetLinkError as exc:
        return render_template("auth/reset_password.html", form=None, problem=exc.message), 400
    except ValidationError as exc:
        show_errors(form, exc)
    status = form_status(form)
    return render_template("auth/reset_password.html", form=form, problem=None), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    login_id = current_login_id()

    def end_this_login(user: User) -> None:
        if login_id is not None:
            with suppress(NotFound):  # ended from another device a moment ago
                logins.end_login(user, login_id)

    return sign_out(end_this_login)


def sign_out(end_logins: Callable[[User], object]) -> Response:
    """Clear this browser's cookies, end sign-ins on the server, and go to the sign-in page."""
    user = current_user._get_current_object()
    logout_user()
    end_logins(user)
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
