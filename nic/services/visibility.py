"""The SQL form of nic.policy's reading rules, for queries that list many things at once.

`policy` answers for one object already loaded; lists (notifications, search)
must apply the same rules inside the query, or pagination and totals would
leak what a page then hides. Each clause takes `admin` (a column, or a
Python bool for a known viewer) and the viewer's Membership row of the
group, outer-joined (its columns NULL for outsiders):

- group_seen:  policy.can_view_group (network groups, one's own, admins);
- thread_seen: policy.can_view_thread (not emptied by deletes; hidden only
  for the group's facilitators and admins);
- post_seen:   a post whose text may be shown (policy.can_view_post_body);
- practice_seen: policy.can_view_practice, for published practices (its
  authors, the network for a network-wide one, else its group's members).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from nic.models import Group, GroupRole, Post, Practice, PracticeStatus, Thread, Visibility

Admin = sa.ColumnElement[bool] | bool


def _admin(admin: Admin) -> sa.ColumnElement[bool]:
    if isinstance(admin, bool):
        return sa.true() if admin else sa.false()
    return admin


def facilitates(admin: Admin, membership: Any) -> sa.ColumnElement[bool]:
    return sa.or_(_admin(admin), membership.role == GroupRole.FACILITATOR.value)


def group_seen(admin: Admin, membership: Any) -> sa.ColumnElement[bool]:
    return sa.or_(
        _admin(admin),
        Group.visibility == Visibility.NETWORK.value,
        membership.user_id.is_not(None),
    )


def thread_seen(admin: Admin, membership: Any) -> sa.ColumnElement[bool]:
    return sa.and_(
        Thread.post_count > 0, sa.or_(Thread.hidden.is_(False), facilitates(admin, membership))
    )


def post_seen(admin: Admin, membership: Any) -> sa.ColumnElement[bool]:
    return sa.and_(
        Post.deleted_at.is_(None), sa.or_(Post.hidden.is_(False), facilitates(admin, membership))
    )


def practice_seen(
    admin: Admin, membership: Any, is_author: sa.ColumnElement[bool]
) -> sa.ColumnElement[bool]:
    return sa.and_(
        Practice.status == PracticeStatus.PUBLISHED.value,
        sa.or_(
            Practice.group_id.is_(None), _admin(admin), membership.user_id.is_not(None), is_author
        ),
    )
