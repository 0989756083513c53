"""Threaded discussions: start threads, reply, edit, delete, moderate, read state."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from nic import policy
from nic.database import begin_write
from nic.errors import NotFound, PermissionDenied, ValidationError
from nic.extensions import db
from nic.markup import render_markdown
from nic.models import (
    Membership,
    Post,
    PostRevision,
    School,
    Thread,
    ThreadRead,
    User,
    as_utc,
    utcnow,
)
from nic.policy import Actor
from nic.services.groups import GroupAccess, get_group_for, load_in_group
from nic.services.upsert import upsert
from nic.services.validation import BODY_MAX, TITLE_MAX, clean_text

# Replies nest to this depth; deeper replies stay flat with an "in reply to" link.
MAX_DEPTH = 4
THREADS_PER_PAGE = 25


@dataclass(frozen=True)
class ThreadAccess:
    thread: Thread
    membership: Membership | None


def _author_options() -> sa.orm.Load:
    return joinedload(Post.author).joinedload(User.school).joinedload(School.district)


def get_thread_for(user: Actor, thread_id: int) -> ThreadAccess:
    """The thread (with its group) if this user may see it; raises NotFound."""
    thread, membership = load_in_group(
        user, Thread, thread_id, policy.can_view_thread, "No such thread."
    )
    return ThreadAccess(thread, membership)


def get_post_for(user: Actor, post_id: int) -> tuple[Post, ThreadAccess]:
    post = db.session.get(Post, post_id)
    if post is None:
        raise NotFound("No such post.")
    return post, get_thread_for(user, post.thread_id)


def _clean_body(body: object) -> str:
    return clean_text("body", body, max_length=BODY_MAX)


def start_thread(user: Actor, group_id: int, title: object, body: object) -> Thread:
    """Start a thread in a group; its body becomes the opening post."""
    begin_write()
    access = get_group_for(user, group_id)
    if not policy.can_post_in_group(user, access.group, access.membership):
        raise PermissionDenied("Join the group to start a thread.")
    errors: dict[str, str] = {}
    clean: dict[str, str] = {}
    for name, value, limit in (("title", title, TITLE_MAX), ("body", body, BODY_MAX)):
        try:
            clean[name] = clean_text(name, value, max_length=limit)
        except ValidationError as exc:
            errors.update(exc.fields)
    if errors:
        raise ValidationError(errors)
    now = utcnow()
    thread = Thread(
        group_id=group_id, author_id=user.id, title=clean["title"], last_activity_at=now
    )
    db.session.add(thread)
    db.session.flush()
    post = Post(
        thread_id=thread.id,
        author_id=user.id,
        body=clean["body"],
        body_html=render_markdown(clean["body"]),
        created_at=now,
    )
    db.session.add(post)
    db.session.flush()
    thread.last_post_id = post.id
    _mark_read(user.id, thread.id, post.id)
    db.session.commit()
    return thread


def reply(user: Actor, thread_id: int, body: object, parent_id: int | None = None) -> Post:
    """Reply to a thread, or to one of its posts; raises the service errors."""
    begin_write()
    access = get_thread_for(user, thread_id)
    thread = access.thread
    if not policy.can_reply(user, thread, access.membership):
        if thread.locked and policy.can_post_in_group(user, thread.group, access.membership):
            raise PermissionDenied("This thread is locked: no new replies.")
        raise PermissionDenied("Join the group to reply.")
    if parent_id is not None:
        if not isinstance(parent_id, int) or isinstance(parent_id, bool):
            raise ValidationError("parent_id", "Must be a post id.")
        parent_thread = db.session.scalar(sa.select(Post.thread_id).where(Post.id == parent_id))
        if parent_thread != thread.id:
            raise ValidationError("parent_id", "That post is not in this thread.")
    text = _clean_body(body)
    now = utcnow()
    post = Post(
        thread_id=thread.id,
        parent_id=parent_id,
        author_id=user.id,
        body=text,
        body_html=render_markdown(text),
        created_at=now,
    )
    db.session.add(post)
    db.session.flush()
    db.session.execute(
        sa.update(Thread)
        .where(Thread.id == thread.id)
        .values(reply_count=Thread.reply_count + 1, last_activity_at=now, last_post_id=post.id)
    )
    _mark_read(user.id, thread.id, post.id)
    db.session.commit()
    return post


def edit_post(user: Actor, post_id: int, body: object) -> Post:
    """Replace a post's text, keeping the old text as a revision."""
    begin_write()
    post, _access = get_post_for(user, post_id)
    if not policy.can_edit_post(user, post):
        raise PermissionDenied("You can edit only your own posts.")
    text = _clean_body(body)
    if text == post.body:
        return post
    now = utcnow()
    db.session.add(
        PostRevision(
            post_id=post.id,
            body=post.body,
            body_html=post.body_html,
            written_at=post.edited_at or post.created_at,
            replaced_at=now,
        )
    )
    post.body, post.body_html, post.edited_at = text, render_markdown(text), now
    db.session.commit()
    return post


