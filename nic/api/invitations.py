"""/api/v1/invitations: invite people by email, list, send again, withdraw."""

from __future__ import annotations

from nic.api.auth import api_user
from nic.api.base import ApiBlueprint
from nic.api.pagination import paginate
from nic.api.schemas.common import annotate, page_of
from nic.api.schemas.invitations import (
    InvitationCreateSchema,
    InvitationListArgs,
    InvitationOutcomeSchema,
    InvitationSchema,
)
from nic.errors import ValidationError
from nic.models import Invitation, utcnow
from nic.services import invitations

bp = ApiBlueprint(
    "api_invitations", __name__, tag="Invitations",
    description="Invitations by email: administrators to the network or any group, "
    "facilitators to their groups.",
)  # fmt: skip


def _view(invitation: Invitation):
    return annotate(invitation, status=invitation.status(utcnow()).value)


def _views(page: list[Invitation]) -> list:
    return [_view(invitation) for invitation in page]


@bp.route("/invitations")
@bp.arguments(InvitationListArgs, location="query")
@bp.response(200, page_of(InvitationSchema))
@bp.errors(403, 404)
def list_invitations(args: dict):
    """The open invitations the caller may manage (expired ones too), newest first."""
    group_id = args.pop("group_id", None)
    return paginate(invitations.manageable_query(api_user, group_id), args, _views)


@bp.route("/invitations", methods=["POST"])
@bp.arguments(InvitationCreateSchema)
@bp.response(200, InvitationOutcomeSchema)
@bp.errors(403, 404)
def create_invitations(args: dict):
    """Invite by email to a group (or, administrators, the network); the answer says what
    each address got: a mailed link, a place in the group (an account already), or why not."""
    try:
        outcome = invitations.invite(
            api_user, args.get("emails") or [args["email"]], args["group_id"]
        )
    except ValidationError as exc:
        if "email" in args:  # one address: its problem under the field it came in
            raise ValidationError({"email": exc.message}) from exc
        raise
    return {
        "invited": _views(outcome.invited),
        "joined": outcome.joined,
        "skipped": outcome.skipped,
    }


@bp.route("/invitations/<id:invitation_id>/resend", methods=["POST"])
@bp.response(200, InvitationSchema)
@bp.errors(403, 404, 409)
def resend_invitation(invitation_id: int):
    """Mail an open invitation again: a new link for the full days; earlier ones stop."""
    return _view(invitations.resend(api_user, invitation_id))


@bp.route("/invitations/<id:invitation_id>", methods=["DELETE"])
@bp.response(204)
@bp.errors(403, 404, 409)
def withdraw_invitation(invitation_id: int):
    """Withdraw an invitation: its link stops working (once accepted: 409)."""
    invitations.withdraw(api_user, invitation_id)
