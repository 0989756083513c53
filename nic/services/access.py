"""One user's standing towards one thing: a group, or something that belongs to one.

`Access[T]` is what every load-and-authorize function returns and what the
services that act on the thing take as their argument: the thing (`item`),
its group, and the user's membership of that group (None for outsiders and
admins who are not members). Loading it is one query; the rules are asked of
nic.policy. Live sessions extend it with the user and their participant row
(nic.services.live.access.LiveAccess).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from nic import policy
from nic.errors import EmailUnconfirmed, NotFound, PermissionDenied
from nic.extensions import db
from nic.models import Group, Membership
from nic.policy import Actor

T = TypeVar("T")


@dataclass(frozen=True)
class Access(Generic[T]):
    """A thing as one user sees it: the thing and their membership of its group."""

    item: T
    membership: Membership | None

    @property
    def group(self) -> Group:
        item: Any = self.item
        return item if isinstance(item, Group) else item.group


@functools.cache
def _with_membership(model: type) -> sa.Select:
    """A `model` row (a group, or a thing with its group) by id, with the membership of the
    user `:user_id` beside it (None for outsiders). Built once per model: building the
    statement cost more than running it."""
    query = sa.select(model).where(model.id == sa.bindparam("object_id"))
    if model is not Group:
        query = query.join(model.group).options(contains_eager(model.group))
    mine = sa.and_(Membership.group_id == Group.id, Membership.user_id == sa.bindparam("user_id"))
    return query.add_columns(Membership).outerjoin(Membership, mine)


def load_in_group(
    user: Actor, model: type[T], object_id: int, can_view: Callable[..., bool], missing: str
) -> Access[T]:
    """Load a group, or a thing that belongs to one (a thread), for this user.

    One query loads it with its group and the user's membership. Raises
    NotFound, with the same message, when it does not exist or
    `can_view(user, thing, membership)` says no: outsiders learn nothing.
    """
    params = {"object_id": object_id, "user_id": user.id if policy.is_signed_in(user) else None}
    row = db.session.execute(_with_membership(model), params).first()
    if row is None or not can_view(user, row[0], row[1]):
        raise NotFound(missing)
    return Access(row[0], row[1])


def refusal(user: Actor, message: str) -> PermissionDenied:
    """What to raise when a rule for writing says no: EmailUnconfirmed while the user's
    address waits for its link (policy.may_write), else PermissionDenied(message)."""
    if policy.is_signed_in(user) and not policy.may_write(user):
        return EmailUnconfirmed()
    return PermissionDenied(message)


A = TypeVar("A")


def load_with_parent(
    model: type[T], object_id: int, parent_access: Callable[[T], A], missing: str
) -> tuple[T, A]:
    """A thing that hangs on another (a post on its thread, a file on its practice) and the
    user's access to that other (`parent_access(thing)`).

    Raises NotFound with the thing's own message whether it is missing or its parent is
    not the user's to see: "No such thread." would tell an outsider a private post is there.
    """
    thing = db.session.get(model, object_id)
    if thing is None:
        raise NotFound(missing)
    try:
        return thing, parent_access(thing)
    except NotFound:
        raise NotFound(missing) from None
