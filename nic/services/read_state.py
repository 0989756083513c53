"""Read state and unread counts, kept as counters so that no page counts post rows.

How far a person has read a thread is one post id (`thread_read.last_read_post_id`):
everything up to it counts as read. Beside it these counters, kept in the
writer's transaction by the functions below (Discourse keeps a topic's
`highest_post_number` beside each reader's `last_read_post_number` in the same
spirit):

- `thread.post_count`: the thread's posts not deleted, the opening post included
  (0: every post is deleted and the thread is gone from its group);
- `thread.reply_count` (kept by nic.services.discussions): its replies not deleted;
- `thread_read.read_count`: how many of those lie at or below the reader's position;
- `peer_group.post_count`: posts not deleted in the group's threads not hidden;
- `membership.read_count`: the member's `read_count` summed over those threads;
- and, for the group page's pages, `peer_group.thread_count`: threads not hidden
  with a post not deleted.

Unread in a thread is `post_count - read_count`, in a group `post_count -
read_count` of the membership: the home page and the group page read a row
per group or thread, however long the archive. `recount_all` rebuilds every
counter from the rows (`flask --app wsgi recount-unread`).

Every counter moves by an SQL expression (`x = x + 1`), never by a value
read into Python, so concurrent writers cannot lose an update. A reply locks
its thread's row before its post is inserted, so a thread's post ids are
given out in commit order: once a position is recorded, no post at or below
it can still appear, and a count taken up to it stays true. One race is
left on PostgreSQL: a person's first read of a thread at the moment a post
in it is deleted can leave that person's count one too high until their
position next moves (or `recount_all`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value

from nic import policy
from nic.database import begin_write
from nic.extensions import db
from nic.models import Group, Membership, Post, Thread, ThreadRead, utcnow
from nic.policy import Actor, PostFacts
from nic.services.upsert import upsert


def _live_posts(thread_id: sa.ColumnElement, up_to: sa.ColumnElement | None = None) -> sa.Select:
    """COUNT of the thread's posts not deleted (at or below `up_to`), as a subquery."""
    query = sa.select(sa.func.count(Post.id)).where(
        Post.thread_id == thread_id, Post.deleted_at.is_(None)
    )
    if up_to is not None:
        query = query.where(Post.id <= up_to)
    return query


def _first_post(thread_id: sa.ColumnElement) -> sa.ScalarSelect:
    first = aliased(Post)
    query = sa.select(sa.func.min(first.id)).where(first.thread_id == thread_id)
    return query.correlate(Thread).scalar_subquery()


def _bump_group(thread: Thread, by: int | sa.ColumnElement, threads: int = 0) -> None:
    """Move the group's post count by `by` (and its thread count by `threads`), when the
    thread counts (is not hidden)."""
    if not thread.hidden:
        db.session.execute(
            sa.update(Group)
            .where(Group.id == thread.group_id)
            .values(post_count=Group.post_count + by, thread_count=Group.thread_count + threads)
        )


def thread_started(thread: Thread) -> None:
    """Count a thread just started (its opening post is counted by `post_added`)."""
    _bump_group(thread, 0, threads=1)


def post_added(thread: Thread, post: Post) -> None:
    """Count a post just added to the thread (its opening post or a reply), now its last."""
    db.session.execute(
        sa.update(Thread)
        .where(Thread.id == thread.id)
        .values(post_count=Thread.post_count + 1, last_post_id=post.id)
    )
    # A thread inserted in this transaction is not refreshed by the UPDATE: say it here.
    set_committed_value(thread, "last_post_id", post.id)
    _bump_group(thread, 1)


def post_deleted(thread: Thread, post: Post) -> None:
    """Uncount a post just deleted: from the thread, the group and every reader past it.

    The thread's last live post takes the thread out of its group's thread count too:
    a thread with nothing left to read is gone from the group (policy.can_view_thread).
    """
    left = db.session.execute(
        sa.update(Thread)
        .where(Thread.id == thread.id)
        .values(post_count=Thread.post_count - 1)
        .returning(Thread.post_count),
        execution_options={"synchronize_session": False},
    ).scalar_one()
    set_committed_value(thread, "post_count", left)
    _bump_group(thread, -1, threads=-1 if left == 0 else 0)
    past_it = sa.and_(ThreadRead.thread_id == thread.id, ThreadRead.last_read_post_id >= post.id)
    if not thread.hidden:
        db.session.execute(
            sa.update(Membership)
            .where(
                Membership.group_id == thread.group_id,
                Membership.user_id.in_(sa.select(ThreadRead.user_id).where(past_it)),
            )
            .values(read_count=Membership.read_count - 1)
        )
    db.session.execute(
        sa.update(ThreadRead).where(past_it).values(read_count=ThreadRead.read_count - 1)
    )


