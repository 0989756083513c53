"""/api/v1/me and the network directory (/api/v1/users)."""

from __future__ import annotations

from nic.api.auth import api_user
from nic.api.base import ApiBlueprint
from nic.api.pagination import paginate
from nic.api.schemas.common import page_of
from nic.api.schemas.users import (
    MentionCandidateArgs,
    MentionCandidateListSchema,
    MeSchema,
    UserListArgs,
    UserSchema,
)
from nic.services import accounts, mentions
from nic.services.directory import DirectoryFilter, members_query

bp = ApiBlueprint(
    "api_users", __name__, tag="Users", description="The caller, and the network's members."
)


@bp.route("/me")
@bp.response(200, MeSchema)
def me():
    """The caller's own account."""
    return accounts.get_user(api_user.id)


@bp.route("/users")
@bp.arguments(UserListArgs, location="query")
@bp.response(200, page_of(UserSchema))
def list_users(args: dict):
    """Active members by name, optionally of one job role, school or district."""
    filters = DirectoryFilter(
        job_role=args.get("job_role"),
        school_id=args.get("school_id"),
        district_id=args.get("district_id"),
    )
    return paginate(members_query(filters), args)


@bp.route("/users/mention-candidates")
@bp.arguments(MentionCandidateArgs, location="query")
@bp.response(200, MentionCandidateListSchema)
@bp.errors(404)
def mention_candidates(args: dict):
    """Who to suggest after "@" + `q` (at most 8): people whose username, name or a later
    word of their name starts with `q`, the members of group `group_id` first, then the
    network; then the groups the caller may mention (those they facilitate)."""
    found = mentions.mention_candidates(api_user, args["q"], args.get("group_id"))
    return {"items": found}


@bp.route("/users/<id:user_id>")
@bp.response(200, UserSchema)
@bp.errors(404)
def get_user(user_id: int):
    """One member (deactivated accounts are not found)."""
    return accounts.get_user(user_id, active_only=True)
