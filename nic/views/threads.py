"""Threads and posts: start, read, reply, edit, delete, history, moderate."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from nic.errors import PermissionDenied, ValidationError
from nic.forms.common import optional_int, show_errors
from nic.forms.discussions import EditPostForm, ReplyForm, ThreadForm
from nic.responses import wants_json
from nic.services import (
    discussions,
    following,
    groups,
    library,
    notification_feed,
    read_state,
    reading,
    thread_page,
)
from nic.views import post_cards
from nic.views.helpers import page_arg, refused

bp = Blueprint("threads", __name__)


def post_url(thread_id: int, post_id: int) -> str:
    """The post on the thread page that shows it."""
    page = reading.page_of_post(thread_id, post_id)
    return url_for(
        "threads.show", thread_id=thread_id, page=page if page > 1 else None,
        _anchor=f"post-{post_id}",
    )  # fmt: skip


@bp.route("/groups/<int:group_id>/threads/new", methods=["GET", "POST"])
@login_required
def new(group_id: int):
    try:
        access = discussions.may_start_thread(
            current_user, groups.get_group_for(current_user, group_id)
        )
    except PermissionDenied as exc:
        return refused(exc, url_for("groups.show", group_id=group_id))
    form = ThreadForm()
    if not form.is_submitted():
        # A link may start the thread for the writer (a chart's signal: "Discuss this").
        form.title.data = request.args.get("title", "")
        form.body.data = request.args.get("body", "")
    if form.validate_on_submit():
        try:
            thread = discussions.start_thread(current_user, access, form.title.data, form.body.data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            return redirect(url_for("threads.show", thread_id=thread.id))
    status = 400 if form.is_submitted() else 200
    return render_template("threads/new.html", form=form, group=access.group), status


def render_thread(
    access: discussions.ThreadAccess, form: ReplyForm, page: int = 1, status: int = 200
):
    thread = access.item
    shown = thread_page.load_page(thread.id, page)
    if page > max(shown.pagination.pages, 1):
        abort(404)
    first_unread = read_state.read_thread(current_user, thread, shown=shown.shown)
    notification_feed.thread_seen(current_user, thread.id)
    cards = post_cards.render_cards(
        thread, access.membership, shown.opening, shown.replies, page, first_unread
    )
    linking = [post for post in shown.shown if post.practice_links]
    found = library.previews(current_user, (post.practice_links for post in linking))
    reply_to = optional_int(form.parent_id.data)
    return render_template(
        "threads/show.html", thread=thread, group=thread.group, membership=access.membership,
        opening=shown.opening, replies=shown.replies, pagination=shown.pagination, form=form,
        cards=cards, reply_to=reply_to,
        follow_level=following.thread_level(current_user, thread.id),
        # The post the form answers, quoted above it (when it is on this page).
        reply_parent=next((post for post in shown.shown if post.id == reply_to), None),
        previews={post.id: cards for post, cards in zip(linking, found, strict=True) if cards},
    ), status  # fmt: skip


def posted_reply(access: discussions.ThreadAccess, post_id: int, parent_id: int | None):
    """A reply just posted, for static/js/replies.js: its card's HTML to place in the tree,
    where it sits (its page and address) and the thread's new reply count."""
    thread = access.item
    node = thread_page.load_reply(thread.id, post_id, parent_id)
    page = reading.page_of_post(thread.id, post_id)
    card = post_cards.render_cards(thread, access.membership, None, [node], page, None)[post_id]
    count = thread.reply_count  # reloaded: the reply moved it in SQL
    return jsonify(
        id=post_id, parent_id=parent_id, page=page, html=str(card),
        url=post_url(thread.id, post_id),
        replies=f"{count} {'reply' if count == 1 else 'replies'}",
    ), 201  # fmt: skip


@bp.route("/threads/<int:thread_id>")
@login_required
def show(thread_id: int):
    access = discussions.get_thread_for(current_user, thread_id)
    form = ReplyForm()
    form.parent_id.data = request.args.get("reply_to", "")
    return render_thread(access, form, page=page_arg())


