"""Search: the header's box (with as-you-type suggestions) and /search, with filters
(nic.services.search does the work)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, jsonify, render_template, request
from flask_login import current_user, login_required

from nic.errors import Unauthenticated, ValidationError
from nic.extensions import db
from nic.forms.common import JOB_ROLES, optional_int
from nic.responses import json_error
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


@bp.route("/search/suggest")
def suggest():
    """The header box's suggestions for what is being typed, as JSON (static/js/suggest.js):
    `{"items": [{"kind", "kind_label", "title", "url", "group"}]}`. Always JSON, errors
    too: 401 when signed out (no redirect to the sign-in page), 400 for a query that
    cannot be searched."""
    if not current_user.is_authenticated:
        return json_error(Unauthenticated.status, Unauthenticated.code,
                          Unauthenticated.default_message)  # fmt: skip
    try:
        hits = search.suggest(current_user, request.args.get("q", ""))
    except ValidationError as exc:
        return json_error(exc.status, exc.code, exc.message, exc.fields)
    items = [
        {
            "kind": hit.kind, "title": hit.title, "url": hit.url,
            "group": None if hit.kind == "person" else hit.group_name,
            "kind_label": search.KIND_NAMES[hit.kind],
        }
        for hit in hits
    ]  # fmt: skip
    response = jsonify({"items": items})
    response.headers["Cache-Control"] = "private, no-store"  # what this person may see, now
    return response
