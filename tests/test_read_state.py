"""Unread (and thread) counts come from counters, which always equal a count of the rows.

The oracle here is what the pages computed before the counters: count every
post not deleted past the reader's position. Random sequences of what
members do (start threads, reply, read pages out of order, delete, hide and
show threads, join and leave, read before joining) must leave every
counter equal to it, and `recount_all` (and the migration's backfill) must
rebuild the same values (tests/test_migrations.py).
"""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from nic.errors import ServiceError
from nic.extensions import db
from nic.models import Group, Membership, Post, Thread, ThreadRead
from nic.services import discussions, groups, read_state
from tests.factories import make_group, make_reply, make_thread, make_user


def counted_unread(user_id: int, thread_ids: list[int]) -> int:
    """Posts not deleted past the user's position in these threads, counted row by row."""
    read = sa.orm.aliased(ThreadRead)
    return db.session.scalar(
        sa.select(sa.func.count(Post.id))
        .outerjoin(read, sa.and_(read.thread_id == Post.thread_id, read.user_id == user_id))
        .where(
            Post.thread_id.in_(thread_ids),
            Post.deleted_at.is_(None),
            Post.id > sa.func.coalesce(read.last_read_post_id, 0),
        )
    )


def thread_posts(thread_id: int) -> sa.Select:
    return sa.select(Post).where(Post.thread_id == thread_id)


def counters() -> dict[str, list[tuple]]:
    """Every counter in the database, for comparing two moments."""
    tables = {
        "thread": (Thread.id, Thread.post_count, Thread.reply_count),
        "group": (Group.id, Group.post_count, Group.thread_count),
        "read": (ThreadRead.user_id, ThreadRead.thread_id, ThreadRead.read_count),
        "member": (Membership.user_id, Membership.group_id, Membership.read_count),
    }
    return {
        name: [tuple(row) for row in db.session.execute(sa.select(*cols).order_by(*cols))]
        for name, cols in tables.items()
    }


def assert_counts_match_rows(people, group_ids) -> None:
    db.session.expire_all()
    for user in people:
        threads = list(db.session.scalars(sa.select(Thread).where(Thread.group_id.in_(group_ids))))
        shown = read_state.thread_unread(user.id, threads)
        for thread in threads:
            assert shown[thread.id][0] == counted_unread(user.id, [thread.id]), (user.name, thread)
            # "N replies" counts the replies not deleted (issue 17).
            first = min(p.id for p in db.session.scalars(thread_posts(thread.id)))
            live = [p for p in db.session.scalars(thread_posts(thread.id)) if not p.deleted]
            assert thread.reply_count == len([p for p in live if p.id != first]), thread.id
        for membership in db.session.scalars(
            sa.select(Membership).where(Membership.user_id == user.id)
        ):
            group = db.session.get(Group, membership.group_id)
            # A thread whose every post is deleted is gone from its group (issue 17).
            visible = [
                t.id for t in threads if t.group_id == group.id and not t.hidden and t.post_count
            ]
            assert group.thread_count == len(visible), group.name
            expected = counted_unread(user.id, visible)
            assert read_state.group_unread(group, membership) == expected, (user.name, group.name)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_counters_equal_a_count_of_the_rows_after_anything_members_do(app, seed):
    rng = random.Random(seed)
    facilitator = make_user("Fran Facilitator", job_role="facilitator")
    members = [make_user(f"Member {n}") for n in range(3)]
    outsider = make_user("Olive Outsider")  # reads the open group before joining it
    people = [facilitator, *members, outsider]
    group_ids = [
        make_group(f"Group {n}", facilitator=facilitator, members=members).id for n in range(2)
    ]
    threads = [make_thread(db.session.get(Group, gid), members[0]).id for gid in group_ids]

    def posts_of(thread_id: int) -> list[Post]:
        return list(
            db.session.scalars(sa.select(Post).where(Post.thread_id == thread_id).order_by(Post.id))
        )

    def step() -> None:
        user = rng.choice(people)
        thread_id = rng.choice(threads)
        thread = db.session.get(Thread, thread_id)
        action = rng.choice(["reply", "reply", "reply", "read", "read", "read_some", "start",
                             "delete", "hide", "join", "leave"])  # fmt: skip
        if action == "start":
            threads.append(discussions.start_thread(user, rng.choice(group_ids), "T", "Body").id)
        elif action == "reply":
            parent = rng.choice(posts_of(thread_id)) if rng.random() < 0.5 else None
            discussions.reply(user, thread_id, "A reply", parent.id if parent else None)
        elif action == "read":
            read_state.read_thread(user, thread)
        elif action == "read_some":
            posts = posts_of(thread_id)
            read_state.read_thread(user, thread, rng.sample(posts, k=rng.randint(1, len(posts))))
        elif action == "delete":
            post = rng.choice(posts_of(thread_id))
            discussions.delete_post(db.session.get(type(user), post.author_id), post.id)
        elif action == "hide":
            discussions.set_thread_flag(facilitator, thread_id, "hidden", not thread.hidden)
        elif action == "join":
            groups.join_group(user, thread.group_id)
        elif action == "leave" and user is not facilitator:
            groups.leave_group(user, thread.group_id)

    for _ in range(120):
        try:
            step()
        except ServiceError:
            db.session.rollback()  # not allowed (already a member, hidden thread, ...): fine
        assert_counts_match_rows(people, group_ids)
    kept = counters()
    read_state.recount_all()
    db.session.expire_all()
    assert counters() == kept


def test_reading_writes_only_when_the_position_moves(app, count_queries):
    reader, writer = make_user("Reader"), make_user("Writer")
    thread = make_thread(make_group(members=[reader, writer]), writer)
    make_reply(thread, writer)
    assert read_state.read_thread(reader, thread) is not None
    with count_queries() as again:
        assert read_state.read_thread(reader, thread) is None
    assert again.count == 1
    assert not [s for s in again.statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]


def test_hiding_or_moving_a_thread_with_no_live_post_keeps_the_thread_counts(app):
    """A thread whose every post is deleted is already out of its group's count (issue 17)."""
    facilitator, writer = make_user(job_role="facilitator"), make_user()
    group = make_group(facilitator=facilitator, members=[writer])
    other = make_group(facilitator=facilitator, members=[writer])
    gone = make_thread(group, writer)
    make_thread(group, writer, title="Stays")
    discussions.delete_post(writer, db.session.scalars(thread_posts(gone.id)).first().id)
    thread = db.session.get(Thread, gone.id)
    read_state.thread_moved(thread, other.id)
    read_state.thread_visibility_changed(thread, hidden=True)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Group, group.id).thread_count == 1
    assert db.session.get(Group, other.id).thread_count == 0
    kept = counters()
    read_state.recount_all()
    assert counters() == kept
