"""Load-and-authorize for live sessions: one function for pages, API and sockets.

`get_session_for(user, session_id)` is the only way a session is loaded for
someone: one query loads the user (with their school), the session, its
group, the user's membership and their participant row (mute, raised hand).
The services that act in a session take the `LiveAccess` it returns as their
argument and check it with `may_take_part` or `may_facilitate` (pure: no
query). A socket event re-loads its user the same way, once, at the start
(`event_access`): membership can change mid-session. The rules themselves
stay in nic.policy; outsiders get NotFound.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from nic import policy
from nic.database import begin_write
from nic.errors import (
    ChatLocked,
    EmailUnconfirmed,
    Muted,
    NotFound,
    NotLive,
    PermissionDenied,
    Unauthenticated,
)
from nic.extensions import db
from nic.models import LiveSession, Membership, Participant, School, SessionStatus, User
from nic.policy import Actor
from nic.services.access import Access, refusal

SESSION_NOT_FOUND = "No such session."


@dataclass(frozen=True)
class LiveAccess(Access[LiveSession]):
    """One user's standing in one session: `item` is the session, `user` its loaded user."""

    user: User
    participant: Participant | None

    @property
    def is_facilitator(self) -> bool:
        return policy.can_facilitate_session(self.user, self.item, self.membership)


def _access_query(*, lock: bool) -> sa.Select:
    """The one query of `get_session_for`, with `user_id` and `session_id` as parameters.

    Inner joins from the user to the session, so the row lock can name the
    session (PostgreSQL refuses FOR UPDATE on the nullable side of an outer
    join); no row means no such user or no such session.
    """
    query = (
        sa.select(LiveSession, Membership, User, Participant)
        .select_from(User)
        .join(LiveSession, LiveSession.id == sa.bindparam("session_id"))
        .join(LiveSession.group)
        .outerjoin(User.school)
        .options(contains_eager(LiveSession.group), contains_eager(User.school))
        .outerjoin(
            Membership,
            sa.and_(Membership.group_id == LiveSession.group_id, Membership.user_id == User.id),
        )
        .outerjoin(
            Participant,
            sa.and_(Participant.session_id == LiveSession.id, Participant.user_id == User.id),
        )
        .where(User.id == sa.bindparam("user_id"))
    )
    return query.with_for_update(of=LiveSession) if lock else query


# Built once, not per event: constructing these selects (and their cache keys)
# cost about as much as executing them, on the path of every chat message.
_ACCESS_QUERIES = {False: _access_query(lock=False), True: _access_query(lock=True)}


def _load(user_id: int, session_id: int, lock: bool) -> LiveAccess | None:
    params = {"user_id": user_id, "session_id": session_id}
    row = db.session.execute(_ACCESS_QUERIES[lock], params).first()
    return LiveAccess(*row) if row is not None else None


def _visible(access: LiveAccess | None) -> LiveAccess:
    if access is None or not policy.can_view_session(access.user, access.item, access.membership):
        raise NotFound(SESSION_NOT_FOUND)
    return access


def get_session_for(
    user: Actor, session_id: int, *, write: bool = False, lock: bool = False
) -> LiveAccess:
    """The session as this user may see it, in one query; raises NotFound for outsiders.

    `write` begins the write transaction first (`begin_write`), so what the
    caller checks and what it then writes see the same state. `lock` (which
    implies `write`) also takes a row lock on the session (PostgreSQL: FOR
    UPDATE; SQLite writes are serialised already), so messages of one
    session are inserted and committed one at a time: ids then become
    visible in increasing order and a client catching up with `after_id`
    can never skip a late commit.
    """
    if not policy.is_signed_in(user):
        raise NotFound(SESSION_NOT_FOUND)
    if write or lock:
        begin_write()
    return _visible(_load(user.id, session_id, lock))


def event_user(user_id: int | None) -> User:
    """A socket's user, re-loaded for an event; raises Unauthenticated if gone or deactivated."""
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None or not user.is_active:
        raise Unauthenticated()
    return user


def event_access(user_id: int | None, session_id: int, *, lock: bool = False) -> LiveAccess:
    """A socket event's user and their access to its session, in one query.

    Raises Unauthenticated for a user who is gone or deactivated (asked
    before anything about the session, which an outsider may not learn),
    then NotFound as `get_session_for`. The write transaction begins first:
    nearly every event writes, and its checks must see what it writes over.
    """
    begin_write()
    access = _load(user_id, session_id, lock) if user_id is not None else None
    if access is None:
        event_user(user_id)  # no such user (Unauthenticated), or no such session
    elif not access.user.is_active:
        raise Unauthenticated()
    return _visible(access)


def may_take_part(access: LiveAccess, *, live: bool = True, speak: bool = False) -> LiveAccess:
    """The access if this member (or admin) may act; raises PermissionDenied, NotLive.

    `live` requires the session to be live; `speak` (chat messages,
    questions) also refuses muted participants and a locked chat, except
    for facilitators, who are never muted or locked out (ChatLocked, Muted), and
    anyone whose email address is not confirmed yet (EmailUnconfirmed).
    """
    if not policy.can_take_part_in_session(access.user, access.item, access.membership):
        raise PermissionDenied("Only members of this group can take part in its sessions.")
    if live and access.item.status != SessionStatus.LIVE.value:
        raise NotLive()
    if speak and not policy.can_speak_in_session(access.user, access.item, access.membership):
        raise refusal(access.user, "Only members of this group can take part in its sessions.")
    if speak and not access.is_facilitator:
        if access.participant is not None and access.participant.muted:
            raise Muted()
        if access.item.locked:
            raise ChatLocked()
    return access


def speaking_blocked(access: LiveAccess) -> str | None:
    """Why this member may not write in the chat or ask now, as the page says it before
    anyone types: "scheduled", "ended", "muted", "locked", "unconfirmed"; None if they may.

    The same rule as `may_take_part(speak=True)`, which the events enforce.
    """
    try:
        may_take_part(access, speak=True)
    except NotLive:
        return access.item.status
    except Muted:
        return "muted"
    except ChatLocked:
        return "locked"
    except EmailUnconfirmed:
        return "unconfirmed"
    return None


def may_facilitate(access: LiveAccess, *, live: bool = True) -> LiveAccess:
    """The access if this user facilitates the session; raises PermissionDenied, NotLive."""
    if not access.is_facilitator:
        raise PermissionDenied("Only the group's facilitators can do that.")
    if live and access.item.status != SessionStatus.LIVE.value:
        raise NotLive()
    return access


def get_session_to_facilitate(user: Actor, session_id: int, *, write: bool = False) -> LiveAccess:
    """`get_session_for`, then `may_facilitate` in any status (schedule, edit, record)."""
    return may_facilitate(get_session_for(user, session_id, write=write), live=False)


def person(user: User) -> dict:
    """A person as the protocol shows them (loads the school if the caller did not)."""
    if "school" in sa.inspect(user).unloaded:
        loaded = db.session.get(School, user.school_id) if user.school_id else None
        set_committed_value(user, "school", loaded)
    school = user.school
    return {
        "id": user.id,
        "name": user.name,
        "username": user.username,
        "job_role": user.job_role,
        "job_role_label": user.job_role_label,
        "school": {"id": school.id, "name": school.name} if school is not None else None,
    }
