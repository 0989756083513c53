"""Notifications and following: the notifications page, the header badge, follow levels."""

from __future__ import annotations

from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from nic.errors import ValidationError
from nic.extensions import csrf
from nic.forms.common import optional_int
from nic.responses import wants_json
from nic.services import email_preferences, following, notification_feed
from nic.views.helpers import page_arg, safe_next
from nic.views.threads import post_url

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def badge() -> dict:
    """`unread_notifications()` for the header: one query, only on pages that show it."""

    def unread_notifications() -> int:
        if "nic_unread" not in g:
            g.nic_unread = notification_feed.unread_count(current_user.id)
        return g.nic_unread

    return {
        "unread_notifications": unread_notifications,
        "follow_levels": following.LEVELS,
        "follow_labels": following.LEVEL_LABELS,
        "follow_hints": following.LEVEL_HINTS,
    }


def _unread_only() -> bool:
    return request.values.get("unread") in {"1", "true", "on"}


@bp.route("/notifications")
@login_required
def index():
    feed = notification_feed.feed_page(current_user, page_arg(), _unread_only())
    g.nic_unread = feed.unread
    return render_template("notifications/index.html", feed=feed, unread_only=_unread_only())


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_read():
    """Mark one entry (`id`), a thread's (`thread_id`) or all (`all`) read."""
    entry_id = optional_int(request.form.get("id", ""))
    thread_id = optional_int(request.form.get("thread_id", ""))
    everything = request.form.get("all") == "1"
    try:
        changed = notification_feed.mark_read(
            current_user,
            ids=[entry_id] if entry_id is not None else None,
            thread_id=thread_id,
            everything=everything,
        )
    except ValidationError as exc:
        if wants_json():
            raise
        flash(exc.message, "error")
        changed = None
    back = safe_next(request.form.get("next"), url_for("notifications.index"))
    if wants_json():
        return jsonify(changed=changed, unread=notification_feed.unread_count(current_user.id))
    if changed is not None:
        flash("All caught up." if everything else "Marked as read.", "success")
    return redirect(back)


@bp.route("/notifications/<int:notification_id>")
@login_required
def open_entry(notification_id: int):
    """Open an entry: it is read, and the page it tells of opens at its post."""
    entry = notification_feed.open_entry(current_user, notification_id)
    if entry.post_id is not None and entry.thread_id is not None:
        return redirect(post_url(entry.thread_id, entry.post_id))
    if entry.practice_id is not None:
        return redirect(url_for("practices.show", practice_id=entry.practice_id))
    if entry.session_id is not None:
        return redirect(url_for("live.show", session_id=entry.session_id))
    if entry.group_id is not None:
        return redirect(url_for("groups.show", group_id=entry.group_id))
    return redirect(url_for("notifications.index"))


def _set_level(setter, key: int, back: str):
    try:
        level = setter(current_user, key, request.form.get("level"))
    except ValidationError as exc:
        flash(exc.message, "error")
        return redirect(back)
    label, hint = following.LEVEL_LABELS[level], following.LEVEL_HINTS[level]
    flash(f"Notifications: {label}. {hint}", "success")
    return redirect(back)


@bp.route("/threads/<int:thread_id>/follow", methods=["POST"])
@login_required
def follow_thread(thread_id: int):
    back = safe_next(request.form.get("next"), url_for("threads.show", thread_id=thread_id))
    return _set_level(following.set_thread_level, thread_id, back)


@bp.route("/groups/<int:group_id>/follow", methods=["POST"])
@login_required
def follow_group(group_id: int):
    back = safe_next(request.form.get("next"), url_for("groups.show", group_id=group_id))
    return _set_level(following.set_group_level, group_id, back)


@bp.route("/settings/following")
@login_required
def followed():
    listed = following.followed(current_user)
    return render_template("notifications/following.html", followed=listed)


@bp.route("/settings/notifications", methods=["GET", "POST"])
@login_required
def email_settings():
    """How each kind of notification reaches you by email."""
    chosen = email_preferences.preferences(current_user.id)
    status = 200
    if request.method == "POST":
        wanted = {kind: request.form.get(kind, chosen[kind]) for kind in email_preferences.KINDS}
        try:
            chosen = email_preferences.set_preferences(current_user, wanted)
        except ValidationError as exc:
            flash(exc.message, "error")
            chosen, status = {**chosen, **wanted}, 400
        else:
            flash("Email settings saved.", "success")
            return redirect(url_for("notifications.email_settings"))
    return render_template(
        "notifications/email.html", chosen=chosen, kinds=email_preferences.KIND_LABELS,
        frequencies=email_preferences.FREQUENCY_LABELS,
    ), status  # fmt: skip


@bp.route("/email/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed link is the proof; mail programs POST it (RFC 8058 one-click)
def unsubscribe(token: str):
    """A mail's unsubscribe link: GET asks (link scanners open links), POST stops the mails."""
    if request.method == "POST":
        done = email_preferences.unsubscribe(token)
        return render_template("notifications/unsubscribed.html", found=done, done=True)
    found = email_preferences.read_unsubscribe(token)
    return render_template("notifications/unsubscribed.html", found=found, done=False)
