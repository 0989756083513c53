"""Reading notifications: the badge count, the page grouped by thread, marking read.

An entry is shown only while its owner may still see what it points at,
asked in the query: the SQL form of `policy.can_view_group`,
`can_view_thread` and `can_view_post_body`, with the owner's membership of
the entry's group joined in. So leaving a private group, a thread hidden by
its facilitators or a post deleted takes its entries off the page and the
badge at once, and a count for many owners is still one query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from nic import events
from nic.database import begin_write
from nic.errors import NotFound, ValidationError
from nic.extensions import db
from nic.models import (
    Group,
    LiveSession,
    Membership,
    Notification,
    NotificationKind,
    Post,
    Practice,
    Thread,
    User,
    utcnow,
)
from nic.policy import Person
from nic.services import visibility
from nic.services.pagination import KnownTotalPagination

TOPICS_PER_PAGE = 20
MARK_MAX_IDS = 100
Kind = NotificationKind

Owner = aliased(User, name="owner")  # whose notification it is
_Actor = aliased(User, name="actor")


def _joined(query: sa.Select) -> sa.Select:
    """`query` on Notification with what the visibility rule reads joined in."""
    return (
        query.select_from(Notification)
        .join(Owner, Owner.id == Notification.user_id)
        .outerjoin(Group, Group.id == Notification.group_id)
        .outerjoin(Thread, Thread.id == Notification.thread_id)
        .outerjoin(Post, Post.id == Notification.post_id)
        .outerjoin(Practice, Practice.id == Notification.practice_id)
        .outerjoin(LiveSession, LiveSession.id == Notification.session_id)
        .outerjoin(
            Membership,
            sa.and_(
                Membership.group_id == Notification.group_id,
                Membership.user_id == Notification.user_id,
            ),
        )
    )


def visible() -> sa.ColumnElement[bool]:
    """The owner may still see it (nic.services.visibility's rules; needs `_joined`)."""
    admin = Owner.is_admin.is_(True)
    return sa.and_(
        sa.or_(Notification.group_id.is_(None), visibility.group_seen(admin, Membership)),
        sa.or_(Notification.thread_id.is_(None), visibility.thread_seen(admin, Membership)),
        sa.or_(Notification.post_id.is_(None), visibility.post_seen(admin, Membership)),
        # Practices and sessions: the group rule above, and the row still there (they are
        # told only to authors, who may always see their practice, and to members).
        sa.or_(Notification.practice_id.is_(None), Practice.id.is_not(None)),
        sa.or_(Notification.session_id.is_(None), LiveSession.id.is_not(None)),
    )


def _unread_of(user_ids: list[int]) -> sa.Select:
    return _joined(
        sa.select(Notification.user_id, sa.func.count()).group_by(Notification.user_id)
    ).where(Notification.user_id.in_(user_ids), Notification.read_at.is_(None), visible())


def unread_counts(user_ids: Iterable[int]) -> dict[int, int]:
    """Each person's unread entries they may still see (0 for none). One query."""
    ids = sorted(set(user_ids))
    counts = dict.fromkeys(ids, 0)
    if ids:
        counts.update((u, n) for u, n in db.session.execute(_unread_of(ids)))
    return counts


def unread_count(user_id: int) -> int:
    """The header badge's number. One query."""
    return unread_counts([user_id])[user_id]


def publish_counts(user_ids: Iterable[int]) -> None:
    """After commit: send each person's badge its true count (their own room only)."""
    for user_id, count in unread_counts(user_ids).items():
        events.notifications_changed(user_id, count)


@dataclass(frozen=True)
class Entry:
    id: int
    kind: str
    count: int
    actor_name: str | None
    group_id: int | None
    group_name: str | None
    thread_id: int | None
    thread_title: str | None
    post_id: int | None
    updated_at: datetime
    read: bool
    practice_id: int | None = None
    session_id: int | None = None
    # The practice's or session's title, quoted in the summary.
    practice_title: str | None = None
    session_title: str | None = None

    @property
    def subject(self) -> str:
        title = self.practice_title or self.session_title or ""
        return f"“{title}”"

    @property
    def summary(self) -> str:
        """One line, plain text: "Maria Lopez replied to your post", "3 new posts"."""
        who = self.actor_name or "Someone"
        many = self.count > 1
        if self.kind == Kind.MENTIONED:
            return f"{who} and others mentioned you" if many else f"{who} mentioned you"
        if self.kind == Kind.REPLIED:
            return f"{self.count} new replies to you" if many else f"{who} replied to your post"
        if self.kind == Kind.WATCHED_POST:
            return f"{self.count} new posts" if many else f"{who} posted"
        if self.kind == Kind.NEW_THREAD:
            return f"{who} started a new thread in {self.group_name}"
        if self.kind == Kind.PRACTICE_TRIED:
            if many:
                return f"{self.count} schools tried your practice {self.subject}"
            return f"{who}'s school tried your practice {self.subject}"
        if self.kind == Kind.PRACTICE_COMMENTED:
            if many:
                return f"{self.count} new comments on your practice {self.subject}"
            return f"{who} commented on your practice {self.subject}"
        if self.kind == Kind.PRACTICE_HELPFUL:
            if many:
                return f"{self.count} people found your practice {self.subject} helpful"
            return f"{who} found your practice {self.subject} helpful"
        if self.kind == Kind.SESSION_SOON:
            return f"{self.subject} starts in 15 minutes ({self.group_name})"
        if self.kind == Kind.SESSION_LIVE:
            return f"{self.subject} is live now ({self.group_name})"
        if self.kind == Kind.GROUP_ADDED:
            return f"{who} added you to {self.group_name}"
        if self.kind == Kind.MADE_FACILITATOR:
            return f"{who} made you a facilitator of {self.group_name}"
        return f"{who}: {self.kind}"


@dataclass(frozen=True)
class Topic:
    """A thread's entries together (or one entry that belongs to no thread)."""

    thread_id: int | None
    title: str
    group_name: str | None
    entries: list[Entry]

    @property
    def unread(self) -> int:
        return sum(1 for entry in self.entries if not entry.read)


@dataclass(frozen=True)
class FeedPage:
    topics: list[Topic]
    pagination: KnownTotalPagination
    unread: int


def _topic_key() -> sa.ColumnElement[int]:
    """Entries of one thread share the thread's id; others stand alone (minus their id)."""
    return sa.func.coalesce(Notification.thread_id, -Notification.id)


def entry_of(row: sa.Row) -> Entry:
    n = row.Notification
    return Entry(
        id=n.id, kind=n.kind, count=n.count, actor_name=row.actor_name,
        group_id=n.group_id, group_name=row.group_name, thread_id=n.thread_id,
        thread_title=row.thread_title, post_id=n.post_id, updated_at=n.updated_at,
        read=n.read_at is not None, practice_id=n.practice_id, session_id=n.session_id,
        practice_title=row.practice_title, session_title=row.session_title,
    )  # fmt: skip


def entries_query(*extra: sa.ColumnElement) -> sa.Select:
    """Entries with the names they show and what the visibility rule reads."""
    columns = (
        Notification, _Actor.name.label("actor_name"),
        Group.name.label("group_name"), Thread.title.label("thread_title"),
        Practice.title.label("practice_title"), LiveSession.title.label("session_title"), *extra,
    )  # fmt: skip
    return _joined(sa.select(*columns)).outerjoin(_Actor, _Actor.id == Notification.actor_id)


def feed_page(user: Person, page: int = 1, unread_only: bool = False) -> FeedPage:
    """A page of the user's notifications, grouped by thread, newest activity first.

    Three queries whatever the page holds: the page's topics (with the total),
    their entries, the unread count.
    """
    mine = sa.and_(Notification.user_id == user.id, visible())
    if unread_only:
        mine = sa.and_(mine, Notification.read_at.is_(None))
    key = _topic_key().label("key")
    topics_query = (
        _joined(
            sa.select(key, sa.func.max(Notification.updated_at).label("latest"))
            .add_columns(sa.func.count().over().label("total"))
        )
        .where(mine)
        .group_by(key)
        .order_by(sa.desc("latest"), sa.desc("key"))
        .limit(TOPICS_PER_PAGE)
        .offset((page - 1) * TOPICS_PER_PAGE)
    )  # fmt: skip
    topic_rows = db.session.execute(topics_query).all()
    keys = [row.key for row in topic_rows]
    total = topic_rows[0].total if topic_rows else 0
    entries: dict[int, list[Entry]] = {k: [] for k in keys}
    if keys:
        rows = db.session.execute(
            entries_query(_topic_key().label("key"))
            .where(mine, _topic_key().in_(keys))
            .order_by(Notification.updated_at.desc(), Notification.id.desc())
        )  # fmt: skip
        for row in rows:
            entries[row.key].append(entry_of(row))
    topics = []
    for k in keys:
        first = entries[k][0]
        title = first.thread_title or first.practice_title or first.session_title
        topics.append(Topic(first.thread_id, title or first.group_name or "", first.group_name,
                            entries[k]))  # fmt: skip
    pagination = KnownTotalPagination(
        page=page, per_page=TOPICS_PER_PAGE, items=topics, total=total
    )
    return FeedPage(topics, pagination, unread_count(user.id))


def entries_page(
    user: Person, page: int, per_page: int, unread_only: bool = False
) -> tuple[list[Entry], int]:
    """A flat page of entries, newest first, and their total (the API). Two queries."""
    mine = sa.and_(Notification.user_id == user.id, visible())
    if unread_only:
        mine = sa.and_(mine, Notification.read_at.is_(None))
    total = db.session.scalar(_joined(sa.select(sa.func.count())).where(mine)) or 0
    rows = db.session.execute(
        entries_query()
        .where(mine)
        .order_by(Notification.updated_at.desc(), Notification.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )  # fmt: skip
    return [entry_of(row) for row in rows], total


def _ids(values: object) -> list[int]:
    if not isinstance(values, list) or not values:
        raise ValidationError("ids", "Give a list of notification ids.")
    if len(values) > MARK_MAX_IDS:
        raise ValidationError("ids", f"At most {MARK_MAX_IDS} ids at a time.")
    if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values):
        raise ValidationError("ids", "Ids are positive whole numbers.")
    return sorted(set(values))


def mark_read(
    user: Person,
    *,
    ids: object = None,
    thread_id: object = None,
    everything: bool = False,
) -> int:
    """Mark the user's own entries read: some by id, a thread's, or all. Publishes the
    badge's new count. Returns how many changed. Ids of other people's entries are
    ignored (they are not the user's to mark)."""
    chosen = sum(x is not None and x is not False for x in (ids, thread_id, everything or None))
    if chosen != 1:
        raise ValidationError("ids", "Give ids, a thread_id, or all: one of them.")
    where = [Notification.user_id == user.id, Notification.read_at.is_(None)]
    if ids is not None:
        where.append(Notification.id.in_(_ids(ids)))
    elif thread_id is not None:
        if not isinstance(thread_id, int) or isinstance(thread_id, bool):
            raise ValidationError("thread_id", "Must be a thread id.")
        where.append(Notification.thread_id == thread_id)
    begin_write()
    changed = db.session.execute(
        sa.update(Notification).where(*where).values(read_at=utcnow())
    ).rowcount
    db.session.commit()
    if changed:
        publish_counts([user.id])
    return changed


def thread_seen(user: Person, thread_id: int) -> None:
    """The user opened the thread: its entries are read (and the badge says so).

    Looks first (a read), so viewing a thread with nothing new writes nothing.
    """
    unread = list(
        db.session.scalars(
            sa.select(Notification.id).where(
                Notification.user_id == user.id,
                Notification.thread_id == thread_id,
                Notification.read_at.is_(None),
            )
        )
    )
    if unread:
        begin_write()
        db.session.execute(
            sa.update(Notification)
            .where(Notification.id.in_(unread), Notification.read_at.is_(None))
            .values(read_at=utcnow())
        )
        db.session.commit()
        publish_counts([user.id])


def open_entry(user: Person, notification_id: int) -> Entry:
    """One of the user's entries they may still see, marked read; raises NotFound."""
    row = db.session.execute(
        entries_query()
        .where(Notification.id == notification_id, Notification.user_id == user.id, visible())
    ).first()  # fmt: skip
    if row is None:
        raise NotFound("No such notification.")
    if row.Notification.read_at is None:
        mark_read(user, ids=[notification_id])
    return entry_of(row)
