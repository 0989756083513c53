"""Threaded discussions: start threads, reply, edit, delete, moderate.

Reading them (the tree, read state, listings) is nic.services.reading.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from nic import policy
from nic.database import begin_write
from nic.errors import NotFound, PermissionDenied, ValidationError
from nic.extensions import db
from nic.models import (
    Post,
    PostRevision,
    Thread,
    utcnow,
)
from nic.policy import Actor
from nic.services import notification_feed, notifications, read_state, reading
from nic.services.access import Access, load_in_group, load_with_parent, refusal
from nic.services.groups import GroupAccess, get_group_for
from nic.services.mentions import Rendered, mentioned_in, render_with_mentions
from nic.services.validation import BODY_MAX, TITLE_MAX, clean_text, practice_links

POST_NOT_FOUND = "No such post."


ThreadAccess = Access[Thread]


def get_thread_for(user: Actor, thread_id: int) -> ThreadAccess:
    """The thread (with its group) if this user may see it; raises NotFound."""
    return load_in_group(user, Thread, thread_id, policy.can_view_thread, "No such thread.")


def get_post_for(user: Actor, post_id: int) -> tuple[Post, ThreadAccess]:
    """The post and its thread if this user may see them; raises NotFound.

    A post the user may not see answers exactly as one that does not exist:
    "No such thread." would tell an outsider that a private post is there.
    """
    return load_with_parent(
        Post, post_id, lambda post: get_thread_for(user, post.thread_id), POST_NOT_FOUND
    )


def _clean_body(body: object) -> str:
    return clean_text("body", body, max_length=BODY_MAX)


def may_start_thread(user: Actor, access: GroupAccess) -> GroupAccess:
    """The group's access if this user may start a thread there; raises PermissionDenied."""
    if not policy.can_post_in_group(user, access.group, access.membership):
        raise refusal(user, "Join the group to start a thread.")
    return access


def start_thread(user: Actor, group: int | GroupAccess, title: object, body: object) -> Thread:
    """Start a thread in a group (its id, or its access already loaded); the body opens it."""
    begin_write()
    access = may_start_thread(
        user, group if isinstance(group, Access) else get_group_for(user, group)
    )
    group_id = access.group.id
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
    set_committed_value(thread, "group", access.group)  # the rules read it (notifications)
    read_state.thread_started(thread)
    rendered = render_with_mentions(clean["body"], user)
    html = rendered.html
    post = Post(
        thread_id=thread.id,
        author_id=user.id,
        body=clean["body"],
        body_html=html,
        practice_links=practice_links(html),
        created_at=now,
    )
    db.session.add(post)
    db.session.flush()
    read_state.post_added(thread, post)
    read_state.mark_read(user.id, thread, post.id)
    told = _tell_of(post, thread, rendered, replied_to=None)
    db.session.commit()
    notification_feed.publish_counts(told)
    return thread


def reply(user: Actor, to: int | ThreadAccess, body: object, parent_id: int | None = None) -> Post:
    """Reply to a thread (its id, or its access already loaded), or to one of its posts."""
    begin_write()
    access = to if isinstance(to, Access) else get_thread_for(user, to)
    thread = access.item
    if not policy.can_reply(user, thread, access.membership):
        if thread.locked and policy.can_post_in_group(user, thread.group, access.membership):
            raise PermissionDenied("This thread is locked: no new replies.")
        raise refusal(user, "Join the group to reply.")
    if parent_id is not None:
        if not isinstance(parent_id, int) or isinstance(parent_id, bool):
            raise ValidationError("parent_id", "Must be a post id.")
        parent = db.session.execute(
            sa.select(Post.thread_id, Post.author_id).where(Post.id == parent_id)
        ).first()
        if parent is None or parent.thread_id != thread.id:
            raise ValidationError("parent_id", "That post is not in this thread.")
        replied_to = parent.author_id
    else:
        replied_to = thread.author_id  # a reply to the thread answers its opening post
    text = _clean_body(body)
    now = utcnow()
    # Lock the thread's row first, so its posts get their ids in commit order (read_state).
    db.session.execute(
        sa.update(Thread)
        .where(Thread.id == thread.id)
        .values(reply_count=Thread.reply_count + 1, last_activity_at=now)
    )
    rendered = render_with_mentions(text, user)
    html = rendered.html
    post = Post(
        thread_id=thread.id,
        parent_id=parent_id,
        author_id=user.id,
        body=text,
        body_html=html,
        practice_links=practice_links(html),
        created_at=now,
    )
    db.session.add(post)
    db.session.flush()
    read_state.post_added(thread, post)
    read_state.mark_read(user.id, thread, post.id)
    told = _tell_of(post, thread, rendered, replied_to=replied_to)
    db.session.commit()
    notification_feed.publish_counts(told)
    return post


