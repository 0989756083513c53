"""Peer groups: load-and-authorize, create, join, leave, manage members."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from nic import events, policy
from nic.database import begin_write
from nic.errors import Conflict, NotFound, PermissionDenied, ValidationError
from nic.extensions import db
from nic.models import (
    Group,
    GroupRole,
    JobRole,
    Membership,
    NotificationKind,
    School,
    User,
    Visibility,
    as_utc,
    utcnow,
)
from nic.policy import Actor
from nic.services import handles, notification_feed, notifications, read_state
from nic.services.access import Access, load_in_group, refusal
from nic.services.validation import clean_choice, clean_text
from nic.services.visibility import group_listed

T = TypeVar("T", bound=Any)
JOB_ROLES = [role.value for role in JobRole]
VISIBILITIES = [v.value for v in Visibility]
GROUP_ROLES = [r.value for r in GroupRole]
# A group page view moves "last visited" at most this often when nothing is new.
VISIT_REFRESH = timedelta(minutes=5)
GROUP_NAME_MAX = 120
DESCRIPTION_MAX = 2000


# The access every group service takes (nic.services.access).
GroupAccess = Access[Group]


def get_group_for(user: Actor, group_id: int) -> GroupAccess:
    """The group if this user may see it, with their membership: one query; raises NotFound."""
    return load_in_group(user, Group, group_id, policy.can_view_group, "No such group.")


def get_group_to_manage(user: Actor, group_id: int) -> GroupAccess:
    access = get_group_for(user, group_id)
    if not policy.can_manage_group(user, access.group, access.membership):
        raise PermissionDenied("Only the group's facilitators can do that.")
    return access


def visible_groups_query(user: Actor) -> sa.Select:
    """Groups this user may see, for lists (network groups and their own)."""
    query = sa.select(Group).order_by(Group.name)
    if policy.is_admin(user):
        return query
    return query.where(group_listed(user.id))


def memberships_by_group(user: Actor, group_ids: list[int]) -> dict[int, Membership]:
    if not group_ids or not policy.is_signed_in(user):
        return {}
    rows = db.session.scalars(
        sa.select(Membership).where(
            Membership.user_id == user.id, Membership.group_id.in_(group_ids)
        )
    )
    return {m.group_id: m for m in rows}


@dataclass(frozen=True)
class GroupFields:
    name: str
    description: str
    job_roles: list[str]
    visibility: str


def _clean_group(fields: GroupFields, group_id: int | None = None) -> GroupFields:
    name = clean_text("name", fields.name, max_length=GROUP_NAME_MAX)
    description = clean_text(
        "description", fields.description, max_length=DESCRIPTION_MAX, required=False
    )
    if not isinstance(fields.job_roles, list):
        raise ValidationError("job_roles", "Must be a list of job roles.")
    roles = [clean_choice("job_roles", r, JOB_ROLES) for r in fields.job_roles]
    visibility = clean_choice("visibility", fields.visibility, VISIBILITIES)
    # SQLite's lower() folds ASCII only: compare the exact name too, which is
    # what the unique index enforces (else "Øst" twice is an IntegrityError).
    clash = sa.select(Group.id).where(
        sa.or_(Group.name == name, sa.func.lower(Group.name) == name.lower())
    )
    if group_id is not None:
        clash = clash.where(Group.id != group_id)
    if db.session.scalar(clash) is not None:
        raise ValidationError("name", "A group with that name already exists.")
    return GroupFields(name, description, list(dict.fromkeys(roles)), visibility)


def may_create_group(actor: Actor) -> None:
    """Raises PermissionDenied unless this person may create groups."""
    if not policy.can_create_group(actor):
        raise refusal(actor, "Only facilitators and administrators can create groups.")


def create_group(actor: Actor | None, fields: GroupFields) -> Group:
    """Create a group; the creator (when a person) becomes its facilitator."""
    begin_write()
    if actor is not None:
        may_create_group(actor)
    clean = _clean_group(fields)
    group = Group(
        name=clean.name, slug=handles.unique_slug(clean.name), description=clean.description,
        visibility=clean.visibility,
    )  # fmt: skip
    group.job_roles = clean.job_roles
    db.session.add(group)
    try:
        db.session.flush()
    except sa.exc.IntegrityError as exc:
        # Someone created the same name a moment ago (PostgreSQL; SQLite serialises).
        db.session.rollback()
        raise ValidationError("name", "A group with that name already exists.") from exc
    if actor is not None:
        db.session.add(
            Membership(group_id=group.id, user_id=actor.id, role=GroupRole.FACILITATOR.value)
        )
    db.session.commit()
    return group


def update_group(actor: Actor, group_id: int, fields: GroupFields) -> Group:
    begin_write()
    group = get_group_to_manage(actor, group_id).group
    clean = _clean_group(fields, group_id=group.id)
    if clean.name != group.name:
        # Mentions written before keep linking to the group: they link by id.
        group.slug = handles.unique_slug(clean.name, group.id)
    group.name, group.description, group.visibility = (
        clean.name,
        clean.description,
        clean.visibility,
    )
    group.job_roles = clean.job_roles
    db.session.commit()
    return group


def change_group(actor: Actor, group_id: int, changes: dict[str, object]) -> Group:
    """Update only the fields given (the API's PATCH); the others keep their values.

    Same rules and errors as `update_group`.
    """
    begin_write()
    group = get_group_to_manage(actor, group_id).group
    current = GroupFields(group.name, group.description, group.job_roles, group.visibility)
    return update_group(actor, group_id, replace(current, **changes))


def join_group(user: Actor, group_id: int) -> Membership:
    begin_write()
    access = get_group_for(user, group_id)
    if access.membership is not None:
        raise Conflict("You are already a member of this group.")
    if not policy.can_join_group(user, access.group, access.membership):
        raise PermissionDenied("This group is private: a facilitator adds its members.")
    membership = Membership(group_id=group_id, user_id=user.id, role=GroupRole.MEMBER.value)
    read_state.member_joined(membership)
    db.session.add(membership)
    db.session.commit()
    return membership


def leave_group(user: Actor, group: int | GroupAccess) -> GroupAccess:
    """Leave a group (its id, or its access already loaded); what it was, for the message."""
    begin_write()
    access = group if isinstance(group, Access) else get_group_for(user, group)
    if not policy.can_leave_group(user, access.membership):
        raise Conflict("You are not a member of this group.")
    db.session.delete(access.membership)
    db.session.commit()
    # Leaving a group also means leaving its live sessions, at once.
    events.member_removed(access.group.id, user.id)
    return access


def add_member(actor: Actor, group_id: int, user_id: int, role: str) -> Membership:
    """A facilitator (or admin) adds someone, or changes their group role.

    `actor` None is a trusted caller (the CLI, the demo loader).
    """
    begin_write()
    if actor is None:
        if db.session.get(Group, group_id) is None:
            raise NotFound("No such group.")
    else:
        get_group_to_manage(actor, group_id)
    role = clean_choice("role", role, GROUP_ROLES)
    person = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if person is None:
        raise ValidationError("user_id", "No member has that id.")
    membership, told = place_member(actor, group_id, person, role)
    db.session.commit()
    notification_feed.publish_counts(told)
    return membership


def place_member(
    actor: Actor, group_id: int, person: User, role: str
) -> tuple[Membership, set[int]]:
    """Make `person` a member of the group in `role` (or change their role), without a
    commit: the caller has authorized `actor` and commits, then publishes the counts of
    those told (the returned ids). Raises ValidationError for a deactivated account."""
    if not person.is_active_account:
        raise ValidationError("user_id", "That account is deactivated: it cannot join groups.")
    membership = db.session.get(Membership, (group_id, person.id))
    was = membership.role if membership is not None else None
    if membership is None:
        membership = Membership(group_id=group_id, user_id=person.id, role=role)
        read_state.member_joined(membership)
        db.session.add(membership)
    else:
        membership.role = role
    return membership, _tell_of_role(group_id, person.id, actor, was, role)


def _tell_of_role(
    group_id: int, user_id: int, actor: Actor, was: str | None, role: str
) -> set[int]:
    """Tell someone they were added, or made a facilitator, by someone else (not by the
    set-up: the CLI or the demo loader, `actor` None)."""
    if not policy.is_signed_in(actor):
        return set()
    if role == GroupRole.FACILITATOR.value and was != role:
        kind = NotificationKind.MADE_FACILITATOR
    elif was is None:
        kind = NotificationKind.GROUP_ADDED
    else:
        return set()
    return notifications.group_role_given(group_id, user_id, actor.id, kind)


def remove_member(actor: Actor, group_id: int, user_id: int) -> None:
    begin_write()
    access = get_group_for(actor, group_id)
    is_self = policy.is_signed_in(actor) and actor.id == user_id
    if not is_self and not policy.can_manage_group(actor, access.group, access.membership):
        raise PermissionDenied("Only the group's facilitators can remove members.")
    membership = db.session.get(Membership, (group_id, user_id))
    if membership is None:
        raise NotFound("That person is not a member of this group.")
    db.session.delete(membership)
    db.session.commit()
    # Anyone removed from a group leaves its live sessions at once.
    events.member_removed(group_id, user_id)


def members_query(group_id: int) -> sa.Select:
    return (
        sa.select(Membership)
        .options(joinedload(Membership.user).joinedload(User.school).joinedload(School.district))
        .join(Membership.user)
        .where(Membership.group_id == group_id)
        # Facilitators first, then everyone by name.
        .order_by(sa.case((Membership.role == GroupRole.FACILITATOR.value, 0), else_=1), User.name)
    )


def people_to_add(
    group_id: int, search: str | None = None, limit: int | None = None
) -> list[tuple[User, bool]]:
    """Active accounts, by name, with their schools, each with whether they are in the group.

    What a facilitator chooses from to add someone (or change a member's role): one query.
    `search` keeps those whose name, username, email or school contains it (any case).
    """
    query = (
        sa.select(User, Membership.user_id.is_not(None))
        .options(joinedload(User.school))
        .outerjoin(
            Membership, sa.and_(Membership.group_id == group_id, Membership.user_id == User.id)
        )
        .where(User.is_active_account.is_(True))
        .order_by(User.name, User.id)
        .limit(limit)
    )
    if search:
        text = search.lower()
        query = query.outerjoin(School, School.id == User.school_id).where(
            sa.or_(
                *(
                    sa.func.lower(column).contains(text, autoescape=True)
                    for column in (User.name, User.username, User.email, School.name)
                )
            )
        )
    return [(user, bool(is_member)) for user, is_member in db.session.execute(query)]


def get_member(group_id: int, user_id: int) -> Membership:
    """One membership with the person and their school loaded; raises NotFound."""
    membership = db.session.scalar(members_query(group_id).where(Membership.user_id == user_id))
    if membership is None:
        raise NotFound("That person is not a member of this group.")
    return membership


def mark_visited(membership: Membership | None, newest_activity: datetime | None) -> None:
    """Remember when the member opened the group page ("new since last visit").

    Written only when it changes what the page will show: something happened
    since the last visit, or the last visit is more than VISIT_REFRESH old
    (as Discourse does), so reloading the page writes nothing.
    """
    if membership is None:
        return
    now = utcnow()
    visited = as_utc(membership.last_visited_at) if membership.last_visited_at else None
    stale = visited is None or now - visited >= VISIT_REFRESH
    news = newest_activity is not None and visited is not None and as_utc(newest_activity) > visited
    if not (stale or news):
        return
    begin_write()
    membership.last_visited_at = now
    db.session.commit()
