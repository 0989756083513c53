"""The header badge over Socket.IO: each person's count reaches only them, and is true."""

from __future__ import annotations

from nic.services import notification_feed
from tests.factories import make_group, make_reply, make_thread, make_user


def test_the_badge_count_reaches_its_owner_only_and_a_reconnect_is_true(app, connect):
    maria = make_user("Maria Lopez")
    james = make_user("James Chen")
    ana = make_user("Ana Ruiz")
    group = make_group("Coaches circle", members=[maria, james, ana])
    thread = make_thread(group, james, "Protecting PLC time")

    james_socket, ana_socket = connect(james), connect(ana)
    # On connect each socket hears its owner's true count.
    assert james_socket.received("notifications") == [{"unread": 0}]
    assert ana_socket.received("notifications") == [{"unread": 0}]

    make_reply(thread, maria, f"@{james.username} we moved PLCs to Tuesday mornings")
    assert james_socket.received("notifications") == [{"unread": 1}]
    assert ana_socket.received("notifications") == []  # the other person hears nothing

    # Offline meanwhile: a reconnect shows the count as it is now.
    james_socket.disconnect()
    make_reply(thread, ana, "Same at Lincoln.")
    again = connect(james)
    assert again.received("notifications") == [{"unread": 2}]

    # Reading them updates every page of his at once.
    notification_feed.mark_read(james, everything=True)
    assert again.received("notifications") == [{"unread": 0}]
    assert ana_socket.received("notifications") == []


def test_a_private_groups_post_sends_no_badge_to_an_outsider(app, connect):
    maria = make_user("Maria Lopez")
    outsider = make_user("Olu Outsider")
    group = make_group("Principals only", visibility="private", members=[maria])
    thread = make_thread(group, maria)
    watcher = connect(outsider)
    watcher.received("notifications")
    make_reply(thread, maria, f"@{outsider.username} you should see this")
    assert watcher.received("notifications") == []
    assert notification_feed.unread_count(outsider.id) == 0
