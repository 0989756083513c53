"""The dashboard's lists: threads no one has answered, and tries and practice cycles with
no report back, each a page at a time in two queries, only what the viewer may see."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from nic import policy
from nic.extensions import db
from nic.models import (
    Cycle,
    Group,
    Membership,
    Practice,
    PracticeAuthor,
    PracticeTry,
    School,
    Thread,
)
from nic.policy import Actor
from nic.services import cycles
from nic.services.visibility import group_seen, practice_seen

UNANSWERED_AFTER = timedelta(days=3)


def started_for_a_record(thread_id: sa.ColumnElement) -> sa.ColumnElement[bool]:
    """A thread the app opened as a PDSA cycle's or a practice's discussion: its opening
    post is the app's words, not a question anyone asked."""
    cycles_ = sa.select(Cycle.thread_id).where(Cycle.thread_id.is_not(None))
    practices_ = sa.select(Practice.thread_id).where(Practice.thread_id.is_not(None))
    return thread_id.in_(sa.union(cycles_, practices_))


@dataclass(frozen=True)
class ListPage:
    """One page of a dashboard list, and how many there are in all."""

    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    # What the pagination macro reads (as Flask-SQLAlchemy's Pagination offers).
    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    def iter_pages(self) -> Iterator[int | None]:
        """The first and last two pages and two either side of this one, None for a gap."""
        shown = [n for n in range(1, self.pages + 1)
                 if n <= 2 or n > self.pages - 2 or abs(n - self.page) <= 2]  # fmt: skip
        for n, after in zip(shown, [*shown[1:], None], strict=True):
            yield n
            if after is not None and after != n + 1:
                yield None


def _page(query: sa.Select, page: int, per_page: int) -> ListPage:
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    )
    items = list(db.session.execute(query.limit(per_page).offset((page - 1) * per_page)))
    return ListPage(items, total or 0, page, per_page)


def unanswered_threads(user: Actor, now: datetime, page: int, per_page: int) -> ListPage:
    """Threads the viewer may see, not hidden, started over three days ago and with no
    reply (not a cycle's or a practice's discussion), newest first: rows of (id, title,
    created_at, group_id, group_name). Two queries."""
    mine = sa.and_(Membership.group_id == Thread.group_id, Membership.user_id == user.id)
    query = (
        sa.select(Thread.id, Thread.title, Thread.created_at, Group.id.label("group_id"),
                  Group.name.label("group_name"))
        .join(Group, Group.id == Thread.group_id)
        .outerjoin(Membership, mine)
        .where(group_seen(policy.is_admin(user), Membership), Thread.hidden.is_(False),
               sa.not_(started_for_a_record(Thread.id)),
               Thread.post_count > 0, Thread.reply_count == 0,
               Thread.created_at < now - UNANSWERED_AFTER)
        .order_by(Thread.created_at.desc(), Thread.id.desc())
    )  # fmt: skip
    return _page(query, page, per_page)


def untold_tries(user: Actor, today: date, page: int, per_page: int) -> ListPage:
    """A school's try of a practice with no observations written, and a PDSA cycle started
    from a practice with nothing in its Study phase after its planned end: rows of (kind
    "try" or "cycle", id, practice id, practice title, school name, cycle title or None,
    since), the latest first. Two queries."""
    mine = sa.and_(Membership.group_id == Practice.group_id, Membership.user_id == user.id)
    is_author = sa.exists().where(
        PracticeAuthor.practice_id == Practice.id, PracticeAuthor.user_id == user.id
    )
    tries = (
        sa.select(sa.literal("try").label("kind"), PracticeTry.id.label("id"),
                  Practice.id.label("practice_id"), Practice.title.label("practice_title"),
                  School.name.label("school_name"), sa.null().label("cycle_title"),
                  PracticeTry.tried_on.label("since"))
        .join(Practice, Practice.id == PracticeTry.practice_id)
        .join(School, School.id == PracticeTry.school_id)
        .outerjoin(Membership, mine)
        .where(sa.func.coalesce(PracticeTry.observations, "") == "",
               practice_seen(policy.is_admin(user), Membership, is_author))
    )  # fmt: skip
    study_empty = sa.and_(
        sa.func.coalesce(Cycle.results, "") == "", sa.func.coalesce(Cycle.learned, "") == ""
    )
    started = (
        sa.select(sa.literal("cycle"), Cycle.id, Practice.id, Practice.title, School.name,
                  Cycle.title, Cycle.planned_end)
        .join(Practice, Practice.id == Cycle.practice_id)
        .join(School, School.id == Cycle.school_id)
        .outerjoin(Membership, mine)
        .where(Cycle.planned_end < today, study_empty, cycles.visible_clause(user),
               practice_seen(policy.is_admin(user), Membership, is_author))
    )  # fmt: skip
    both = sa.union_all(tries, started).subquery()
    query = sa.select(both).order_by(both.c.since.desc(), both.c.kind, both.c.id.desc())
    return _page(query, page, per_page)
