"""The home page and the markdown preview."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from nic.errors import ValidationError
from nic.services import home as home_service
from nic.services.live import sessions as live_sessions
from nic.services.mentions import render_with_mentions
from nic.services.validation import BODY_MAX, clean_text

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    groups = home_service.my_groups(current_user)
    group_ids = [g.group.id for g in groups]
    recent = home_service.recent_threads(current_user, group_ids)
    sessions = live_sessions.upcoming_for_groups(group_ids)
    return render_template("main/home.html", groups=groups, recent=recent, sessions=sessions)


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page links; answer with our icon."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.route("/preview", methods=["POST"])
@login_required
def preview():
    """Render markdown exactly as it will be saved (sanitised, mentions linked), for the
    editor."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationError("text", "Send JSON with a text field.")
    text = clean_text("text", data.get("text"), max_length=BODY_MAX, required=False)
    return jsonify({"html": render_with_mentions(text, current_user).html})
