"""The signed-in home page: my groups with unread counts, recent activity."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from nic.extensions import db
from nic.models import Group, Membership, Thread
from nic.policy import Actor
from nic.services import read_state

RECENT_LIMIT = 10


@dataclass(frozen=True)
class GroupSummary:
    group: Group
    membership: Membership
    unread: int


# Each page's statements are built once, with bind parameters: building one cost more
# than running it (docs/BENCHMARKS.md, "HTTP pages").


@functools.cache
def _my_groups_statement() -> sa.Select:
    return (
        sa.select(Membership)
        .join(Membership.group)
        .options(contains_eager(Membership.group))
        .where(Membership.user_id == sa.bindparam("user_id"))
        .order_by(Group.name)
    )


def my_groups(user: Actor) -> list[GroupSummary]:
    """The user's groups, each with its count of unread posts: one query, from counters."""
    memberships = db.session.scalars(_my_groups_statement(), {"user_id": user.id})
    return [GroupSummary(m.group, m, read_state.group_unread(m.group, m)) for m in memberships]


@functools.lru_cache(maxsize=64)
def _recent_statement(groups: int) -> sa.Select:
    """Each of `groups` groups (:g0, :g1, ...) gives its latest few; the newest of those."""
    latest = [
        sa.select(Thread.id, Thread.last_activity_at)
        .where(
            Thread.group_id == sa.bindparam(f"g{n}"),
            Thread.hidden.is_(False),
            Thread.post_count > 0,
        )
        .order_by(Thread.last_activity_at.desc())
        .limit(RECENT_LIMIT)
        .subquery()
        .select()
        for n in range(groups)
    ]
    candidates = sa.union_all(*latest).subquery()
    newest = (
        sa.select(candidates.c.id)
        .order_by(candidates.c.last_activity_at.desc())
        .limit(RECENT_LIMIT)
    )
    return (
        sa.select(Thread)
        .options(joinedload(Thread.group), joinedload(Thread.author))
        .where(Thread.id.in_(newest))
        .order_by(Thread.last_activity_at.desc())
    )


def recent_threads(user: Actor, group_ids: list[int]) -> list[Thread]:
    """The most recently active threads across the user's groups: one query.

    Each group gives its own latest few from the (group, last activity)
    index and only those are merged, so the page never sorts a group's
    whole archive.
    """
    if not group_ids:
        return []
    params = {f"g{n}": group_id for n, group_id in enumerate(group_ids)}
    return list(db.session.scalars(_recent_statement(len(group_ids)), params))
