"""The lists behind the dashboard's participation figures and its learning matrix: the
posts a school's people wrote (or only their replies to another school's people), the
live sessions they attended, and one school's tries of another's practices, in the
window. Each list is read from the very statement its figure counts (nic.services.
dashboard), with the row's filters added, so a list always holds what its figure says;
a page at a time, two queries each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from nic import policy
from nic.extensions import db
from nic.models import (
    Group,
    LiveSession,
    Membership,
    Participant,
    Post,
    Practice,
    PracticeAuthor,
    PracticeTry,
    School,
    Thread,
    User,
)
from nic.policy import Actor
from nic.services.dashboard_lists import ListPage, started_for_a_record
from nic.services.visibility import group_seen, post_seen, practice_seen, thread_seen


def viewer_membership(user: Actor, group_id: sa.ColumnElement) -> sa.ColumnElement[bool]:
    return sa.and_(Membership.group_id == group_id, Membership.user_id == user.id)


@dataclass(frozen=True)
class PostsSeen:
    """Posts written since `since` that the viewer may see, with their author, whether a
    reply, and the author it answers (the parent post's, else the thread's). The opening
    post of a cycle's or a practice's discussion is the app's, not anyone's: left out."""

    user: Actor
    since: datetime
    author: type[User]
    answered: type[User]
    parent: type[Post]

    @property
    def is_reply(self) -> sa.ColumnElement[bool]:
        first = aliased(Post)
        opening = sa.select(sa.func.min(first.id)).where(first.thread_id == Post.thread_id)
        return Post.id != opening.scalar_subquery()

    @property
    def across(self) -> sa.ColumnElement[bool]:
        """A reply to someone of another school (both with a school)."""
        return sa.and_(self.is_reply, self.author.school_id.is_not(None),
                       self.answered.school_id.is_not(None),
                       self.author.school_id != self.answered.school_id)  # fmt: skip

    def select(self, *columns: sa.ColumnElement) -> sa.Select:
        admin = policy.is_admin(self.user)
        answered_id = sa.func.coalesce(self.parent.author_id, Thread.author_id)
        return (
            sa.select(*columns)
            .select_from(Post)
            .join(Thread, Thread.id == Post.thread_id)
            .join(Group, Group.id == Thread.group_id)
            .outerjoin(Membership, viewer_membership(self.user, Thread.group_id))
            .join(self.author, self.author.id == Post.author_id)
            .outerjoin(self.parent, self.parent.id == Post.parent_id)
            .join(self.answered, self.answered.id == answered_id)
            .where(Post.created_at >= self.since,
                   sa.or_(self.is_reply, sa.not_(started_for_a_record(Thread.id))),
                   group_seen(admin, Membership), thread_seen(admin, Membership),
                   post_seen(admin, Membership))
        )  # fmt: skip


def posts_seen(user: Actor, since: datetime) -> PostsSeen:
    return PostsSeen(user, since, aliased(User), aliased(User), aliased(Post))


def attendance_seen(user: Actor, since: datetime, now: datetime,
                    *columns: sa.ColumnElement) -> sa.Select:  # fmt: skip
    """Attendance at the sessions of groups the viewer may see, starting in the window."""
    admin = policy.is_admin(user)
    return (
        sa.select(*columns)
        .select_from(Participant)
        .join(LiveSession, LiveSession.id == Participant.session_id)
        .join(Group, Group.id == LiveSession.group_id)
        .outerjoin(Membership, viewer_membership(user, LiveSession.group_id))
        .join(User, User.id == Participant.user_id)
        .where(LiveSession.starts_at >= since, LiveSession.starts_at <= now,
               group_seen(admin, Membership))
    )  # fmt: skip


PRACTICE_AUTHOR = aliased(User, name="practice_author")


def tries_seen(user: Actor, since: datetime, *columns: sa.ColumnElement) -> sa.Select:
    """Tries recorded since `since` of practices the viewer may see, joined to the
    practice's first author (PRACTICE_AUTHOR)."""
    is_author = sa.exists().where(
        PracticeAuthor.practice_id == Practice.id, PracticeAuthor.user_id == user.id
    )
    admin = policy.is_admin(user)
    return (
        sa.select(*columns)
        .select_from(PracticeTry)
        .join(Practice, Practice.id == PracticeTry.practice_id)
        .join(PRACTICE_AUTHOR, PRACTICE_AUTHOR.id == Practice.created_by_id)
        .outerjoin(Membership, viewer_membership(user, Practice.group_id))
        .where(PracticeTry.created_at >= since, practice_seen(admin, Membership, is_author))
    )


