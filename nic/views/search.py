"""Search: the header's box and /search, with filters (nic.services.search does the work)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from nic.errors import ValidationError
from nic.extensions import db
from nic.forms.common import JOB_ROLES, optional_int
from nic.services import groups, org, search
from nic.views.helpers import page_arg

bp = Blueprint("search", __name__)


def _date(name: str) -> date | None:
    value = request.args.get(name) or ""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise ValidationError(name, "Give a date as YYYY-MM-DD.") from None


def filters_from_args() -> search.Filters:
    roles = {value for value, _label in JOB_ROLES}
    role = request.args.get("job_role") or None
    return search.Filters(
        kind=request.args.get("kind") or None,
        group_id=optional_int(request.args.get("group_id")),
        thread_id=optional_int(request.args.get("thread_id")),
        author_id=optional_int(request.args.get("author_id")),
        job_role=role if role in roles else None,
        school_id=optional_int(request.args.get("school_id")),
        date_from=_date("from"),
        date_to=_date("to"),
        sort=request.args.get("sort") or "relevance",
    )


@bp.route("/search")
@login_required
def index():
    text = request.args.get("q", "")
    problem, results, filters = None, None, search.Filters()
    try:
        filters = filters_from_args()
        if text.strip():
            results = search.search(current_user, text, filters, page_arg())
    except ValidationError as exc:
        problem = exc.message
    visible_groups = list(db.session.scalars(groups.visible_groups_query(current_user)))
    return render_template(
        "search/index.html", q=text, results=results, problem=problem, filters=filters,
        kinds=search.KIND_LABELS, kind_names=search.KIND_NAMES, groups=visible_groups,
        schools=org.list_schools(),
        job_roles=JOB_ROLES, args={k: v for k, v in request.args.items() if k != "page"},
        base={k: v for k, v in request.args.items() if k not in {"page", "kind"}},
    ), 400 if problem else 200  # fmt: skip