def _tell_of(post: Post, thread: Thread, rendered: Rendered, replied_to: int | None) -> set[int]:
    """The writer watches the thread; whoever should hear of the post is told (in this
    transaction: the caller publishes the badge counts after it commits)."""
    notifications.watch_written(post.author_id, thread.id)
    return notifications.post_written(
        post, thread, mentioned_users=rendered.user_ids, mentioned_groups=rendered.group_ids,
        replied_to=replied_to, new_thread=replied_to is None,
    )  # fmt: skip


def get_post_to_edit(user: Actor, post_id: int) -> tuple[Post, ThreadAccess]:
    """The user's own post and its thread; raises NotFound or PermissionDenied."""
    post, access = get_post_for(user, post_id)
    may_edit_post(user, post)
    return post, access


def may_edit_post(user: Actor, post: Post) -> Post:
    if not policy.can_edit_post(user, post):
        raise PermissionDenied("You can edit only your own posts.")
    return post


def edit_post(user: Actor, post: int | Post, body: object) -> Post:
    """Replace a post's text (the post's id, or the post already loaded), keeping a revision."""
    begin_write()
    post = may_edit_post(user, post if isinstance(post, Post) else get_post_for(user, post)[0])
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
    rendered = render_with_mentions(text, user)
    before = mentioned_in(post.body_html)
    post.body, post.body_html, post.edited_at = text, rendered.html, now
    post.practice_links = practice_links(post.body_html)
    thread = db.session.get(Thread, post.thread_id, options=[joinedload(Thread.group)])
    told = notifications.post_edited(post, thread, rendered, before) if thread else set()
    db.session.commit()
    notification_feed.publish_counts(told)
    return post


def delete_post(user: Actor, post_id: int) -> Post:
    """Soft-delete (the row and its text are kept), as Discourse does: the post leaves
    the reply counts; the page keeps a "Post deleted" placeholder only while replies
    under it are live (nic.services.reading.shown_clause); a thread whose every post
    is deleted leaves its group (policy.can_view_thread). Raises NotFound or
    PermissionDenied."""
    begin_write()
    post, access = get_post_for(user, post_id)
    if not policy.can_delete_post(user, post):
        raise PermissionDenied("You can delete only your own posts.")
    thread = access.item
    set_committed_value(post, "thread", thread)  # the caller reads what is left of it
    if post.deleted_at is None:
        post.deleted_at = utcnow()
        opening = db.session.scalar(sa.select(reading.opening_id(thread.id)))
        if post.id != opening:
            db.session.execute(
                sa.update(Thread)
                .where(Thread.id == thread.id)
                .values(reply_count=Thread.reply_count - 1)
            )
        read_state.post_deleted(thread, post)
    db.session.commit()
    return post


def post_revisions(user: Actor, post_id: int) -> tuple[Post, list[PostRevision]]:
    post, access = get_post_for(user, post_id)
    if not policy.can_view_post_body(user, post, access.membership):
        raise NotFound(POST_NOT_FOUND)
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
    if not policy.can_moderate_thread(user, access.item, access.membership):
        raise PermissionDenied("Only the group's facilitators can do that.")
    return access.item


def set_thread_flag(user: Actor, thread_id: int, flag: str, value: bool) -> Thread:
    """Pin, lock or hide a thread (facilitators)."""
    begin_write()
    if flag not in {"pinned", "locked", "hidden"}:
        raise ValidationError("flag", "Unknown thread setting.")
    thread = _moderate(user, thread_id)
    if flag == "hidden" and thread.hidden != bool(value):
        read_state.thread_visibility_changed(thread, hidden=bool(value))
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