@dataclass(frozen=True)
class Filter:
    """Whose activity: a school's people (`school_id` None: people with no school),
    optionally of one job role; for posts, only replies across schools (`across`), or
    only replies to one school's people (`to_school_id`, the matrix's cells)."""

    school_id: int | None
    job_role: str | None = None
    across: bool = False
    to_school_id: int | None = None


def _whose(column: sa.ColumnElement, role: sa.ColumnElement, found: Filter) -> list:
    where = [column.is_(None) if found.school_id is None else column == found.school_id]
    if found.job_role:
        where.append(role == found.job_role)
    return where


@dataclass(frozen=True)
class PostItem:
    id: int
    created_at: datetime
    thread_id: int
    thread_title: str
    author: str
    answered: str | None  # whom it replies to (None: it started the thread)


def posts_of(user: Actor, since: datetime, found: Filter, page: int,
             per_page: int) -> ListPage:  # fmt: skip
    """The posts behind a participation figure, newest first."""
    seen = posts_seen(user, since)
    where = _whose(seen.author.school_id, seen.author.job_role, found)
    if found.across or found.to_school_id is not None:
        where.append(seen.across)
    if found.to_school_id is not None:
        where.append(seen.answered.school_id == found.to_school_id)
    total = db.session.scalar(seen.select(sa.func.count()).where(*where)) or 0
    rows = db.session.execute(
        seen.select(Post.id, Post.created_at, Thread.id, Thread.title, seen.author.name,
                    sa.case((seen.is_reply, seen.answered.name)))
        .where(*where)
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    )  # fmt: skip
    return ListPage([PostItem(*row) for row in rows], total, page, per_page)


@dataclass(frozen=True)
class AttendanceItem:
    session_id: int
    title: str
    starts_at: datetime
    person: str


def attendance_of(user: Actor, since: datetime, now: datetime, found: Filter, page: int,
                  per_page: int) -> ListPage:  # fmt: skip
    """The attendances behind a sessions figure, latest session first."""
    where = _whose(User.school_id, User.job_role, found)
    total = db.session.scalar(attendance_seen(user, since, now, sa.func.count()).where(*where))
    rows = db.session.execute(
        attendance_seen(user, since, now, LiveSession.id, LiveSession.title,
                        LiveSession.starts_at, User.name)
        .where(*where)
        .order_by(LiveSession.starts_at.desc(), LiveSession.id.desc(), User.name)
        .limit(per_page).offset((page - 1) * per_page)
    )  # fmt: skip
    return ListPage([AttendanceItem(*row) for row in rows], total or 0, page, per_page)


@dataclass(frozen=True)
class TryItem:
    practice_id: int
    practice_title: str
    created_at: datetime


def tries_of(user: Actor, since: datetime, school_id: int, from_school_id: int, page: int,
             per_page: int) -> ListPage:  # fmt: skip
    """A school's tries of another school's practices (a matrix cell's other half)."""
    where = [PracticeTry.school_id == school_id, PRACTICE_AUTHOR.school_id == from_school_id]
    total = db.session.scalar(tries_seen(user, since, sa.func.count()).where(*where))
    rows = db.session.execute(
        tries_seen(user, since, Practice.id, Practice.title, PracticeTry.created_at)
        .where(*where)
        .order_by(PracticeTry.created_at.desc(), PracticeTry.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    )  # fmt: skip
    return ListPage([TryItem(*row) for row in rows], total or 0, page, per_page)


def school_name(school_id: int | None) -> str | None:
    """The school's name (None: no such school); "No school" for people without one."""
    if school_id is None:
        return "No school"
    school = db.session.get(School, school_id)
    return school.name if school else None
