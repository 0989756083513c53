"""The SQL form of nic.policy's reading rules, for queries that list many things at once.

`policy` answers for one object already loaded; lists (notifications, search)
must apply the same rules inside the query, or pagination and totals would
leak what a page then hides. Each clause takes `admin` (a column, or a
Python bool for a known viewer) and the viewer's Membership row of the
group, outer-joined (its columns NULL for outsiders):

- group_seen:  policy.can_view_group (network groups, one's own, admins);

and, in subquery form for a column holding a group's id (no join needed):

- group_listed / group_ids_seen: the groups a viewer may see;
- in_visible_group: a group's id the viewer may see, or None (the network's own
  diagram and cycles).
- thread_seen: policy.can_view_thread (not emptied by deletes; hidden only
  for the group's facilitators and admins);
- post_seen:   a post whose text may be shown (policy.can_view_post_body);
- practice_seen: policy.can_view_practice, for published practices (its
  authors, the network for a network-wide one, else its group's members).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from nic import policy
from nic.models import (
    Group,
    GroupRole,
    Membership,
    Post,
    Practice,
    PracticeStatus,
    Thread,
    Visibility,
)
from nic.policy import Actor

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


def group_listed(viewer_id: int | sa.BindParameter) -> sa.ColumnElement[bool]:
    """The groups a member who is not an admin may see (network groups and their own), as a
    condition on Group; `viewer_id` may be a bind parameter, for statements built once."""
    mine = sa.select(Membership.group_id).where(Membership.user_id == viewer_id)
    return sa.or_(Group.visibility == Visibility.NETWORK.value, Group.id.in_(mine))


def group_ids_seen(user: Actor) -> sa.Select:
    """The ids of the groups a signed-in user may see (every group, for admins)."""
    query = sa.select(Group.id)
    return query if policy.is_admin(user) else query.where(group_listed(user.id))


def in_visible_group(user: Actor, group_id: sa.ColumnElement) -> sa.ColumnElement[bool]:
    """`group_id` None (the network's) or a group the user may see: policy.can_view_cycle
    and can_view_diagram in SQL, for any column holding a group's id."""
    if not policy.is_signed_in(user):
        return sa.false()
    if policy.is_admin(user):
        return sa.true()
    return sa.or_(group_id.is_(None), group_id.in_(group_ids_seen(user)))
