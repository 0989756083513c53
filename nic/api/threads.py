"""/api/v1 threads and posts: read, start, reply, edit, delete, moderate."""

from __future__ import annotations

from nic import policy
from nic.api.auth import api_user
from nic.api.base import ApiBlueprint
from nic.api.pagination import envelope, paginate, paginate_list
from nic.api.schemas.common import FlagArgs, PageArgs, annotate, page_of
from nic.api.schemas.threads import (
    PostEditSchema,
    PostSchema,
    ReplySchema,
    RevisionSchema,
    ThreadCreateSchema,
    ThreadDetailSchema,
    ThreadListItemSchema,
)
from nic.models import Membership, Post
from nic.services import discussions, groups, reading

bp = ApiBlueprint(
    "api_threads", __name__, tag="Threads and posts",
    description="Threaded discussions in groups.",
)  # fmt: skip


def _post_view(post: Post, membership: Membership | None, **extra):
    """A post, its text withheld when deleted or hidden from this caller."""
    if not policy.can_view_post_body(api_user, post, membership):
        extra.update(body=None, body_html=None)
    return annotate(post, **extra)


def _thread_view(thread_id: int):
    """The thread and its opening post (the other posts: GET /threads/{id}/posts)."""
    access = discussions.get_thread_for(api_user, thread_id)
    opening = reading.opening_post(thread_id)
    return annotate(
        access.item,
        # The opening post's author started the thread: no query of its own.
        author=opening.author if opening else None,
        opening_post=_post_view(opening, access.membership) if opening else None,
    )


@bp.route("/groups/<id:group_id>/threads")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_of(ThreadListItemSchema))
@bp.errors(404)
def list_threads(args: dict, group_id: int):
    """A group's threads: pinned first, then by last activity."""
    access = groups.get_group_for(api_user, group_id)
    pagination, rows = reading.list_threads(
        api_user, access, args["page"], per_page=args["per_page"]
    )
    items = [annotate(row.thread, unread_count=row.unread) for row in rows]
    return envelope(items, args, pagination.total or 0)


@bp.route("/groups/<id:group_id>/threads", methods=["POST"])
@bp.arguments(ThreadCreateSchema)
@bp.response(201, ThreadDetailSchema)
@bp.errors(403, 404)
def start_thread(args: dict, group_id: int):
    """Start a thread (members of the group); the body is its opening post."""
    thread = discussions.start_thread(api_user, group_id, args["title"], args["body"])
    return _thread_view(thread.id)


@bp.route("/threads/<id:thread_id>")
@bp.response(200, ThreadDetailSchema)
@bp.errors(404)
def get_thread(thread_id: int):
    """A thread and its opening post; page through all its posts with GET /threads/{id}/posts."""
    return _thread_view(thread_id)


@bp.route("/threads/<id:thread_id>/posts")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_of(PostSchema))
@bp.errors(404)
def list_posts(args: dict, thread_id: int):
    """Every post of the thread, oldest first (the opening post first); `parent_id`: the tree."""
    membership = discussions.get_thread_for(api_user, thread_id).membership
    return paginate(
        reading.posts_query(thread_id), args,
        lambda posts: [_post_view(p, membership) for p in posts],
    )  # fmt: skip


@bp.route("/threads/<id:thread_id>/posts", methods=["POST"])
@bp.arguments(ReplySchema)
@bp.response(201, PostSchema)
@bp.errors(403, 404)
def reply(args: dict, thread_id: int):
    """Reply to the thread, or to one of its posts (`parent_id`)."""
    post = discussions.reply(api_user, thread_id, args["body"], args["parent_id"])
    return annotate(post, author=api_user)


@bp.route("/posts/<id:post_id>", methods=["PATCH"])
@bp.arguments(PostEditSchema)
@bp.response(200, PostSchema)
@bp.errors(403, 404)
def edit_post(args: dict, post_id: int):
    """Change your own post's text; the old text is kept as a revision."""
    post = discussions.edit_post(api_user, post_id, args["body"])
    return annotate(post, author=api_user)


@bp.route("/posts/<id:post_id>", methods=["DELETE"])
@bp.response(204)
@bp.errors(403, 404)
def delete_post(post_id: int):
    """Delete your own post; it stays in the tree as deleted, replies kept."""
    discussions.delete_post(api_user, post_id)


@bp.route("/posts/<id:post_id>/revisions")
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_of(RevisionSchema))
@bp.errors(404)
def list_revisions(args: dict, post_id: int):
    """A post's earlier texts, newest first."""
    _post, revisions = discussions.post_revisions(api_user, post_id)
    return paginate_list(revisions, args)


def _flag_route(action: str, flag: str, summary: str):
    """POST /threads/{id}/<action>: set one thread flag; `{"value": false}` undoes it."""

    @bp.route(f"/threads/<id:thread_id>/{action}", methods=["POST"], endpoint=action)
    @bp.arguments(FlagArgs, required=False)
    @bp.response(200, ThreadDetailSchema)
    @bp.errors(403, 404)
    @bp.doc(summary=summary, description='Send `{"value": false}` to undo; no body means true.')
    def set_flag(args: dict, thread_id: int):
        discussions.set_thread_flag(api_user, thread_id, flag, args["value"])
        return _thread_view(thread_id)

    return set_flag


pin = _flag_route("pin", "pinned", "Pin the thread to the top of its group (facilitators).")
lock = _flag_route("lock", "locked", "Lock the thread: no new replies (facilitators).")
