"""Sign in, sign up, sign out."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from nic.errors import Conflict, ValidationError
from nic.extensions import limiter
from nic.forms.accounts import LoginForm, RegisterForm
from nic.forms.common import optional_int, school_choices, show_errors
from nic.services import accounts
from nic.views.helpers import safe_next

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=True)
            return redirect(safe_next(request.args.get("next"), url_for("main.home")))
        form.form_errors.append("That email and password do not match an account.")
    status = 400 if form.is_submitted() else 200
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
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                accounts.NewAccount(
                    email=form.email.data,
                    name=form.name.data,
                    password=form.password.data,
                    job_role=form.job_role.data,
                    school_id=optional_int(form.school_id.data),
                )
            )
        except ValidationError as exc:
            show_errors(form, exc)
        except Conflict as exc:
            form.email.errors = [*form.email.errors, exc.message]
        else:
            login_user(user, remember=True)
            flash(f"Welcome to nic, {user.name}. Your username is @{user.username}.", "success")
            return redirect(url_for("main.home"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/register.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
