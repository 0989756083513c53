"""Writing notifications: who is told of a post, a new thread, being added to a group.

Called by the services that make the event, inside their transaction, so a
request that fails writes none; they publish the badge counts after they
commit (`notification_feed.publish_counts`). Who may be told is asked of the
policy functions the pages use, for every recipient at once: one query loads
the candidates with their membership of the group.

Writing is a bounded number of statements whatever the audience: one UPDATE
folds the event into each recipient's unread entry for the thread (its
count grows), one INSERT with every remaining row (executemany) adds the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from nic import policy
from nic.extensions import db
from nic.models import (
    FollowLevel,
    GroupFollow,
    LiveSession,
    Membership,
    Notification,
    NotificationKind,
    Post,
    Practice,
    PracticeAuthor,
    Thread,
    ThreadFollow,
    User,
    utcnow,
)
from nic.services import upsert

if TYPE_CHECKING:
    from nic.services.mentions import Rendered

Kind = NotificationKind
# A person told of a post once, by the strongest reason (a mention beats a reply...).
_STRONGEST_FIRST = (
    Kind.MENTIONED, Kind.REPLIED, Kind.PRACTICE_COMMENTED, Kind.NEW_THREAD, Kind.WATCHED_POST,
)  # fmt: skip


@dataclass(frozen=True)
class Event:
    """What an entry points at; `thread_id` set means it folds into the thread's entry."""

    kind: Kind
    actor_id: int | None
    group_id: int | None = None
    thread_id: int | None = None
    post_id: int | None = None
    practice_id: int | None = None
    session_id: int | None = None


def levels_in_thread(user_ids: Iterable[int] | None, thread: Thread) -> dict[int, str]:
    """Each person's effective level on the thread: the thread's own, else the group's.

    `user_ids` None: everyone who set one (for finding watchers). Two queries.
    """
    levels: dict[int, str] = {}
    for model, column, key in (
        (GroupFollow, GroupFollow.group_id, thread.group_id),
        (ThreadFollow, ThreadFollow.thread_id, thread.id),
    ):
        query = sa.select(model.user_id, model.level).where(column == key)
        if user_ids is not None:
            query = query.where(model.user_id.in_(list(user_ids)))
        levels.update((u, level) for u, level in db.session.execute(query))
    return levels


def _who_may(
    user_ids: Iterable[int], group_id: int | None, rule: Callable[[User, Membership | None], bool]
) -> set[int]:
    """The active people among `user_ids` for whom `rule(user, their membership of the
    group)` holds: the policy's answer, for everyone at once (one query)."""
    ids = sorted(set(user_ids))
    if not ids:
        return set()
    mine = sa.and_(Membership.user_id == User.id, Membership.group_id == group_id)
    rows = db.session.execute(
        sa.select(User, Membership)
        .outerjoin(Membership, mine)
        .where(User.id.in_(ids), User.is_active_account.is_(True))
    )
    return {user.id for user, membership in rows if rule(user, membership)}


def _who_may_see(user_ids: set[int], thread: Thread, post: Post | None) -> set[int]:
    """The people among `user_ids` who may see the thread (and the post)."""
    return _who_may(
        user_ids, thread.group_id,
        lambda user, membership: policy.can_view_thread(user, thread, membership)
        and (post is None or policy.can_view_post_body(user, post, membership)),
    )  # fmt: skip


def _group_members(group_ids: Iterable[int]) -> set[int]:
    ids = sorted(set(group_ids))
    if not ids:
        return set()
    return set(
        db.session.scalars(sa.select(Membership.user_id).where(Membership.group_id.in_(ids)))
    )


def _fold_on(event: Event) -> sa.ColumnElement[bool] | None:
    """Which unread entry a new event of its kind folds into: the thread's (while the post
    it opens on is still shown), or the practice's; None: it stands alone."""
    if event.thread_id is not None and event.kind != Kind.NEW_THREAD:
        return sa.and_(
            Notification.thread_id == event.thread_id,
            sa.exists().where(
                Post.id == Notification.post_id, Post.deleted_at.is_(None), Post.hidden.is_(False)
            ),
        )
    if event.practice_id is not None:
        return Notification.practice_id == event.practice_id
    if event.session_id is not None and event.kind == Kind.MENTIONED:
        return Notification.session_id == event.session_id
    return None


