"""The signed-in home page: my groups with unread counts, recent activity."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from nic.extensions import db
from nic.models import Group, Membership, Post, Thread, ThreadRead
from nic.policy import Actor
from nic.services.groups import visible_groups_query

RECENT_LIMIT = 10


@dataclass(frozen=True)
class GroupSummary:
    group: Group
    membership: Membership
    unread: int


def my_groups(user: Actor) -> list[GroupSummary]:
    """The user's groups, each with its count of unread posts: two queries."""
    memberships = list(
        db.session.scalars(
            sa.select(Membership)
            .join(Membership.group)
            .options(contains_eager(Membership.group))
            .where(Membership.user_id == user.id)
            .order_by(Group.name)
        )
    )
    group_ids = [m.group_id for m in memberships]
    unread: dict[int, int] = {}
    if group_ids:
        read = sa.orm.aliased(ThreadRead)
        rows = db.session.execute(
            sa.select(Thread.group_id, sa.func.count(Post.id))
            .join(Post, Post.thread_id == Thread.id)
            .outerjoin(read, sa.and_(read.thread_id == Thread.id, read.user_id == user.id))
            .where(
                Thread.group_id.in_(group_ids),
                Thread.hidden.is_(False),
                Post.deleted_at.is_(None),
                Post.id > sa.func.coalesce(read.last_read_post_id, 0),
            )
            .group_by(Thread.group_id)
        )
        unread = {group_id: count for group_id, count in rows}
    return [GroupSummary(m.group, m, unread.get(m.group_id, 0)) for m in memberships]


def recent_threads(user: Actor, group_ids: list[int]) -> list[Thread]:
    """The most recently active threads across the user's groups."""
    if not group_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Thread)
            .options(joinedload(Thread.group), joinedload(Thread.author))
            .where(Thread.group_id.in_(group_ids), Thread.hidden.is_(False))
            .order_by(Thread.last_activity_at.desc())
            .limit(RECENT_LIMIT)
        )
    )


def recent_posts_by(user_id: int, viewer: Actor, limit: int = 10) -> list[Post]:
    """A member's latest posts, limited to groups the viewer may see."""
    visible = visible_groups_query(viewer).with_only_columns(Group.id).order_by(None)
    return list(
        db.session.scalars(
            sa.select(Post)
            .join(Post.thread)
            .options(contains_eager(Post.thread).joinedload(Thread.group))
            .where(
                Post.author_id == user_id,
                Post.deleted_at.is_(None),
                Post.hidden.is_(False),
                Thread.hidden.is_(False),
                Thread.group_id.in_(visible),
            )
            .order_by(Post.id.desc())
            .limit(limit)
        )
    )
