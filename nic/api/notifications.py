"""/api/v1 notifications and follow levels (threads and groups)."""

from __future__ import annotations

from nic.api.auth import api_user
from nic.api.base import ApiBlueprint
from nic.api.pagination import envelope
from nic.api.schemas.common import page_of
from nic.api.schemas.notifications import (
    FollowSchema,
    MarkedSchema,
    MarkReadSchema,
    NotificationListArgs,
    NotificationSchema,
    PreferencesSchema,
)
from nic.services import (
    discussions,
    email_preferences,
    following,
    groups,
    notification_feed,
)

bp = ApiBlueprint(
    "api_notifications", __name__, tag="Notifications",
    description="What nic tells you, and what you follow.",
)  # fmt: skip


@bp.route("/notifications")
@bp.arguments(NotificationListArgs, location="query")
@bp.response(200, page_of(NotificationSchema))
def list_notifications(args: dict):
    """Your notifications, newest activity first (only what you may still see)."""
    items, total = notification_feed.entries_page(
        api_user, args["page"], args["per_page"], args["unread"]
    )
    return envelope(items, args, total)


@bp.route("/notifications/read", methods=["POST"])
@bp.arguments(MarkReadSchema)
@bp.response(200, MarkedSchema)
def mark_read(args: dict):
    """Mark notifications read: `{"ids": [...]}`, `{"thread_id": n}` or `{"all": true}`."""
    changed = notification_feed.mark_read(
        api_user,
        ids=args.get("ids"),
        thread_id=args.get("thread_id"),
        everything=args.get("all", False),
    )
    return {"changed": changed, "unread": notification_feed.unread_count(api_user.id)}


@bp.route("/threads/<id:thread_id>/follow")
@bp.response(200, FollowSchema)
@bp.errors(404)
def get_thread_follow(thread_id: int):
    """Your level on a thread."""
    discussions.get_thread_for(api_user, thread_id)
    return {"level": following.thread_level(api_user, thread_id)}


@bp.route("/threads/<id:thread_id>/follow", methods=["PUT"])
@bp.arguments(FollowSchema)
@bp.response(200, FollowSchema)
@bp.errors(404)
def put_thread_follow(args: dict, thread_id: int):
    """Set your level on a thread."""
    return {"level": following.set_thread_level(api_user, thread_id, args["level"])}


@bp.route("/groups/<id:group_id>/follow")
@bp.response(200, FollowSchema)
@bp.errors(404)
def get_group_follow(group_id: int):
    """Your level on a group (watching: every new thread and post in it)."""
    groups.get_group_for(api_user, group_id)
    return {"level": following.group_level(api_user, group_id)}


@bp.route("/groups/<id:group_id>/follow", methods=["PUT"])
@bp.arguments(FollowSchema)
@bp.response(200, FollowSchema)
@bp.errors(404)
def put_group_follow(args: dict, group_id: int):
    """Set your level on a group."""
    return {"level": following.set_group_level(api_user, group_id, args["level"])}


@bp.route("/users/me/preferences")
@bp.response(200, PreferencesSchema)
def get_preferences():
    """How each kind of your notifications reaches you by email."""
    return {"email": email_preferences.preferences(api_user.id)}


@bp.route("/users/me/preferences", methods=["PATCH"])
@bp.arguments(PreferencesSchema)
@bp.response(200, PreferencesSchema)
def patch_preferences(args: dict):
    """Change how some kinds reach you by email; answers with every kind."""
    return {"email": email_preferences.set_preferences(api_user, args["email"])}
