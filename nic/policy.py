"""Who may see and do what: the only place permission rules live.

Every view, API endpoint, socket event and template asks these functions.
They are pure: they look only at the objects passed in (the caller loads the
user's membership once), so asking costs no SQL queries.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol, TypeGuard

from nic.models.accounts import JobRole

if TYPE_CHECKING:
    from nic.models import Group, LiveSession, Membership, Practice, Thread


class Person(Protocol):
    """Who is asking: a signed-in User (these are the fields the rules read)."""

    id: int
    is_admin: bool
    job_role: str
    school_id: int | None
    email_confirmed_at: datetime | None

    @property
    def is_authenticated(self) -> bool: ...


class Anonymous(Protocol):
    """Flask-Login's anonymous user: not signed in, nothing else to read."""

    @property
    def is_authenticated(self) -> bool: ...


# Every rule takes either (None counts as anonymous); `is_signed_in` tells them apart.
Actor = Person | Anonymous | None


class PostFacts(Protocol):
    """What the post rules look at: a Post, or the thread page's PostView."""

    id: int
    author_id: int
    hidden: bool

    @property
    def deleted(self) -> bool: ...


def is_signed_in(user: Actor) -> TypeGuard[Person]:
    return bool(user is not None and user.is_authenticated)


def may_write(user: Actor) -> bool:
    """Write anything others read (threads, replies, practices, try reports, chat, groups):
    only once the account's email address is confirmed. Every rule for writing asks this,
    so pages, the API and sockets all refuse alike (nic.services.access.refusal)."""
    return is_signed_in(user) and user.email_confirmed_at is not None


def is_admin(user: Actor) -> bool:
    return is_signed_in(user) and bool(user.is_admin)


def can_administer_network(user: Actor) -> bool:
    """Districts, schools, accounts: network administrators only."""
    return is_admin(user)


def can_view_dashboard(user: Actor) -> bool:
    """The facilitator's dashboard of the network's health: admins and facilitators."""
    return is_admin(user) or (is_signed_in(user) and user.job_role == JobRole.FACILITATOR.value)


def can_create_group(user: Actor) -> bool:
    return may_write(user) and (is_admin(user) or user.job_role == JobRole.FACILITATOR.value)


def can_view_group(user: Actor, group: Group, membership: Membership | None) -> bool:
    if not is_signed_in(user):
        return False
    return is_admin(user) or membership is not None or not group.is_private


def is_group_facilitator(user: Actor, membership: Membership | None) -> bool:
    return is_admin(user) or (membership is not None and membership.is_facilitator)


def can_mention_group(user: Actor, membership: Membership | None) -> bool:
    """Mention a whole group (@slug) in what one writes: its facilitators, and admins."""
    return is_group_facilitator(user, membership)


def can_manage_group(user: Actor, group: Group, membership: Membership | None) -> bool:
    """Edit the group, add and remove members, pin, lock and hide, run sessions."""
    return can_view_group(user, group, membership) and is_group_facilitator(user, membership)


def can_invite_to_group(user: Actor, group: Group, membership: Membership | None) -> bool:
    """Invite people by email to land in the group, resend and withdraw its invitations:
    its facilitators, and admins."""
    return may_write(user) and can_manage_group(user, group, membership)


def can_invite_to_network(user: Actor) -> bool:
    """Invite people to the network with no group, and everyone who has never signed in;
    see and manage every invitation: network administrators."""
    return may_write(user) and can_administer_network(user)


def can_join_group(user: Actor, group: Group, membership: Membership | None) -> bool:
    return is_signed_in(user) and membership is None and not group.is_private


def can_leave_group(user: Actor, membership: Membership | None) -> bool:
    return is_signed_in(user) and membership is not None


def _takes_part_in_group(user: Actor, group: Group, membership: Membership | None) -> bool:
    if not can_view_group(user, group, membership):
        return False
    return membership is not None or is_admin(user) or group.open_posting


def can_post_in_group(user: Actor, group: Group, membership: Membership | None) -> bool:
    """Start threads and reply: members (and admins) of the group, anyone in an open one."""
    return may_write(user) and _takes_part_in_group(user, group, membership)


def can_view_thread(user: Actor, thread: Thread, membership: Membership | None) -> bool:
    """A thread whose every post is deleted is gone, for everyone (its rows are kept)."""
    if thread.post_count <= 0 or not can_view_group(user, thread.group, membership):
        return False
    return not thread.hidden or can_manage_group(user, thread.group, membership)


def can_reply(user: Actor, thread: Thread, membership: Membership | None) -> bool:
    if not can_post_in_group(user, thread.group, membership):
        return False
    return not thread.locked or is_group_facilitator(user, membership)


def can_moderate_thread(user: Actor, thread: Thread, membership: Membership | None) -> bool:
    """Pin, lock and hide threads and posts."""
    return can_manage_group(user, thread.group, membership)


def can_edit_post(user: Actor, post: PostFacts) -> bool:
    return is_signed_in(user) and post.author_id == user.id and not post.deleted