@bp.route("/posts/<int:post_id>")
@login_required
def post(post_id: int):
    """A post's lasting address (profiles link to it): the thread page that shows it."""
    found, _access = discussions.get_post_for(current_user, post_id)
    return redirect(post_url(found.thread_id, found.id))


@bp.route("/threads/<int:thread_id>/unread")
@login_required
def unread(thread_id: int):
    """Open a thread at the first post this user has not read."""
    access = discussions.get_thread_for(current_user, thread_id)
    first = read_state.first_unread_post_id(current_user, access.item)
    if first is None:
        return redirect(url_for("threads.show", thread_id=thread_id))
    return redirect(post_url(thread_id, first))


@bp.route("/threads/<int:thread_id>/reply", methods=["POST"])
@login_required
def reply(thread_id: int):
    """Post a reply. A script (Accept: application/json) gets the new card as JSON
    (posted_reply) or the error as JSON with its fields; a form post, a redirect to
    the reply or the thread re-shown with the errors and the text kept."""
    access = discussions.get_thread_for(current_user, thread_id)
    form = ReplyForm()
    parent = optional_int(form.parent_id.data)
    if form.validate_on_submit():
        try:
            post = discussions.reply(current_user, access, form.body.data, parent)
        except ValidationError as exc:
            if wants_json():
                raise
            show_errors(form, exc)
        else:
            if wants_json():
                return posted_reply(access, post.id, parent)
            return redirect(post_url(thread_id, post.id))
    elif wants_json():
        raise ValidationError({name: errors[0] for name, errors in form.errors.items()})
    page = reading.page_of_post(thread_id, parent) if parent else 1
    return render_thread(access, form, page=page, status=400)


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int):
    post, access = discussions.get_post_to_edit(current_user, post_id)
    form = EditPostForm(obj=post)
    if form.validate_on_submit():
        try:
            discussions.edit_post(current_user, post, form.body.data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash("Your post is updated.", "success")
            return redirect(post_url(post.thread_id, post.id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "threads/edit_post.html", form=form, post=post, thread=access.item
    ), status


@bp.route("/posts/<int:post_id>/delete", methods=["POST"])
@login_required
def delete_post(post_id: int):
    post = discussions.delete_post(current_user, post_id)
    if post.thread.post_count == 0:
        flash("Your post is deleted, and with it the thread: nothing else was in it.", "info")
        return redirect(url_for("groups.show", group_id=post.thread.group_id))
    flash("Your post is deleted. Replies to it stay in the thread.", "info")
    # Gone from the page unless replies hang under it: show where it was.
    return redirect(post_url(post.thread_id, post.parent_id or post.id))


@bp.route("/posts/<int:post_id>/history")
@login_required
def post_history(post_id: int):
    post, revisions = discussions.post_revisions(current_user, post_id)
    return render_template("threads/history.html", post=post, revisions=revisions)


@bp.route("/threads/<int:thread_id>/<any(pinned, locked, hidden):flag>", methods=["POST"])
@login_required
def set_flag(thread_id: int, flag: str):
    value = request.form.get("value") == "1"
    discussions.set_thread_flag(current_user, thread_id, flag, value)
    words = {"pinned": ("pinned", "unpinned"), "locked": ("locked", "unlocked"),
             "hidden": ("hidden", "visible again")}  # fmt: skip
    flash(f"Thread {words[flag][0 if value else 1]}.", "success")
    return redirect(url_for("threads.show", thread_id=thread_id))


@bp.route("/posts/<int:post_id>/hidden", methods=["POST"])
@login_required
def hide_post(post_id: int):
    value = request.form.get("value") == "1"
    post = discussions.set_post_hidden(current_user, post_id, value)
    flash("Post hidden." if value else "Post visible again.", "success")
    return redirect(post_url(post.thread_id, post.id))