def delete_post(user: Actor, post_id: int) -> Post:
    """Soft-delete: the post stays in the tree as "post deleted"."""
    begin_write()
    post, _access = get_post_for(user, post_id)
    if not policy.can_delete_post(user, post):
        raise PermissionDenied("You can delete only your own posts.")
    post.deleted_at = utcnow()
    db.session.commit()
    return post


def post_revisions(user: Actor, post_id: int) -> tuple[Post, list[PostRevision]]:
    post, access = get_post_for(user, post_id)
    if not policy.can_view_post_body(user, post, access.membership):
        raise NotFound("No such post.")
    revisions = list(
        db.session.scalars(
            sa.select(PostRevision)
            .where(PostRevision.post_id == post.id)
            .order_by(PostRevision.id.desc())
        )
    )
    return post, revisions


def _moderate(user: Actor, thread_id: int) -> Thread:
    access = get_thread_for(user, thread_id)
    if not policy.can_moderate_thread(user, access.thread, access.membership):
        raise PermissionDenied("Only the group's facilitators can do that.")
    return access.thread


def set_thread_flag(user: Actor, thread_id: int, flag: str, value: bool) -> Thread:
    """Pin, lock or hide a thread (facilitators)."""
    begin_write()
    if flag not in {"pinned", "locked", "hidden"}:
        raise ValidationError("flag", "Unknown thread setting.")
    thread = _moderate(user, thread_id)
    setattr(thread, flag, bool(value))
    db.session.commit()
    return thread


def set_post_hidden(user: Actor, post_id: int, hidden: bool) -> Post:
    begin_write()
    post, _access = get_post_for(user, post_id)
    _moderate(user, post.thread_id)
    post.hidden = bool(hidden)
    db.session.commit()
    return post


# --- Reading -----------------------------------------------------------------


@dataclass
class PostNode:
    """A post placed in the reply tree."""

    post: Post
    depth: int
    children: list[PostNode] = field(default_factory=list)
    # Set when the post is shown flat below MAX_DEPTH: the post it answers.
    in_reply_to: Post | None = None


def load_posts(thread_id: int) -> list[Post]:
    """Every post of a thread, oldest first, authors loaded: one query."""
    return list(
        db.session.scalars(
            sa.select(Post)
            .options(_author_options())
            .where(Post.thread_id == thread_id)
            .order_by(Post.id)
        ).unique()
    )


def build_tree(posts: list[Post]) -> tuple[Post | None, list[PostNode]]:
    """Split the opening post from the replies and nest the replies."""
    if not posts:
        return None, []
    opening, replies = posts[0], posts[1:]
    by_id = {p.id: p for p in posts}
    children: dict[int | None, list[Post]] = {}
    for post in replies:
        parent = post.parent_id if post.parent_id in by_id else None
        # Replies to the opening post sit at the top level of the replies.
        if parent == opening.id:
            parent = None
        children.setdefault(parent, []).append(post)

    def descendants(post_id: int) -> list[Post]:
        found: list[Post] = []
        stack = list(reversed(children.get(post_id, [])))
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(reversed(children.get(current.id, [])))
        return found

    def nest(post: Post, depth: int) -> PostNode:
        node = PostNode(post, depth)
        if depth < MAX_DEPTH:
            node.children = [nest(child, depth + 1) for child in children.get(post.id, [])]
        else:
            node.children = [
                PostNode(d, depth + 1, in_reply_to=by_id.get(d.parent_id or 0))
                for d in descendants(post.id)
            ]
        return node

    return opening, [nest(post, 1) for post in children.get(None, [])]


