"""Post cards on the thread page, each rendered once and kept.

Rendering a post card (author, time, body, actions) through the Jinja macro
was most of a thread page's CPU time (docs/BENCHMARKS.md, "HTTP pages"). A
card's HTML depends only on what its key holds: the post's text and state,
its author's name, role and school, what the viewer may do with it (asked of
`nic.policy`, as the macro does), the viewer's time zone and the page. So a
card is looked up by that key and rendered only when the key is new: an
edit, a deletion, a hide or an author's rename makes a new key by itself,
in every server process, with nothing to invalidate. Old keys age out of a
bounded LRU.

The CSRF token of the card's forms is per session, so a card is kept with a
placeholder that each request replaces with its own token. The placeholder
is random per process: no post text can contain it.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Sequence
from typing import Any

from cachetools import LRUCache
from flask import current_app, render_template
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from nic import policy
from nic.models import Membership, Thread
from nic.services.reading import PostNode
from nic.services.thread_page import PostView

# About 2 KB each: at most some 20 MB per process.
CARDS_KEPT = 10_000

_lock = threading.Lock()
_CSRF_PLACEHOLDER = f"csrf-{secrets.token_hex(16)}"


def _kept() -> LRUCache:
    """This app's cards (one cache per app, so tests and apps never share cards)."""
    return current_app.extensions.setdefault("nic_post_cards", LRUCache(maxsize=CARDS_KEPT))


def _key(post: PostView, in_reply_to: PostView | None, viewer: dict[str, Any]) -> tuple:
    user = viewer["user"]
    author = post.author
    school = author.school
    replied = (in_reply_to.id, in_reply_to.author.name) if in_reply_to is not None else None
    return (
        post.id, post.thread_id, post.body_html, post.created_at, post.edited_at,
        post.deleted_at is not None, post.hidden,
        author.id, author.username, author.name, author.job_role,
        school.name if school is not None else None,
        replied,
        policy.can_edit_post(user, post),
        policy.can_view_post_body(user, post, viewer["membership"]),
        viewer["can_reply"], viewer["can_moderate"], viewer["zone"], viewer["page"],
        viewer["first_unread"] == post.id,
    )  # fmt: skip


def render_cards(
    thread: Thread,
    membership: Membership | None,
    opening: PostView | None,
    replies: Sequence[PostNode],
    page: int,
    first_unread: int | None,
) -> dict[int, Markup]:
    """post id -> its card's HTML, for the opening post and every reply in the tree."""
    user = current_user._get_current_object()  # once, not through the proxy per post
    viewer = {
        "user": user,
        "membership": membership,
        "can_reply": policy.can_reply(user, thread, membership),
        "can_moderate": policy.can_moderate_thread(user, thread, membership),
        "zone": getattr(user, "time_zone", None),
        "page": page,
        "first_unread": first_unread,
    }
    placed: list[tuple[PostView, PostView | None]] = [(opening, None)] if opening else []
    stack = list(replies)
    while stack:
        node = stack.pop()
        placed.append((node.post, node.in_reply_to))
        stack.extend(node.children)
    token = generate_csrf()
    kept = _kept()
    cards: dict[int, Markup] = {}
    for post, in_reply_to in placed:
        key = _key(post, in_reply_to, viewer)
        with _lock:
            html = kept.get(key)
        if html is None:
            html = render_template(
                "threads/_card.html", post=post, thread=thread, membership=membership,
                in_reply_to=in_reply_to, first_unread=first_unread, page=page,
                csrf_token=lambda: _CSRF_PLACEHOLDER,
            )  # fmt: skip
            with _lock:
                kept[key] = html
        # The card came from an autoescaping template; the token is Flask-WTF's (URL-safe).
        cards[post.id] = Markup(html.replace(_CSRF_PLACEHOLDER, token))  # noqa: S704
    return cards
