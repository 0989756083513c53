"""The facilitator's dashboard ("hub health"): the network's figures, and the lists behind
the ones no other page lists (threads no one answered, tries with no report back, a
school's posts, replies across schools and sessions attended, a matrix cell's replies and
tries)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from nic.models.accounts import JobRole
from nic.models.measures import period_label
from nic.services import dashboard as dash
from nic.services.dashboard_activity import (
    Filter,
    attendance_of,
    posts_of,
    school_name,
    tries_of,
)
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


def _school(name: str, *, allow_none: bool = False) -> int | None:
    """?school= as a school id ("none": people with no school); a malformed one is a 404."""
    raw = request.args.get(name, "")
    if allow_none and raw == "none":
        return None
    if not raw.isdigit():
        abort(404)
    return int(raw)


def _filter() -> tuple[Filter, str]:
    """The participation row a list is for (?school=, ?role=, ?across=1), and its name."""
    school = _school("school", allow_none=True)
    role = request.args.get("role") or None
    name = school_name(school)
    if name is None or (role is not None and role not in JobRole.__members__.values()):
        abort(404)
    return Filter(school, role, across=request.args.get("across") == "1"), name


def _list_args(found: Filter, days: int) -> dict[str, object]:
    """What the list's pages keep in their links."""
    args: dict[str, object] = {"days": days, "school": found.school_id or "none"}
    if found.job_role:
        args["role"] = found.job_role
    if found.across:
        args["across"] = 1
    return args


def _row_list(template: str, read) -> str:
    """A participation row's list page: `read(window, filter)` gives its page of items."""
    dash.require_viewer(current_user)
    days, problem = _days()
    found, name = _filter()
    win = dash.window(days)
    return render_template(template, found=read(win, found), who=found, name=name, win=win,
                           problem=problem, args=_list_args(found, days))  # fmt: skip


@bp.route("/dashboard/posts")
@login_required
def posts():
    """The posts behind a school's (or one of its job roles') figure, newest first."""
    return _row_list("dashboard/posts.html", lambda win, found: posts_of(
        current_user, win.since, found, page_arg(), PER_PAGE))  # fmt: skip


@bp.route("/dashboard/sessions")
@login_required
def sessions():
    """The live sessions a school's people attended, latest first."""
    return _row_list("dashboard/sessions.html", lambda win, found: attendance_of(
        current_user, win.since, win.now, found, page_arg(), PER_PAGE))  # fmt: skip


@bp.route("/dashboard/learning")
@login_required
def learning():
    """A matrix cell: one school's replies to another school's people and its tries of
    that school's practices."""
    dash.require_viewer(current_user)
    days, problem = _days()
    school, source = _school("school"), _school("from")
    names = (school_name(school), school_name(source))
    if None in names:
        abort(404)
    win = dash.window(days)
    replies = posts_of(current_user, win.since, Filter(school, to_school_id=source), page_arg(),
                       PER_PAGE)  # fmt: skip
    tried = tries_of(current_user, win.since, school, source, 1, PER_PAGE)  # type: ignore[arg-type]
    return render_template("dashboard/learning.html", replies=replies, tried=tried,
                           names=names, win=win, problem=problem,
                           args={"days": days, "school": school, "from": source})  # fmt: skip
