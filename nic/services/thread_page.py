"""The thread page's posts: one page of the reply tree, loaded as plain values.

A thread page shows up to a few hundred posts. Loading them as ORM objects
(a Post, its author and the author's school each, with identity-map
bookkeeping) cost more than the query itself, so the page reads its posts
as frozen `PostView`s from one Core query; what the page writes goes
through the services and the ORM as everywhere else. The statement is
built once, with bind parameters (building it cost more than running it).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from nic.extensions import db
from nic.models import Post, School, User
from nic.models.accounts import job_role_label
from nic.services.pagination import KnownTotalPagination
from nic.services.reading import (
    REPLIES_PER_PAGE,
    PostNode,
    branches,
    build_tree,
    opening_id,
    shown_clause,
)


@dataclass(frozen=True, slots=True)
class SchoolView:
    name: str


@dataclass(frozen=True, slots=True)
class AuthorView:
    """What a post card shows of its author (the fields of `User` it uses)."""

    id: int
    username: str
    name: str
    job_role: str
    school: SchoolView | None

    @property
    def job_role_label(self) -> str:
        return job_role_label(self.job_role)


@dataclass(frozen=True, slots=True)
class PostView:
    """A post as the thread page shows it; `nic.policy` asks the same fields of it as of Post."""

    id: int
    thread_id: int
    parent_id: int | None
    author_id: int
    author: AuthorView
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    deleted_at: datetime | None
    hidden: bool
    practice_links: str = ""

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


@dataclass
class ThreadPage:
    opening: PostView | None
    replies: list[PostNode]
    pagination: KnownTotalPagination
    # Every post on the page, the opening post included, oldest first.
    shown: list[PostView]


_COLUMNS = (
    Post.id, Post.thread_id, Post.parent_id, Post.author_id, Post.body_html, Post.created_at,
    Post.edited_at, Post.deleted_at, Post.hidden, Post.practice_links,
    User.username, User.name, User.job_role, School.name,
)  # fmt: skip


@functools.cache
def _page_statement() -> sa.Select:
    """The page's branches (replies to the thread and all under them), the opening post,
    their authors and schools, and the number of branches in the thread."""
    thread_id = sa.bindparam("thread_id", type_=sa.Integer)
    shown = shown_clause(thread_id)
    all_branches = branches(thread_id, shown)
    roots = all_branches.limit(sa.bindparam("limit")).offset(sa.bindparam("offset")).subquery()
    # The walk down takes every reply under the page's roots and `shown` is asked once, of
    # what it found: asked in the recursive step, SQLite built a Bloom filter over every post
    # in the network at each level (0.5 s at 1M posts, docs/BENCHMARKS.md). The same posts
    # are shown: under a post that is not shown, every reply is deleted and not shown either.
    tree = sa.select(roots.c.id).cte("branch", recursive=True)
    tree = tree.union_all(sa.select(Post.id).where(Post.parent_id == tree.c.id))
    total = sa.select(sa.func.count()).select_from(all_branches.subquery()).scalar_subquery()
    return (
        sa.select(*_COLUMNS, total)
        .join(User, User.id == Post.author_id)
        .outerjoin(School, School.id == User.school_id)
        .where(
            Post.thread_id == thread_id,
            sa.or_(
                Post.id == opening_id(thread_id),
                sa.and_(Post.id.in_(sa.select(tree.c.id)), shown),
            ),
        )
        .order_by(Post.id)
    )


def _view(row: sa.Row) -> PostView:
    (post_id, thread_id, parent_id, author_id, body_html, created_at, edited_at, deleted_at,
     hidden, links, username, name, job_role, school, _total) = row  # fmt: skip
    author = AuthorView(
        author_id, username, name, job_role, SchoolView(school) if school is not None else None
    )
    return PostView(
        post_id, thread_id, parent_id, author_id, author, body_html, created_at, edited_at,
        deleted_at, hidden, links,
    )  # fmt: skip


@functools.cache
def _posts_statement() -> sa.Select:
    """Some posts of one thread, with their authors, and the thread's opening post id."""
    thread_id = sa.bindparam("thread_id", type_=sa.Integer)
    return (
        sa.select(*_COLUMNS, opening_id(thread_id))
        .join(User, User.id == Post.author_id)
        .outerjoin(School, School.id == User.school_id)
        .where(Post.thread_id == thread_id, Post.id.in_(sa.bindparam("ids", expanding=True)))
    )


def load_reply(thread_id: int, post_id: int, parent_id: int | None) -> PostNode:
    """A reply just posted, as the thread page places it: with the post it answers
    (none for a reply to the thread or its opening post). One query."""
    params = {"thread_id": thread_id, "ids": [post_id, parent_id or post_id]}
    rows = {row[0]: row for row in db.session.execute(_posts_statement(), params)}
    post = _view(rows[post_id])
    parent = rows.get(parent_id or 0)
    answers = _view(parent) if parent is not None and parent[0] != parent[-1] else None
    return PostNode(post, depth=2 if answers else 1, in_reply_to=answers)


def load_page(thread_id: int, page: int) -> ThreadPage:
    """The opening post and one page of branches (a reply to the thread and all under it).

    One query, whatever the size of the thread.
    """
    page = max(page, 1)
    params = {
        "thread_id": thread_id,
        "limit": REPLIES_PER_PAGE,
        "offset": (page - 1) * REPLIES_PER_PAGE,
    }
    rows = db.session.execute(_page_statement(), params).all()
    posts = [_view(row) for row in rows]
    opening, replies = build_tree(posts)
    pagination = KnownTotalPagination(
        page=page, per_page=REPLIES_PER_PAGE, error_out=False,
        items=[node.post.id for node in replies], total=rows[0][-1] if rows else 0,
    )  # fmt: skip
    return ThreadPage(opening, replies, pagination, posts)