def thread_visibility_changed(thread: Thread, hidden: bool) -> None:
    """Take a thread just hidden out of its group's counts, or put it back when shown again."""
    sign = -1 if hidden else 1
    this = sa.select(Thread).where(Thread.id == thread.id).subquery()
    thread_posts = sa.select(this.c.post_count).scalar_subquery()
    # A thread with no live post left is not in the thread count (post_deleted).
    counted = sa.select(sa.case((this.c.post_count > 0, 1), else_=0)).scalar_subquery()
    db.session.execute(
        sa.update(Group)
        .where(Group.id == thread.group_id)
        .values(
            post_count=Group.post_count + sign * thread_posts,
            thread_count=Group.thread_count + sign * counted,
        )
    )
    theirs = (
        sa.select(ThreadRead.read_count)
        .where(ThreadRead.thread_id == thread.id, ThreadRead.user_id == Membership.user_id)
        .scalar_subquery()
    )
    db.session.execute(
        sa.update(Membership)
        .where(
            Membership.group_id == thread.group_id,
            Membership.user_id.in_(
                sa.select(ThreadRead.user_id).where(ThreadRead.thread_id == thread.id)
            ),
        )
        .values(read_count=Membership.read_count + sign * theirs)
    )


def thread_moved(thread: Thread, group_id: int) -> None:
    """Move a thread to another group, its posts and readers' counts with it."""
    if not thread.hidden:
        thread_visibility_changed(thread, hidden=True)
    thread.group_id = group_id
    db.session.flush()
    if not thread.hidden:
        thread_visibility_changed(thread, hidden=False)


def _read_in_group(user_id: int, group_id: int) -> sa.ScalarSelect:
    return (
        sa.select(sa.func.coalesce(sa.func.sum(ThreadRead.read_count), 0))
        .join(Thread, Thread.id == ThreadRead.thread_id)
        .where(
            ThreadRead.user_id == user_id,
            Thread.group_id == group_id,
            Thread.hidden.is_(False),
        )
        .scalar_subquery()
    )


def read_in_groups(user_ids: list[int], group_ids: list[int]) -> dict[tuple[int, int], int]:
    """What each of these people read of each of these groups, as `member_joined` counts it
    for one, in one query: {(user_id, group_id): count} (absent: nothing read)."""
    if not user_ids or not group_ids:
        return {}
    rows = db.session.execute(
        sa.select(ThreadRead.user_id, Thread.group_id, sa.func.sum(ThreadRead.read_count))
        .join(Thread, Thread.id == ThreadRead.thread_id)
        .where(
            ThreadRead.user_id.in_(user_ids),
            Thread.group_id.in_(group_ids),
            Thread.hidden.is_(False),
        )
        .group_by(ThreadRead.user_id, Thread.group_id)
    )
    return {(user_id, group_id): int(count or 0) for user_id, group_id, count in rows}


def member_joined(membership: Membership) -> None:
    """Start a new member's count from what they read of the group before joining."""
    membership.read_count = db.session.scalar(
        sa.select(_read_in_group(membership.user_id, membership.group_id))
    )


def _position(
    user_id: int | sa.BindParameter, thread_id: int | sa.BindParameter
) -> sa.ScalarSelect:
    return (
        sa.select(ThreadRead.last_read_post_id)
        .where(ThreadRead.user_id == user_id, ThreadRead.thread_id == thread_id)
        .scalar_subquery()
    )


@functools.cache
def _where_reading_statement() -> sa.Select:
    """`_where_reading`'s query, built once (building it cost more than running it)."""
    thread_id = sa.bindparam("thread_id", type_=sa.Integer)
    at = sa.func.coalesce(_position(sa.bindparam("user_id", type_=sa.Integer), thread_id), 0)
    first = sa.select(sa.func.min(Post.id)).where(
        Post.thread_id == thread_id,
        Post.id > at,
        Post.deleted_at.is_(None),
        Post.id.not_in(sa.bindparam("shown", expanding=True)),
    )
    return sa.select(at, first.scalar_subquery())


def _where_reading(
    user_id: int, thread_id: int, shown: Sequence[int] = ()
) -> tuple[int, int | None]:
    """(the position, the oldest post past it not deleted and not among `shown`): one query."""
    params = {"user_id": user_id, "thread_id": thread_id, "shown": list(shown)}
    row = db.session.execute(_where_reading_statement(), params).one()
    return row[0], row[1]


