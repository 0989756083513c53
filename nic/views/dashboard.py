"""The facilitator's dashboard ("hub health"): the network's figures, and the lists behind
the ones no other page lists (threads no one answered, tries with no report back)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from nic.models.measures import period_label
from nic.services import dashboard as dash
from nic.services.dashboard_lists import unanswered_threads, untold_tries
from nic.views.helpers import page_arg

bp = Blueprint("dashboard", __name__)
PER_PAGE = 25


def _days() -> tuple[int, str | None]:
    """?days= of 7, 30 or 90; anything else is the default, with a word why."""
    raw = request.args.get("days")
    if raw is None or raw == "":
        return dash.DEFAULT_DAYS, None
    days = request.args.get("days", type=int)
    if days not in dash.DAYS:
        return dash.DEFAULT_DAYS, f"{dash.BAD_DAYS} Showing the last {dash.DEFAULT_DAYS} days."
    return days, None


@bp.route("/dashboard")
@login_required
def index():
    """Every figure, for admins and facilitators (others: 404)."""
    days, problem = _days()
    board = dash.dashboard(current_user, days)
    return render_template("dashboard/index.html", board=board, problem=problem,
                           days_choices=dash.DAYS, period_label=period_label)  # fmt: skip


@bp.route("/dashboard/unanswered")
@login_required
def unanswered():
    """Every thread with no reply after three days, newest first, a page at a time."""
    dash.require_viewer(current_user)
    found = unanswered_threads(current_user, dash.window().now, page_arg(), PER_PAGE)
    return render_template("dashboard/unanswered.html", found=found)


@bp.route("/dashboard/untold")
@login_required
def untold():
    """Every try and practice cycle with no report back, the latest first."""
    dash.require_viewer(current_user)
    found = untold_tries(current_user, dash.window().today, page_arg(), PER_PAGE)
    return render_template("dashboard/untold.html", found=found)
