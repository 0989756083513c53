"""Peer groups: list, page, create, edit, join, leave, members."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from nic import policy
from nic.errors import PermissionDenied, ValidationError
from nic.extensions import db
from nic.forms.common import person_choices, show_errors
from nic.forms.groups import AddMemberForm, GroupForm
from nic.forms.invitations import InviteForm
from nic.models import utcnow
from nic.services import aims, following, groups, invitations, reading
from nic.services.live import sessions as live_sessions
from nic.views.helpers import form_status, page_arg, refused

# The member search shows at most this many people (narrow the words for more).
SEARCH_RESULTS = 20
# The members page lists a group's newest open invitations, at most this many.
PENDING_SHOWN = 100

bp = Blueprint("groups", __name__, url_prefix="/groups")


@bp.route("/")
@login_required
def index():
    page = db.paginate(
        groups.visible_groups_query(current_user), page=page_arg(), per_page=50, error_out=False
    )
    mine = groups.memberships_by_group(current_user, [g.id for g in page.items])
    return render_template("groups/index.html", page=page, mine=mine)


@bp.route("/<int:group_id>")
@login_required
def show(group_id: int):
    access = groups.get_group_for(current_user, group_id)
    pagination, rows = reading.list_threads(current_user, access, page_arg())
    response = render_template(
        "groups/show.html", group=access.group, membership=access.membership,
        threads_page=pagination, rows=rows,
        sessions=live_sessions.upcoming_for_groups([group_id]),
        follow_level=following.group_level(current_user, group_id),
        aim=aims.group_aim(group_id),
    )  # fmt: skip
    newest = max((row.thread.last_activity_at for row in rows), default=None)
    groups.mark_visited(access.membership, newest)
    return response


def _fields(form: GroupForm) -> groups.GroupFields:
    return groups.GroupFields(
        name=form.name.data or "",
        description=form.description.data or "",
        job_roles=list(form.job_roles.data or []),
        visibility=form.visibility.data or "",
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    try:
        groups.may_create_group(current_user)
    except PermissionDenied as exc:
        return refused(exc, url_for("groups.index"))
    form = GroupForm()
    if form.validate_on_submit():
        try:
            group = groups.create_group(current_user, _fields(form))
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash(f"{group.name} is ready. You are its facilitator.", "success")
            return redirect(url_for("groups.show", group_id=group.id))
    status = form_status(form)
    return render_template("groups/form.html", form=form, group=None), status


@bp.route("/<int:group_id>/edit", methods=["GET", "POST"])
@login_required
def edit(group_id: int):
    group = groups.get_group_to_manage(current_user, group_id).group
    form = GroupForm(obj=group)
    if form.validate_on_submit():
        try:
            groups.update_group(current_user, group_id, _fields(form))
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash("Group settings saved.", "success")
            return redirect(url_for("groups.show", group_id=group_id))
    status = form_status(form)
    return render_template("groups/form.html", form=form, group=group), status


@bp.route("/<int:group_id>/join", methods=["POST"])
@login_required
def join(group_id: int):
    groups.join_group(current_user, group_id)
    flash("You joined the group.", "success")
    return redirect(url_for("groups.show", group_id=group_id))


@bp.route("/<int:group_id>/leave", methods=["POST"])
@login_required
def leave(group_id: int):
    access = groups.leave_group(current_user, group_id)
    flash(f"You left {access.group.name}.", "info")
    if access.group.is_private:
        return redirect(url_for("groups.index"))
    return redirect(url_for("groups.show", group_id=group_id))


@bp.route("/<int:group_id>/members", methods=["GET", "POST"])
@login_required
def members(group_id: int):
    access = groups.get_group_for(current_user, group_id)
    can_manage = policy.can_manage_group(current_user, access.group, access.membership)
    form = AddMemberForm() if can_manage else None
    if form is not None and form.validate_on_submit():
        try:
            user_id = int(form.user_id.data)
            groups.add_member(current_user, group_id, user_id, form.role.data)
        except (ValueError, TypeError):
            form.user_id.errors = ["Choose the person to add."]
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash("Member added.", "success")
            return redirect(url_for("groups.members", group_id=group_id))
    status = 400 if form is not None and form.is_submitted() else 200
    return render_members(access, add_form=form, status=status)


def render_members(
    access: groups.GroupAccess, *, add_form: AddMemberForm | None = None,
    invite_form: InviteForm | None = None, status: int = 200,
):  # fmt: skip
    """The members page; for facilitators with the add-a-member and invite forms (either
    one as posted, with its errors) and the group's open invitations."""
    group_id = access.group.id
    can_manage = policy.can_manage_group(current_user, access.group, access.membership)
    can_invite = policy.can_invite_to_group(current_user, access.group, access.membership)
    search = (request.args.get("q") or "").strip()[:100]
    found = None
    if can_manage:
        add_form = add_form or AddMemberForm(formdata=None)
        add_form.user_id.choices = person_choices(groups.people_to_add(group_id))
        if search:
            found = groups.people_to_add(group_id, search, limit=SEARCH_RESULTS)
    pending = None
    if can_invite:
        invite_form = invite_form or InviteForm(prefix="invite", formdata=None)
        query = invitations.pending_for_group(group_id).limit(PENDING_SHOWN)
        pending = list(db.session.scalars(query))
    page = db.paginate(
        groups.members_query(group_id), page=page_arg(), per_page=50, error_out=False
    )
    return render_template(
        "groups/members.html", group=access.group, membership=access.membership,
        page=page, form=add_form if can_manage else None, can_manage=can_manage,
        search=search, found=found, search_results=SEARCH_RESULTS,
        invite_form=invite_form if can_invite else None, pending=pending,
        pending_shown=PENDING_SHOWN, now=utcnow(),
    ), status  # fmt: skip


@bp.route("/<int:group_id>/members/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_member(group_id: int, user_id: int):
    groups.remove_member(current_user, group_id, user_id)
    flash("Member removed.", "success")
    return redirect(url_for("groups.members", group_id=group_id))
