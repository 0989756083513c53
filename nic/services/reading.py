"""Reading discussions: the reply tree and thread listings (read state: nic.services.read_state).

Every query here is written so a page runs a constant number of them,
whatever the size of the thread or group.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload

from nic import policy
from nic.extensions import db
from nic.models import Post, School, Thread, User, as_utc
from nic.policy import Actor
from nic.services import read_state
from nic.services.groups import GroupAccess

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
    """A post placed in the reply tree."""

    post: Post
    depth: int
    children: list[PostNode] = field(default_factory=list)
    # Set when the post is shown flat below MAX_DEPTH: the post it answers.
    in_reply_to: Post | None = None


def posts_query(thread_id: int) -> sa.Select:
    """A thread's posts, oldest first, with their authors (the API pages through it)."""
    query = sa.select(Post).options(author_options()).where(Post.thread_id == thread_id)
    return query.order_by(Post.id)


def opening_post(thread_id: int) -> Post | None:
    """The post that started the thread, its author loaded: one query."""
    return db.session.scalars(posts_query(thread_id).limit(1)).first()


def _opening_id(thread_id: int | sa.BindParameter) -> sa.ScalarSelect:
    return sa.select(sa.func.min(Post.id)).where(Post.thread_id == thread_id).scalar_subquery()


def _branches(thread_id: int | sa.BindParameter) -> sa.Select:
    """The thread's replies to the thread itself (the roots of the reply tree), oldest first."""
    opening = _opening_id(thread_id)
    return (
        sa.select(Post.id)
        .where(
            Post.thread_id == thread_id,
            Post.id != opening,
            sa.or_(Post.parent_id.is_(None), Post.parent_id == opening),
        )
        .order_by(Post.id)
    )


@dataclass
class ThreadPage:
    opening: Post | None
    replies: list[PostNode]
    pagination: object  # Flask-SQLAlchemy's Pagination over the page's branches
    # Every post on the page, the opening post included, oldest first.
    shown: list[Post]


class _BranchPagination(Pagination):
    """Flask-SQLAlchemy's Pagination over branches counted by `load_page`'s own query."""

    def _query_items(self) -> list[Any]:
        return self._query_args["items"]

    def _query_count(self) -> int:
        return self._query_args["total"]


@functools.cache
def _page_statement() -> sa.Select:
    """`load_page`'s query, built once (building it cost more than running it)."""
    thread_id = sa.bindparam("thread_id", type_=sa.Integer)
    branches = _branches(thread_id)
    roots = branches.limit(sa.bindparam("limit")).offset(sa.bindparam("offset")).subquery()
    tree = sa.select(roots.c.id).cte("branch", recursive=True)
    tree = tree.union_all(sa.select(Post.id).where(Post.parent_id == tree.c.id))
    total = sa.select(sa.func.count()).select_from(branches.subquery()).scalar_subquery()
    return (
        sa.select(Post, total)
        # The page shows each author's school, not its district.
        .options(joinedload(Post.author).joinedload(User.school))
        .where(
            Post.thread_id == thread_id,
            sa.or_(Post.id == _opening_id(thread_id), Post.id.in_(sa.select(tree.c.id))),
        )
        .order_by(Post.id)
    )


def load_page(thread_id: int, page: int) -> ThreadPage:
    """The opening post and one page of branches (a reply to the thread and all under it).

    One query, whatever the size: the page's branches (a recursive query on
    `parent_id` from the page's replies to the thread) with the opening
    post, the authors and the number of branches in the whole thread.
    """
    page = max(page, 1)
    params = {
        "thread_id": thread_id,
        "limit": REPLIES_PER_PAGE,
        "offset": (page - 1) * REPLIES_PER_PAGE,
    }
    rows = db.session.execute(_page_statement(), params).all()
    posts = [post for post, _total in rows]
    opening, replies = build_tree(posts)
    pagination = _BranchPagination(
        page=page, per_page=REPLIES_PER_PAGE, error_out=False,
        items=[node.post.id for node in replies], total=rows[0][1] if rows else 0,
    )  # fmt: skip
    return ThreadPage(opening, replies, pagination, posts)


def page_of_post(thread_id: int, post_id: int) -> int:
    """The thread page that shows the post (1 for the opening post or an unknown id)."""
    up = (
        sa.select(Post.id, Post.parent_id)
        .where(Post.id == post_id, Post.thread_id == thread_id)
        .cte("ancestor", recursive=True)
    )
    up = up.union_all(sa.select(Post.id, Post.parent_id).where(Post.id == up.c.parent_id))
    opening = _opening_id(thread_id)
    # The ancestor that answers the thread itself (the opening post: itself).
    root = (
        sa.select(up.c.id)
        .where(sa.or_(up.c.parent_id.is_(None), up.c.parent_id == opening))
        .order_by(up.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    earlier_branches = _branches(thread_id).where(Post.id < root).subquery()
    earlier = db.session.scalar(sa.select(sa.func.count()).select_from(earlier_branches))
    return (earlier or 0) // REPLIES_PER_PAGE + 1


def build_tree(posts: list[Post]) -> tuple[Post | None, list[PostNode]]:
    """Split the opening post from the replies and nest the replies."""
    if not posts:
        return None, []
    opening, replies = posts[0], posts[1:]
    by_id = {p.id: p for p in posts}
    children: dict[int | None, list[Post]] = {}
    for post in replies:
        parent = post.parent_id if post.parent_id in by_id else None
        # Replies to the opening post sit at the top level of the replies.
        if parent == opening.id:
            parent = None
        children.setdefault(parent, []).append(post)

    def descendants(post_id: int) -> list[Post]:
        found: list[Post] = []
        stack = list(reversed(children.get(post_id, [])))
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(reversed(children.get(current.id, [])))
        return found

    def nest(post: Post, depth: int) -> PostNode:
        node = PostNode(post, depth)
        if depth < MAX_DEPTH:
            node.children = [nest(child, depth + 1) for child in children.get(post.id, [])]
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


def list_threads(
    user: Actor, access: GroupAccess, page: int, per_page: int = THREADS_PER_PAGE
) -> tuple[object, list[ThreadRow]]:
    """A page of the group's threads: pinned first, then by last activity."""
    group, membership = access.group, access.membership
    query = (
        sa.select(Thread)
        .options(joinedload(Thread.author))
        .where(Thread.group_id == group.id)
        .order_by(Thread.pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc())
    )
    if not policy.can_manage_group(user, group, membership):
        query = query.where(Thread.hidden.is_(False))
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False)
    threads = list(pagination.items)
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
