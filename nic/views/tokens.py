"""Settings → API tokens: create (the secret is shown once), list, revoke."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required

from nic.errors import ValidationError
from nic.forms.common import show_errors
from nic.forms.tokens import TokenForm
from nic.services import tokens

bp = Blueprint("tokens", __name__)


@bp.route("/settings/tokens", methods=["GET", "POST"])
@login_required
def index():
    form = TokenForm()
    created = None
    if form.validate_on_submit():
        try:
            created = tokens.create_token(current_user, form.name.data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            form.name.data = ""
    status = 400 if form.is_submitted() and created is None else 200
    response = make_response(
        render_template(
            "tokens/index.html", form=form, created=created, tokens=tokens.list_tokens(current_user)
        ),
        status,
    )
    if created is not None:
        # The page holds the only copy of the secret: keep it out of every cache.
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/settings/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    token = tokens.revoke_token(current_user, token_id)
    flash(f"“{token.name}” is revoked: calls that use it are now refused.", "success")
    return redirect(url_for("tokens.index"))
