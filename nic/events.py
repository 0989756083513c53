"""Outbound real-time events: the only code that calls `socketio.emit`.

The bottom layer: it knows `socketio` and nothing of who is connected, so
any service can import it. Services call these after they commit, so a
client never hears of something the database does not hold. Events are
plain dicts; the audience is a room: `session:<id>` for a live session,
`user:<id>` for one person's sockets.

Two events are also notices to the servers: `member_removed` and
`signed_out` name sockets to disconnect. The client manager that
`register_realtime` installs (nic.realtime.queue) acts on them in every
server process, since only the process holding a socket can drop it.
"""

from __future__ import annotations

from typing import Any

from nic.extensions import socketio

LIVE_NAMESPACE = "/live"
MEMBER_REMOVED = "member_removed"
SIGNED_OUT = "signed_out"
# No socket ever joins this room: notices sent to it are only for the servers.
SERVERS_ROOM = "nic:servers"


def session_room(session_id: int) -> str:
    return f"session:{session_id}"


def facilitators_room(session_id: int) -> str:
    """The session's facilitators: what the room does not see (who asked anonymously,
    hidden poll results)."""
    return f"session:{session_id}:facilitators"


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def login_credential(login_id: int) -> str:
    """How a socket opened with a sign-in's cookie is known (see `signed_out`)."""
    return f"login:{login_id}"


def token_credential(token_id: int) -> str:
    """How a socket opened with an API token is known."""
    return f"token:{token_id}"


def publish(event: str, data: dict[str, Any], room: str) -> None:
    """Emit one event to one room of the live namespace."""
    socketio.emit(event, data, to=room, namespace=LIVE_NAMESPACE)


def member_removed(group_id: int, user_id: int) -> None:
    """Tell a removed member; their sockets in the group's sessions are then dropped.

    Called after the membership was deleted and committed. The notice goes to
    the person's room; their disconnect handler then announces that they left.
    """
    publish(MEMBER_REMOVED, {"group_id": group_id, "user_id": user_id}, user_room(user_id))


def signed_out(user_id: int, credentials: list[str] | None) -> None:
    """Drop the person's sockets opened with `credentials` (None: all of theirs).

    Called after a sign-in was ended, a token revoked or an account
    deactivated, and committed. A dropped socket's client is told it was
    disconnected by the server and does not reconnect on its own.
    """
    publish(SIGNED_OUT, {"user_id": user_id, "credentials": credentials}, SERVERS_ROOM)


NOTIFICATIONS = "notifications"


def notifications_changed(user_id: int, unread: int, to: str | None = None) -> None:
    """Tell one person's pages their unread count (the header badge): their room, or
    `to`, one of their sockets (a connection just made)."""
    publish(NOTIFICATIONS, {"unread": unread}, to or user_room(user_id))