def can_delete_post(user: Actor, post: PostFacts) -> bool:
    return can_edit_post(user, post)


def can_view_post_body(user: Actor, post: PostFacts, membership: Membership | None) -> bool:
    """Hidden posts stay in the tree, their text only for facilitators."""
    if post.deleted:
        return False
    return not post.hidden or is_group_facilitator(user, membership)


def can_view_session(user: Actor, session: LiveSession, membership: Membership | None) -> bool:
    return can_view_group(user, session.group, membership)


def can_take_part_in_session(
    user: Actor, session: LiveSession, membership: Membership | None
) -> bool:
    """Attend, raise a hand and vote: members of the session's group."""
    return _takes_part_in_group(user, session.group, membership)


def can_speak_in_session(user: Actor, session: LiveSession, membership: Membership | None) -> bool:
    """Chat and ask questions: those who take part, with a confirmed address."""
    return may_write(user) and can_take_part_in_session(user, session, membership)


def can_facilitate_session(
    user: Actor, session: LiveSession, membership: Membership | None
) -> bool:
    """Schedule, start, end, pin, delete, mute, lock, call on, polls."""
    return can_manage_group(user, session.group, membership)


def can_view_practice(
    user: Actor, practice: Practice, membership: Membership | None, is_author: bool
) -> bool:
    """Authors always; a draft nobody else; a group-only practice its group's members."""
    if not is_signed_in(user):
        return False
    if is_author:
        return True
    if not practice.is_published:
        return False
    return practice.group_id is None or is_admin(user) or membership is not None


def can_edit_practice(user: Actor, is_author: bool) -> bool:
    """Write, publish, revise, attach: the practice's authors (co-authors included)."""
    return may_write(user) and is_author


def can_write_practice(user: Actor) -> bool:
    """Start a new practice write-up."""
    return may_write(user)


def can_share_practice_in(user: Actor, membership: Membership | None) -> bool:
    """A group-only practice goes to a group its writer belongs to."""
    return is_signed_in(user) and membership is not None


def can_respond_to_practice(
    user: Actor, practice: Practice, membership: Membership | None, is_author: bool
) -> bool:
    """Mark it helpful, discuss it: anyone who may see it, once it is published."""
    return (
        may_write(user)
        and practice.is_published
        and can_view_practice(user, practice, membership, is_author)
    )


def can_report_try(
    user: Actor, practice: Practice, membership: Membership | None, is_author: bool
) -> bool:
    """Record that their school tried it: a member with a school who may respond."""
    return (
        can_respond_to_practice(user, practice, membership, is_author)
        and is_signed_in(user)
        and user.school_id is not None
    )


def can_view_profile(viewer: Actor, subject: object) -> bool:
    return is_signed_in(viewer)


def can_view_diagram(user: Actor, group: Group | None, membership: Membership | None) -> bool:
    """The network's aim and driver diagram: every signed-in member; a group's: who sees it."""
    if group is None:
        return is_signed_in(user)
    return can_view_group(user, group, membership)


def can_edit_diagram(user: Actor, group: Group | None, membership: Membership | None) -> bool:
    """Write the aim, change the diagram: the network's, its admins and facilitators;
    a group's, that group's facilitators (and admins)."""
    if not may_write(user):
        return False
    if group is None:
        return is_admin(user) or user.job_role == JobRole.FACILITATOR.value
    return can_manage_group(user, group, membership)


def can_view_cycle(user: Actor, group: Group | None, membership: Membership | None) -> bool:
    """A PDSA cycle: the network's members see it; one kept to a group, who sees that group."""
    if group is None:
        return is_signed_in(user)
    return can_view_group(user, group, membership)


def _writes_for_school(user: Actor, school_id: int | None) -> bool:
    """One of the school's own people (admins for any school)."""
    if not may_write(user) or school_id is None:
        return False
    return is_admin(user) or user.school_id == school_id


def can_plan_cycle_for(user: Actor, school_id: int | None) -> bool:
    """A cycle is planned by the school's own people (admins for any school)."""
    return _writes_for_school(user, school_id)


def can_edit_cycle(user: Actor, school_id: int, is_owner: bool) -> bool:
    """Its school's people and its co-owners (from any school) record its phases."""
    return may_write(user) and (is_admin(user) or user.school_id == school_id or is_owner)


def can_view_measure(user: Actor, group: Group | None, membership: Membership | None) -> bool:
    """A shared measure and its charts: as its diagram (the network's or the group's)."""
    return can_view_diagram(user, group, membership)


def can_define_measure(user: Actor, group: Group | None, membership: Membership | None) -> bool:
    """Define or change a measure: who edits the diagram it belongs beside."""
    return can_edit_diagram(user, group, membership)


def can_enter_points(user: Actor, school_id: int | None) -> bool:
    """A school's points on a measure are entered by its own team (admins for any school)."""
    return _writes_for_school(user, school_id)
