"""A member's profile: the groups of theirs the viewer may see, and their posts there.

Both lists follow `policy.can_view_group` in SQL (`group_ids_seen`): a private
group, and every post in it, shows only to its members and to admins. The page
runs the same few queries however much the member has written.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from nic.extensions import db
from nic.models import Group, Membership, Post, Thread
from nic.policy import Actor
from nic.services.pagination import window_paginate
from nic.services.visibility import group_ids_seen

POSTS_PER_PAGE = 20


def groups_of(user_id: int, viewer: Actor) -> list[Membership]:
    """The member's memberships in groups the viewer may see, by group name; one query."""
    return list(
        db.session.scalars(
            sa.select(Membership)
            .join(Membership.group)
            .options(contains_eager(Membership.group))
            .where(Membership.user_id == user_id, Group.id.in_(group_ids_seen(viewer)))
            .order_by(Group.name)
        )
    )


def posts_by(user_id: int, viewer: Actor, page: int, per_page: int = POSTS_PER_PAGE):
    """A page of the member's posts, newest first, in threads the viewer may see (not
    hidden, in a group they may see); deleted and hidden posts left out. Two queries.

    The thread test is a correlated EXISTS, so the newest of the member's posts are
    tried one by one until a page is full; as a join, SQLite built a Bloom filter over
    every thread in the network first (docs/BENCHMARKS.md). The count stops ten pages on
    (window_paginate): counting all of a prolific member's posts cost 120 ms at 1M posts.
    """
    shown_thread = (
        sa.select(Thread.id)
        .where(
            Thread.id == Post.thread_id,
            Thread.hidden.is_(False),
            Thread.group_id.in_(group_ids_seen(viewer)),
        )
        .exists()
    )
    query = (
        sa.select(Post)
        .options(joinedload(Post.thread).joinedload(Thread.group))
        .where(
            Post.author_id == user_id,
            Post.deleted_at.is_(None),
            Post.hidden.is_(False),
            shown_thread,
        )
        .order_by(Post.id.desc())
    )
    return window_paginate(query, page, per_page)