def mark_read(user_id: int, thread: Thread, post_id: int) -> None:
    """Move the position up to `post_id` (never back) and the counts with it.

    Part of the caller's write transaction. The upsert comes first and locks
    the row (on PostgreSQL), so the member's count moves by the difference
    between the new count and the one this update replaces, even when the
    same person reads the same thread in two tabs at once.
    """
    upsert(
        ThreadRead,
        {"user_id": user_id, "thread_id": thread.id, "last_read_post_id": post_id},
        index=["user_id", "thread_id"],
        update={
            "last_read_post_id": sa.case(
                (ThreadRead.last_read_post_id > post_id, ThreadRead.last_read_post_id),
                else_=post_id,
            ),
            "read_at": utcnow(),
        },
    )
    row = sa.and_(ThreadRead.user_id == user_id, ThreadRead.thread_id == thread.id)
    read_now = _live_posts(thread.id, ThreadRead.last_read_post_id).where(row).scalar_subquery()
    if not thread.hidden:
        counted = sa.select(ThreadRead.read_count).where(row).scalar_subquery()
        db.session.execute(
            sa.update(Membership)
            .where(Membership.group_id == thread.group_id, Membership.user_id == user_id)
            .values(read_count=Membership.read_count + read_now - counted),
            execution_options={"synchronize_session": False},
        )
    db.session.execute(
        sa.update(ThreadRead)
        .where(row)
        .values(read_count=_live_posts(thread.id, ThreadRead.last_read_post_id).scalar_subquery()),
        execution_options={"synchronize_session": False},
    )


def first_unread_post_id(user: Actor, thread: Thread) -> int | None:
    """Where the thread should open for this user (None: nothing unread; deleted posts skipped)."""
    return _where_reading(user.id, thread.id)[1]


def read_thread(
    user: Actor, thread: Thread, shown: Sequence[PostFacts] | None = None
) -> int | None:
    """Record that the user was shown `shown` (default: all of the thread); return the first unread.

    The first unread is the oldest post not deleted past the position as it
    was before this view (None: nothing was unread). The position moves only
    as far as the user has now seen every post: to just before the oldest
    unread post that was not shown. So a page read out of order never marks
    another page's posts as read, and a view that shows nothing new writes
    nothing: one query then, three more (and a commit) when it moves.
    """
    if not (policy.is_signed_in(user) and thread.last_post_id):
        return None
    if shown is None:
        before, first = _where_reading(user.id, thread.id)
        target = thread.last_post_id
    else:
        before, unseen = _where_reading(user.id, thread.id, [p.id for p in shown])
        on_page = [p.id for p in shown if p.id > before and not p.deleted]
        first = min([*on_page, *([unseen] if unseen else [])], default=None)
        target = thread.last_post_id if unseen is None else unseen - 1
    if target > before:
        begin_write()
        mark_read(user.id, thread, target)
        db.session.commit()
    return first


@functools.cache
def _read_counts_statement() -> sa.Select:
    return sa.select(ThreadRead.thread_id, ThreadRead.read_count).where(
        ThreadRead.user_id == sa.bindparam("user_id"),
        ThreadRead.thread_id.in_(sa.bindparam("thread_ids", expanding=True)),
    )


def thread_unread(user_id: int, threads: Iterable[Thread]) -> dict[int, tuple[int, bool]]:
    """thread id -> (unread posts, never opened), in one query."""
    threads = list(threads)
    if not threads:
        return {}
    params = {"user_id": user_id, "thread_ids": [t.id for t in threads]}
    read = dict(db.session.execute(_read_counts_statement(), params).all())
    return {t.id: (max(t.post_count - read.get(t.id, 0), 0), t.id not in read) for t in threads}


def group_unread(group: Group, membership: Membership) -> int:
    """Posts the member has not read in the group's visible threads."""
    return max(group.post_count - membership.read_count, 0)


def recount_all() -> None:
    """Rebuild every counter from the posts and read positions (repair; after bulk loads)."""
    begin_write()
    db.session.execute(
        sa.update(Thread).values(
            post_count=_live_posts(Thread.id).scalar_subquery(),
            # Replies: the live posts but the opening one (alive or not).
            reply_count=_live_posts(Thread.id)
            .where(Post.id != sa.func.coalesce(_first_post(Thread.id), 0))
            .scalar_subquery(),
        )
    )
    db.session.execute(
        sa.update(ThreadRead).values(
            read_count=_live_posts(
                ThreadRead.thread_id, ThreadRead.last_read_post_id
            ).scalar_subquery()
        )
    )
    group_posts = (
        sa.select(sa.func.coalesce(sa.func.sum(Thread.post_count), 0))
        .where(Thread.group_id == Group.id, Thread.hidden.is_(False))
        .scalar_subquery()
    )
    group_threads = (
        sa.select(sa.func.count(Thread.id))
        .where(Thread.group_id == Group.id, Thread.hidden.is_(False), Thread.post_count > 0)
        .scalar_subquery()
    )
    db.session.execute(sa.update(Group).values(post_count=group_posts, thread_count=group_threads))
    db.session.execute(
        sa.update(Membership).values(
            read_count=_read_in_group(Membership.user_id, Membership.group_id)
        )
    )
    db.session.commit()
