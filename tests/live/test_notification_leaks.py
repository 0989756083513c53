"""The leak matrix: an outsider, and a member who left, learn nothing of a private group's
activity by any channel: the notifications page, the API, the live badge, or email."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from nic.models import EmailFrequency
from nic.services import (
    email_delivery,
    email_preferences,
    following,
    groups,
    notification_feed,
    tokens,
)
from tests.factories import make_group, make_reply, make_thread, make_user
from tests.mailserver import outbox

TOMORROW_MORNING = datetime.now(UTC).replace(hour=13, minute=0) + timedelta(days=1)


def channels(app, login, connect, user) -> dict:
    """What `user` is shown of their notifications, channel by channel."""
    client = login(user)
    page = client.get("/notifications").get_data(as_text=True)
    api = client.get("/api/v1/notifications").get_json()
    # A token, not a second sign-in: a sign-in's write after the page's requests waits on
    # SQLite's lock in this test harness (the socket is the person's all the same).
    socket = connect(None, auth={"token": tokens.create_token(user, "leak matrix").secret})
    badge = socket.received("notifications")
    mailed_before = {m["Message-ID"] for m in outbox(app)}
    email_delivery.send_immediate()
    email_delivery.send_digests(EmailFrequency.DAILY, TOMORROW_MORNING)
    return {
        "page": "Staffing for next year" in page,
        "api": api["total"],
        "badge": badge,
        "email": [
            m["Subject"]
            for m in outbox(app)
            if m["To"] == user.email and m["Message-ID"] not in mailed_before
        ],
    }


def test_an_outsider_and_a_member_who_left_learn_nothing(app, login, connect):
    maria = make_user("Maria Lopez", email="maria@example.org")
    james = make_user("James Chen", email="james@example.org")
    outsider = make_user("Olu Outsider", email="olu@example.org")
    for person in (james, outsider):
        email_preferences.set_preferences(
            person, dict.fromkeys(email_preferences.KINDS, "immediately")
        )
    private = make_group("Principals only", visibility="private", members=[maria, james])
    thread = make_thread(private, maria, "Staffing for next year")
    # An outsider cannot watch the group or the thread (404), and a mention tells them nothing.
    assert (
        login(outsider).post_form(f"/groups/{private.id}/follow", {"level": "watching"}).status_code
        == 404
    )
    make_reply(thread, maria, f"@{outsider.username} and @{james.username}: ideas?")
    assert notification_feed.unread_count(james.id) == 1

    assert channels(app, login, connect, outsider) == {
        "page": False, "api": 0, "badge": [{"unread": 0}], "email": [],
    }  # fmt: skip

    # James watches the whole group, then leaves it: he hears nothing more of it, and what
    # he was told while a member leaves his page, the API and the badge.
    following.set_group_level(james, private.id, "watching")
    groups.leave_group(james, private.id)
    make_reply(thread, maria, "Another thought after James left.")
    assert channels(app, login, connect, james) == {
        "page": False, "api": 0, "badge": [{"unread": 0}], "email": [],
    }  # fmt: skip