def tell(user_ids: Iterable[int], event: Event) -> set[int]:
    """Add `event` to each person's notifications (folded into an unread entry of the
    same kind on the same thread). Returns who was told. At most two statements."""
    ids = sorted(set(user_ids))
    if not ids:
        return set()
    now = utcnow()
    folded: set[int] = set()
    fold_on = _fold_on(event)
    if fold_on is not None:
        folded = set(
            db.session.scalars(
                sa.update(Notification)
                .where(
                    Notification.user_id.in_(ids),
                    fold_on,
                    Notification.kind == event.kind.value,
                    Notification.read_at.is_(None),
                )
                .values(count=Notification.count + 1, updated_at=now, actor_id=event.actor_id)
                .returning(Notification.user_id)
                .execution_options(synchronize_session=False)
            )
        )
    fresh = [i for i in ids if i not in folded]
    if fresh:
        db.session.execute(
            sa.insert(Notification),
            [
                {
                    "user_id": user_id,
                    "kind": event.kind.value,
                    "actor_id": event.actor_id,
                    "group_id": event.group_id,
                    "thread_id": event.thread_id,
                    "post_id": event.post_id,
                    "practice_id": event.practice_id,
                    "session_id": event.session_id,
                    "count": 1,
                    "created_at": now,
                    "updated_at": now,
                }
                for user_id in fresh
            ],
        )
    return set(ids)


def post_written(
    post: Post,
    thread: Thread,
    *,
    mentioned_users: Iterable[int] = (),
    mentioned_groups: Iterable[int] = (),
    replied_to: int | None = None,
    new_thread: bool = False,
) -> set[int]:
    """Tell people of a new post (the opening post of a new thread, or a reply).

    - mentioned: the people and the members of the groups its text mentions;
    - replied: the author of the post it answers (`replied_to`: that author's id);
    - new_thread: for an opening post, whoever watches the group;
    - watched_post: for a reply, whoever watches the thread or its group;
    - practice_commented: for a reply in a practice's discussion, its authors.
    Muted (on the thread, else on the group) hears nothing; the author never
    hears of their own post; nobody hears of what they may not see.
    Returns who was told (for the badge).
    """
    reasons: dict[Kind, set[int]] = {
        Kind.MENTIONED: set(mentioned_users) | _group_members(mentioned_groups),
        Kind.REPLIED: {replied_to} if replied_to is not None else set(),
    }
    practice_id, authors = _practice_discussed(thread.id) if not new_thread else (None, set())
    reasons[Kind.PRACTICE_COMMENTED] = authors
    all_levels = levels_in_thread(None, thread)
    watchers = {u for u, level in all_levels.items() if level == FollowLevel.WATCHING}
    reasons[Kind.NEW_THREAD if new_thread else Kind.WATCHED_POST] = watchers
    muted = {u for u, level in all_levels.items() if level == FollowLevel.MUTED}
    everyone = set().union(*reasons.values()) - muted - {post.author_id}
    allowed = _who_may_see(everyone, thread, post)
    told: set[int] = set()
    for kind in _STRONGEST_FIRST:
        audience = (reasons.get(kind, set()) & allowed) - told
        told |= tell(
            audience,
            Event(kind, post.author_id, thread.group_id, thread.id, post.id,
                  practice_id=practice_id if kind == Kind.PRACTICE_COMMENTED else None),
        )  # fmt: skip
    return told


def _practice_discussed(thread_id: int) -> tuple[int | None, set[int]]:
    """The practice a thread discusses, and its authors (none: not a practice's)."""
    rows = db.session.execute(
        sa.select(Practice.id, PracticeAuthor.user_id)
        .join(PracticeAuthor, PracticeAuthor.practice_id == Practice.id)
        .where(Practice.thread_id == thread_id)
    ).all()
    return (rows[0][0] if rows else None), {user_id for _practice, user_id in rows}


