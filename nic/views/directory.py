"""The network directory."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from nic.extensions import db
from nic.forms.common import JOB_ROLES, optional_int
from nic.services import library, org
from nic.services.directory import (
    MEMBERS_PER_PAGE,
    DirectoryFilter,
    members_query,
    narrow_schools,
)
from nic.views.helpers import page_arg

bp = Blueprint("directory", __name__)


@bp.route("/directory")
@login_required
def index():
    roles = {value for value, _ in JOB_ROLES}
    job_role = request.args.get("job_role") or None
    filters = DirectoryFilter(
        job_role=job_role if job_role in roles else None,
        district_id=optional_int(request.args.get("district_id")),
        school_id=optional_int(request.args.get("school_id")),
        q=(request.args.get("q") or "").strip()[:100] or None,
    )
    schools = org.list_schools()
    filters, offered = narrow_schools(filters, schools)
    members = db.paginate(
        members_query(filters), page=page_arg(), per_page=MEMBERS_PER_PAGE, error_out=False
    )
    return render_template(
        "directory/index.html",
        members=members,
        filters=filters,
        job_roles=JOB_ROLES,
        districts=org.list_districts(),
        schools=offered,
        all_schools=schools,
    )


@bp.route("/schools/<int:school_id>")
@login_required
def school(school_id: int):
    """A school: its people, the practices they wrote, the practices it tried."""
    found = org.get_school(school_id)
    people = db.session.scalars(members_query(DirectoryFilter(school_id=school_id))).all()
    return render_template(
        "directory/school.html", school=found, people=people,
        practices=library.school_practices(current_user, school_id),
    )  # fmt: skip
