"""Invitations: invite to a group, send again, withdraw, and accept by the mailed link."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from nic.errors import Conflict, ValidationError
from nic.extensions import limiter
from nic.forms.common import optional_int, school_choices, show_errors, time_zone_choices
from nic.forms.invitations import AcceptForm, InviteForm, JoinForm
from nic.models import Invitation, User
from nic.services import accounts, groups, invitations
from nic.views.auth import sign_in
from nic.views.groups import render_members
from nic.views.helpers import form_status, safe_next

bp = Blueprint("invitations", __name__)

SIGNED_IN_AS = (
    "You are signed in as {name}, and this invitation is for {email}. "
    "Sign out first, then open the link again."
)


@bp.route("/groups/<int:group_id>/invitations", methods=["POST"])
@login_required
def invite_to_group(group_id: int):
    access = groups.get_group_for(current_user, group_id)
    invitations.may_invite_to(current_user, access)
    form = InviteForm(prefix="invite")
    if form.validate_on_submit():
        try:
            outcome = invitations.invite(current_user, form.emails.data, access)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash(outcome.summary(), "success")
            return redirect(url_for("groups.members", group_id=group_id, _anchor="invitations"))
    return render_members(access, invite_form=form, status=400)


def _back(invitation_group_id: int | None) -> str:
    if invitation_group_id is None:
        default = url_for("admin.index", _anchor="invitations")
    else:
        default = url_for("groups.members", group_id=invitation_group_id, _anchor="invitations")
    return safe_next(request.form.get("next"), default)


@bp.route("/invitations/<int:invitation_id>/resend", methods=["POST"])
@login_required
def resend(invitation_id: int):
    return _manage(invitations.resend, invitation_id, "The invitation is sent again to {}.")


@bp.route("/invitations/<int:invitation_id>/withdraw", methods=["POST"])
@login_required
def withdraw(invitation_id: int):
    done = "The invitation to {} is withdrawn: its link no longer works."
    return _manage(invitations.withdraw, invitation_id, done)


def _manage(action: Callable[[User, int], Invitation], invitation_id: int, done: str):
    """Send again or withdraw, then back to the list it was pressed in, saying what
    happened (or, for one accepted or withdrawn already, why not)."""
    try:
        invitation = action(current_user, invitation_id)
    except Conflict as exc:
        flash(exc.message, "error")
        return redirect(safe_next(request.form.get("next"), url_for("main.home")))
    flash(done.format(invitation.email), "success")
    return redirect(_back(invitation.group_id))


def _problem(message: str, signed_in_elsewhere: bool = False):
    return render_template(
        "invitations/problem.html", problem=message, sign_out=signed_in_elsewhere
    ), 400  # fmt: skip


def _details(form: AcceptForm) -> accounts.NewAccount:
    return accounts.NewAccount(
        email="", name=form.name.data, password=form.password.data,
        job_role=form.job_role.data, school_id=optional_int(form.school_id.data),
        time_zone=form.time_zone.data,
    )  # fmt: skip


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def accept(token: str):
    try:
        opened = invitations.open_invitation(token, to_accept=request.method == "POST")
    except invitations.LinkError as exc:
        return _problem(exc.message)
    account = opened.account
    if current_user.is_authenticated and (account is None or account.id != current_user.id):
        email = opened.invitation.email
        return _problem(SIGNED_IN_AS.format(name=current_user.name, email=email), True)
    form: AcceptForm | JoinForm
    if opened.needs_password:
        form = AcceptForm(obj=account) if request.method == "GET" else AcceptForm()
        form.school_id.choices = school_choices()
        form.time_zone.choices = time_zone_choices()
        if request.method == "GET" and account is not None and account.school_id:
            form.school_id.data = str(account.school_id)
    else:
        form = JoinForm()
    if form.validate_on_submit():
        try:
            done = invitations.accept(
                opened, _details(form) if isinstance(form, AcceptForm) else None
            )
        except ValidationError as exc:
            show_errors(form, exc)
        except Conflict as exc:
            return _problem(exc.message)
        else:
            return _landed(done)
    return render_template("invitations/accept.html", form=form, opened=opened), form_status(form)


def _landed(done: invitations.Acceptance):
    group = done.group
    there = url_for("groups.show", group_id=group.id) if group else url_for("main.home")
    joined = f"You are a member of {group.name}." if group else "You are in the network."
    if done.chose_password:
        sign_in(done.user)
        flash(f"Welcome to nic, {done.user.name}. {joined}", "success")
        return redirect(there)
    if current_user.is_authenticated:
        flash(joined, "success")
        return redirect(there)
    flash(f"{joined} Sign in with your account to open it.", "success")
    return redirect(url_for("auth.login", next=there))