def practice_response(practice: Practice, actor_id: int, kind: Kind) -> set[int]:
    """Tell a practice's authors (not the actor) that it was tried or marked helpful."""
    authors = set(
        db.session.scalars(
            sa.select(PracticeAuthor.user_id).where(PracticeAuthor.practice_id == practice.id)
        )
    )
    return tell(authors - {actor_id}, Event(kind, actor_id, practice.group_id,
                                            practice_id=practice.id))  # fmt: skip


def session_news(session: LiveSession, kind: Kind, actor_id: int | None) -> set[int]:
    """Tell a session's group members (not the actor) it starts soon or went live."""
    members = set(
        db.session.scalars(
            sa.select(Membership.user_id)
            .join(User, User.id == Membership.user_id)
            .where(Membership.group_id == session.group_id, User.is_active_account.is_(True))
        )
    )
    members.discard(actor_id)
    return tell(members, Event(kind, actor_id, session.group_id, session_id=session.id))


def watch_written(user_id: int, thread_id: int) -> None:
    """Whoever starts or replies to a thread watches it, unless they chose a level."""
    upsert.insert_missing(
        ThreadFollow,
        {
            "user_id": user_id,
            "thread_id": thread_id,
            "level": FollowLevel.WATCHING.value,
            "updated_at": utcnow(),
        },
        ["user_id", "thread_id"],
    )


def group_role_given(group_id: int, user_id: int, actor_id: int, kind: Kind) -> set[int]:
    """Tell someone they were added to a group or made its facilitator (not themselves)."""
    if actor_id == user_id:
        return set()
    return tell([user_id], Event(kind, actor_id, group_id))


Mentions = tuple[set[int], set[int]]  # (people, groups), as mentions.mentioned_in gives them


def _mentioned(rendered: Rendered, before: Mentions | None) -> set[int]:
    """Who a text mentions (people, and the members of groups), less those its earlier
    version mentioned already (`before`): an edit tells only the new ones."""
    users, groups = set(rendered.user_ids), set(rendered.group_ids)
    if before:
        users, groups = users - before[0], groups - before[1]
    return users | _group_members(groups)


def post_edited(post: Post, thread: Thread, rendered: Rendered, before: Mentions) -> set[int]:
    """An edit tells the people it newly mentions (who may see the post)."""
    audience = _mentioned(rendered, before) - {post.author_id}
    audience -= {u for u, level in levels_in_thread(audience, thread).items()
                 if level == FollowLevel.MUTED}  # fmt: skip
    allowed = _who_may_see(audience, thread, post)
    return tell(allowed, Event(Kind.MENTIONED, post.author_id, thread.group_id, thread.id, post.id))


def practice_written(
    practice: Practice, author_id: int, rendered: Rendered, before: Mentions | None
) -> set[int]:
    """A published practice's write-up tells the people it (newly) mentions who may see it."""
    if not practice.is_published:
        return set()  # a draft: nobody else may see it yet; publishing tells them
    authors = set(
        db.session.scalars(
            sa.select(PracticeAuthor.user_id).where(PracticeAuthor.practice_id == practice.id)
        )
    )
    audience = _mentioned(rendered, before) - {author_id}
    allowed = _who_may(
        audience, practice.group_id,
        lambda user, membership: policy.can_view_practice(
            user, practice, membership, user.id in authors
        ),
    )  # fmt: skip
    return tell(allowed, Event(Kind.MENTIONED, author_id, practice.group_id,
                               practice_id=practice.id))  # fmt: skip


def chat_written(session: LiveSession, author_id: int, rendered: Rendered) -> set[int]:
    """A live chat message tells the people it mentions who may see the session."""
    audience = _mentioned(rendered, None) - {author_id}
    allowed = _who_may(
        audience,
        session.group_id,
        lambda user, membership: policy.can_view_session(user, session, membership),
    )
    return tell(allowed, Event(Kind.MENTIONED, author_id, session.group_id,
                               session_id=session.id))  # fmt: skip
