"""Reading discussions: the reply tree and thread listings (read state: nic.services.read_state).

Every query here is written so a page runs a constant number of them,
whatever the size of the thread or group.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload

from nic import policy
from nic.extensions import db
from nic.models import Post, School, Thread, User, as_utc
from nic.policy import Actor
from nic.services import read_state
from nic.services.groups import GroupAccess
from nic.services.pagination import KnownTotalPagination

# A Post or anything with its id and parent_id (nic.services.thread_page.PostView).
P = TypeVar("P", bound=Any)

# Replies nest to this depth; deeper replies stay flat with an "in reply to" link.
MAX_DEPTH = 4
THREADS_PER_PAGE = 25
# A thread page holds this many replies to the thread, each with all the replies under it.
REPLIES_PER_PAGE = 20


def author_options() -> sa.orm.Load:
    """Load a post's author with school and district: the post header shows them."""
    return joinedload(Post.author).joinedload(User.school).joinedload(School.district)


@dataclass
class PostNode:
    """A post placed in the reply tree (a Post, or a PostView on the thread page)."""

    post: Any
    depth: int
    children: list[PostNode] = field(default_factory=list)
    # The post it answers, for every reply to a reply: its card says "in reply to NAME",
    # since indentation alone is lost on a phone and below MAX_DEPTH (issue 17).
    in_reply_to: Any = None


def posts_query(thread_id: int) -> sa.Select:
    """A thread's posts, oldest first, with their authors (the API pages through it)."""
    query = sa.select(Post).options(author_options()).where(Post.thread_id == thread_id)
    return query.order_by(Post.id)


def opening_post(thread_id: int) -> Post | None:
    """The post that started the thread, its author loaded: one query."""
    return db.session.scalars(posts_query(thread_id).limit(1)).first()


def opening_id(thread_id: int | sa.BindParameter) -> sa.ScalarSelect:
    return sa.select(sa.func.min(Post.id)).where(Post.thread_id == thread_id).scalar_subquery()


def shown_clause(thread_id: int | sa.BindParameter) -> sa.ColumnElement[bool]:
    """The thread's posts the page shows: every post not deleted, and a deleted one only
    while a post not deleted answers it or a reply under it (a "Post deleted" placeholder
    keeps the tree readable); a deleted post with nothing live under it is gone, as in
    Discourse. Use it once per statement (it holds a named CTE).

    The walk starts from the live posts whose parent is deleted (few) and goes up,
    so it costs next to nothing in a thread with no deletions.
    """
    deleted = sa.select(Post.id).where(Post.thread_id == thread_id, Post.deleted_at.is_not(None))
    up = (
        sa.select(Post.parent_id.label("id"))
        .where(Post.thread_id == thread_id, Post.deleted_at.is_(None), Post.parent_id.in_(deleted))
        .cte("above_live", recursive=True)
    )
    above = aliased(Post)
    up = up.union(
        sa.select(above.parent_id).where(above.id == up.c.id, above.parent_id.is_not(None))
    )
    return sa.or_(Post.deleted_at.is_(None), Post.id.in_(sa.select(up.c.id)))


def branches(
    thread_id: int | sa.BindParameter, shown: sa.ColumnElement[bool] | None = None
) -> sa.Select:
    """The thread's replies to the thread itself that the page shows (the roots of the reply
    tree), oldest first; `shown` is the statement's `shown_clause` if it has one already."""
    opening = opening_id(thread_id)
    return (
        sa.select(Post.id)
        .where(
            Post.thread_id == thread_id,
            Post.id != opening,
            sa.or_(Post.parent_id.is_(None), Post.parent_id == opening),
            shown if shown is not None else shown_clause(thread_id),
        )
        .order_by(Post.id)
    )


