"""/api/v1/groups: peer groups, joining and leaving, and their members."""

from __future__ import annotations

from nic.api.auth import api_user
from nic.api.base import ApiBlueprint
from nic.api.pagination import paginate
from nic.api.schemas.common import PageArgs, annotate, page_of
from nic.api.schemas.groups import (
    GroupCreateSchema,
    GroupSchema,
    GroupUpdateSchema,
    MemberAddSchema,
    MemberSchema,
)
from nic.models import Group
from nic.services import groups

bp = ApiBlueprint(
    "api_groups", __name__, tag="Groups",
    description="Peer groups: private groups are not found by outsiders.",
)  # fmt: skip


def _group_view(access: groups.GroupAccess):
    membership = access.membership
    return annotate(access.group, my_role=membership.role if membership else None)


def _with_my_roles(page: list[Group]) -> list:
    mine = groups.memberships_by_group(api_user, [g.id for g in page])
    return [_group_view(groups.GroupAccess(g, mine.get(g.id))) for g in page]


@bp.route("/groups")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_of(GroupSchema))
def list_groups(args: dict):
    """The groups the caller can see: network groups and their own, by name."""
    return paginate(groups.visible_groups_query(api_user), args, _with_my_roles)


@bp.route("/groups", methods=["POST"])
@bp.arguments(GroupCreateSchema)
@bp.response(201, GroupSchema)
@bp.errors(403)
def create_group(args: dict):
    """Create a group (facilitators and administrators); the caller facilitates it."""
    group = groups.create_group(api_user, groups.GroupFields(**args))
    return _group_view(groups.get_group_for(api_user, group.id))


@bp.route("/groups/<id:group_id>")
@bp.response(200, GroupSchema)
@bp.errors(404)
def get_group(group_id: int):
    """One group."""
    return _group_view(groups.get_group_for(api_user, group_id))


@bp.route("/groups/<id:group_id>", methods=["PATCH"])
@bp.arguments(GroupUpdateSchema)
@bp.response(200, GroupSchema)
@bp.errors(403, 404)
def update_group(args: dict, group_id: int):
    """Change some of a group's settings (its facilitators and administrators)."""
    groups.change_group(api_user, group_id, args)
    return _group_view(groups.get_group_for(api_user, group_id))


@bp.route("/groups/<id:group_id>/join", methods=["POST"])
@bp.response(200, GroupSchema)
@bp.errors(403, 404, 409)
def join_group(group_id: int):
    """Join a network group (private groups: a facilitator adds members)."""
    groups.join_group(api_user, group_id)
    return _group_view(groups.get_group_for(api_user, group_id))


@bp.route("/groups/<id:group_id>/leave", methods=["POST"])
@bp.response(204)
@bp.errors(404, 409)
def leave_group(group_id: int):
    """Leave a group."""
    groups.leave_group(api_user, group_id)


@bp.route("/groups/<id:group_id>/members")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_of(MemberSchema))
@bp.errors(404)
def list_members(args: dict, group_id: int):
    """The group's members with their group roles, ordered by role, then name."""
    groups.get_group_for(api_user, group_id)
    return paginate(groups.members_query(group_id), args)


@bp.route("/groups/<id:group_id>/members", methods=["POST"])
@bp.arguments(MemberAddSchema)
@bp.response(200, MemberSchema)
@bp.errors(403, 404)
def add_member(args: dict, group_id: int):
    """Add someone to the group, or change their group role (facilitators, admins)."""
    groups.add_member(api_user, group_id, args["user_id"], args["role"])
    return groups.get_member(group_id, args["user_id"])


@bp.route("/groups/<id:group_id>/members/<id:user_id>", methods=["DELETE"])
@bp.response(204)
@bp.errors(403, 404)
def remove_member(group_id: int, user_id: int):
    """Remove a member (facilitators and administrators; anyone may remove themselves)."""
    groups.remove_member(api_user, group_id, user_id)
