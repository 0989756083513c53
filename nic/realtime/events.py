"""Outbound real-time events: the only code that calls `socketio.emit`.

Services call these after they commit, so a client never hears of something
the database does not hold. Events are plain dicts; the audience is a room:
`session:<id>` for a live session, `user:<id>` for one person's sockets.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from nic.extensions import socketio
from nic.realtime.queue import (
    LIVE_NAMESPACE,
    MEMBER_REMOVED,
    SIGNED_OUT,
    LiveRedisManager,
    drop_sockets,
)

__all__ = ["LIVE_NAMESPACE", "publish", "session_room", "user_room"]

# No socket ever joins this room: notices sent to it are only for the servers.
SERVERS_ROOM = "nic:servers"


def session_room(session_id: int) -> str:
    return f"session:{session_id}"


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
    """Tell a removed member, and drop their sockets that joined the group's sessions.

    Called after the membership was deleted and committed. The notice goes to
    the person's room; their disconnect handler then announces that they left.
    """
    data = {"group_id": group_id, "user_id": user_id}
    publish(MEMBER_REMOVED, data, user_room(user_id))
    _drop_here(MEMBER_REMOVED, data)


def signed_out(user_id: int, credentials: list[str] | None) -> None:
    """Drop the person's sockets opened with `credentials` (None: all of theirs).

    Called after a sign-in was ended, a token revoked or an account
    deactivated, and committed. A dropped socket's client is told it was
    disconnected by the server and does not reconnect on its own.
    """
    data = {"user_id": user_id, "credentials": credentials}
    publish(SIGNED_OUT, data, SERVERS_ROOM)
    _drop_here(SIGNED_OUT, data)


def _drop_here(event: str, data: dict[str, Any]) -> None:
    """Act on a drop notice in this process, unless the queue brings it back to every one.

    With a message queue the notice reaches every process, each dropping its
    own sockets (nic.realtime.queue); without one this process holds them all.
    """
    if not isinstance(socketio.server.manager, LiveRedisManager):
        drop_sockets(current_app._get_current_object(), socketio.server, event, data)
