"""Load-and-authorize for the live chat and facilitation services, plus shared shapes.

Every socket event re-checks the user's right to act (membership can change
mid-session), so this is on the hot path of every chat message: one query
loads the user (with their school), the session, its group, the user's
membership and their participant row (mute, raised hand) together. A socket
event runs it once, at the start (`load_event_user`); the service it calls
then finds that access in the same transaction instead of asking again. The
rules themselves stay in nic.policy; outsiders get NotFound, exactly as
`live_sessions.get_session_for` answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, contains_eager, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from nic import policy
from nic.errors import ChatLocked, Muted, NotFound, NotLive, PermissionDenied
from nic.extensions import db
from nic.models import LiveSession, Membership, Participant, School, SessionStatus, User
from nic.policy import Actor


@dataclass(frozen=True)
class LiveAccess:
    """One user's standing in one session, loaded for one event."""

    user: User
    session: LiveSession
    membership: Membership | None
    participant: Participant | None

    @property
    def is_facilitator(self) -> bool:
        return policy.can_facilitate_session(self.user, self.session, self.membership)


def _access_query(*, lock: bool) -> sa.Select:
    """The one query of `load_access`, with `user_id` and `session_id` as parameters.

    Inner joins from the user to the session, so the row lock can name the
    session (PostgreSQL refuses FOR UPDATE on the nullable side of an outer
    join); no row means no such user or no such session.
    """
    query = (
        sa.select(User, LiveSession, Membership, Participant)
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
_USER_WITH_SCHOOL = (
    sa.select(User).options(joinedload(User.school)).where(User.id == sa.bindparam("user_id"))
)
# Where `load_event_user` leaves the access it loaded, for this transaction only.
_LOADED = "nic_live_access"


@dataclass(frozen=True)
class _Loaded:
    user_id: int
    session_id: int
    locked: bool
    access: LiveAccess | None  # None: no such session


def _query_access(user_id: int, session_id: int, lock: bool) -> _Loaded:
    params = {"user_id": user_id, "session_id": session_id}
    row = db.session.execute(_ACCESS_QUERIES[lock], params).first()
    return _Loaded(user_id, session_id, lock, LiveAccess(*row) if row is not None else None)


def forget_loaded(session: Session, transaction: Any) -> None:
    """A transaction-end listener (installed by the factory)."""
    # What a transaction read is not evidence in the next one.
    if transaction.parent is None:
        session.info.pop(_LOADED, None)


def load_event_user(user_id: int, session_id: int, *, lock: bool = False) -> User | None:
    """The user of a socket event about a session, with their access, in one query.

    Returns None for an unknown user. The access (or that there is no such
    session) stays with this transaction for the service the event calls,
    so the event runs one query where it would run two; `lock` as in
    `load_access`, which then answers from what was loaded here.
    """
    loaded = _query_access(user_id, session_id, lock)
    db.session.info[_LOADED] = loaded
    if loaded.access is not None:
        return loaded.access.user
    return db.session.scalar(_USER_WITH_SCHOOL, {"user_id": user_id})


def load_access(user: Actor, session_id: int, *, lock: bool = False) -> LiveAccess:
    """The session as this user may see it; raises NotFound for outsiders.

    `lock` takes a row lock on the session (PostgreSQL: FOR UPDATE; SQLite
    writes are serialised already), so messages of one session are inserted
    and committed one at a time: ids then become visible in increasing order
    and a client catching up with `after_id` can never skip a late commit.
    """
    if not policy.is_signed_in(user):
        raise NotFound("No such session.")
    loaded = db.session.info.pop(_LOADED, None)  # used once: later calls ask again
    if (
        loaded is None
        or (loaded.user_id, loaded.session_id) != (user.id, session_id)
        or (lock and not loaded.locked)
    ):
        loaded = _query_access(user.id, session_id, lock)
    access = loaded.access
    if access is None or not policy.can_view_session(
        access.user, access.session, access.membership
    ):
        raise NotFound("No such session.")
    return access


def access_to_take_part(
    user: Actor, session_id: int, *, live: bool = True, speak: bool = False, lock: bool = False
) -> LiveAccess:
    """A member's (or admin's) access; raises NotFound, PermissionDenied, NotLive.

    `live` requires the session to be live; `speak` (chat messages,
    questions) also refuses muted participants and a locked chat, except
    for facilitators, who are never muted or locked out (ChatLocked, Muted).
    """
    access = load_access(user, session_id, lock=lock)
    if not policy.can_take_part_in_session(user, access.session, access.membership):
        raise PermissionDenied("Only members of this group can take part in its sessions.")
    if live and access.session.status != SessionStatus.LIVE.value:
        raise NotLive()
    if speak and not access.is_facilitator:
        if access.participant is not None and access.participant.muted:
            raise Muted()
        if access.session.locked:
            raise ChatLocked()
    return access


def access_to_facilitate(user: Actor, session_id: int, *, live: bool = True) -> LiveAccess:
    """A facilitator's access; raises NotFound, PermissionDenied, NotLive."""
    access = load_access(user, session_id)
    if not access.is_facilitator:
        raise PermissionDenied("Only the group's facilitators can do that.")
    if live and access.session.status != SessionStatus.LIVE.value:
        raise NotLive()
    return access


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