def page_of_post(thread_id: int, post_id: int) -> int:
    """The thread page that shows the post (1 for the opening post or an unknown id)."""
    up = (
        sa.select(Post.id, Post.parent_id)
        .where(Post.id == post_id, Post.thread_id == thread_id)
        .cte("ancestor", recursive=True)
    )
    up = up.union_all(sa.select(Post.id, Post.parent_id).where(Post.id == up.c.parent_id))
    opening = opening_id(thread_id)
    # The ancestor that answers the thread itself (the opening post: itself).
    root = (
        sa.select(up.c.id)
        .where(sa.or_(up.c.parent_id.is_(None), up.c.parent_id == opening))
        .order_by(up.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    earlier_branches = branches(thread_id).where(Post.id < root).subquery()
    earlier = db.session.scalar(sa.select(sa.func.count()).select_from(earlier_branches))
    return (earlier or 0) // REPLIES_PER_PAGE + 1


def build_tree(posts: Sequence[P]) -> tuple[P | None, list[PostNode]]:
    """Split the opening post from the replies and nest the replies (oldest first in)."""
    if not posts:
        return None, []
    opening, replies = posts[0], posts[1:]
    by_id = {p.id: p for p in posts}
    children: dict[int | None, list[P]] = {}
    for post in replies:
        parent = post.parent_id if post.parent_id in by_id else None
        # Replies to the opening post sit at the top level of the replies.
        if parent == opening.id:
            parent = None
        children.setdefault(parent, []).append(post)

    def descendants(post_id: int) -> list[P]:
        found: list[P] = []
        stack = list(reversed(children.get(post_id, [])))
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(reversed(children.get(current.id, [])))
        return found

    def nest(post: P, depth: int, parent: P | None = None) -> PostNode:
        node = PostNode(post, depth, in_reply_to=parent)
        if depth < MAX_DEPTH:
            node.children = [nest(child, depth + 1, post) for child in children.get(post.id, [])]
        else:
            node.children = [
                PostNode(d, depth + 1, in_reply_to=by_id.get(d.parent_id or 0))
                for d in descendants(post.id)
            ]
        return node

    return opening, [nest(post, 1) for post in children.get(None, [])]


@dataclass(frozen=True)
class ThreadRow:
    thread: Thread
    unread: int  # posts not yet read by this user
    never_opened: bool
    active_since_visit: bool


@functools.cache
def _listing_statement(with_hidden: bool) -> sa.Select:
    """A page of a group's threads, built once (building it cost more than running it)."""
    query = (
        sa.select(Thread)
        .options(joinedload(Thread.author))
        .where(Thread.group_id == sa.bindparam("group_id"), Thread.post_count > 0)
        .order_by(Thread.pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc())
    )
    if not with_hidden:
        query = query.where(Thread.hidden.is_(False))
    return query.limit(sa.bindparam("limit")).offset(sa.bindparam("offset"))


@functools.cache
def _all_threads_count() -> sa.Select:
    return sa.select(sa.func.count(Thread.id)).where(
        Thread.group_id == sa.bindparam("group_id"), Thread.post_count > 0
    )


def list_threads(
    user: Actor, access: GroupAccess, page: int, per_page: int = THREADS_PER_PAGE
) -> tuple[object, list[ThreadRow]]:
    """A page of the group's threads: pinned first, then by last activity."""
    group, membership = access.group, access.membership
    manager = policy.can_manage_group(user, group, membership)
    if manager:
        # Facilitators page through hidden threads too: an index-only count.
        total = db.session.scalar(_all_threads_count(), {"group_id": group.id})
    else:
        total = group.thread_count
    page = max(page, 1)
    params = {"group_id": group.id, "limit": per_page, "offset": (page - 1) * per_page}
    threads = list(db.session.scalars(_listing_statement(manager), params))
    pagination = KnownTotalPagination(
        page=page, per_page=per_page, error_out=False, items=threads, total=total
    )
    counts = read_state.thread_unread(user.id, threads)
    visited = as_utc(membership.last_visited_at) if membership else None
    rows = [
        ThreadRow(
            thread=t,
            unread=counts.get(t.id, (0, True))[0],
            never_opened=counts.get(t.id, (0, True))[1],
            active_since_visit=visited is not None and as_utc(t.last_activity_at) > visited,
        )
        for t in threads
    ]
    return pagination, rows