def read_position(user_id: int, thread_id: int) -> int:
    return (
        db.session.scalar(
            sa.select(ThreadRead.last_read_post_id).where(
                ThreadRead.user_id == user_id, ThreadRead.thread_id == thread_id
            )
        )
        or 0
    )


def _mark_read(user_id: int, thread_id: int, post_id: int) -> None:
    upsert(
        ThreadRead,
        {"user_id": user_id, "thread_id": thread_id, "last_read_post_id": post_id},
        index=["user_id", "thread_id"],
        # Reading never moves the position backwards.
        update={
            "last_read_post_id": sa.case(
                (ThreadRead.last_read_post_id > post_id, ThreadRead.last_read_post_id),
                else_=post_id,
            ),
            "read_at": utcnow(),
        },
    )


def mark_thread_read(user: Actor, thread: Thread) -> None:
    if policy.is_signed_in(user) and thread.last_post_id:
        begin_write()
        _mark_read(user.id, thread.id, thread.last_post_id)
        db.session.commit()


def first_unread_post_id(user: Actor, thread: Thread) -> int | None:
    """Where the thread should open for this user (None: nothing unread)."""
    last_read = read_position(user.id, thread.id)
    return db.session.scalar(
        sa.select(sa.func.min(Post.id)).where(Post.thread_id == thread.id, Post.id > last_read)
    )


@dataclass(frozen=True)
class ThreadRow:
    thread: Thread
    unread: int  # posts not yet read by this user
    never_opened: bool
    active_since_visit: bool


def unread_counts(user_id: int, thread_ids: list[int]) -> dict[int, tuple[int, bool]]:
    """thread id -> (unread posts, never opened), in one query."""
    if not thread_ids:
        return {}
    read = sa.orm.aliased(ThreadRead)
    rows = db.session.execute(
        sa.select(Thread.id, sa.func.count(Post.id), sa.func.max(read.thread_id))
        .outerjoin(read, sa.and_(read.thread_id == Thread.id, read.user_id == user_id))
        .outerjoin(
            Post,
            sa.and_(
                Post.thread_id == Thread.id,
                Post.id > sa.func.coalesce(read.last_read_post_id, 0),
                Post.deleted_at.is_(None),
            ),
        )
        .where(Thread.id.in_(thread_ids))
        .group_by(Thread.id)
    )
    return {tid: (count, opened is None) for tid, count, opened in rows}


def list_threads(
    user: Actor, access: GroupAccess, page: int, per_page: int = THREADS_PER_PAGE
) -> tuple[object, list[ThreadRow]]:
    """A page of the group's threads: pinned first, then by last activity."""
    group, membership = access.group, access.membership
    query = (
        sa.select(Thread)
        .options(joinedload(Thread.author))
        .where(Thread.group_id == group.id)
        .order_by(Thread.pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc())
    )
    if not policy.can_manage_group(user, group, membership):
        query = query.where(Thread.hidden.is_(False))
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False)
    threads = list(pagination.items)
    counts = unread_counts(user.id, [t.id for t in threads])
    visited = as_utc(membership.last_visited_at) if membership else None
    rows = [
        ThreadRow(
            thread=t,
            unread=counts.get(t.id, (0, True))[0],
            never_opened=counts.get(t.id, (0, True))[1],
            active_since_visit=visited is not None and as_utc(t.last_activity_at) > visited,
        )
        for t in threads
    ]
    return pagination, rows
