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
    LiveRedisManager,
    drop_member_sockets,
)

__all__ = ["LIVE_NAMESPACE", "publish", "session_room", "user_room"]


def session_room(session_id: int) -> str:
    return f"session:{session_id}"


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def publish(event: str, data: dict[str, Any], room: str) -> None:
    """Emit one event to one room of the live namespace."""
    socketio.emit(event, data, to=room, namespace=LIVE_NAMESPACE)


def member_removed(group_id: int, user_id: int) -> None:
    """Tell a removed member, and drop their sockets that joined the group's sessions.

    Called after the membership was deleted and committed. The notice goes to
    the person's room. With a message queue it reaches every process, and
    each drops its own sockets of theirs (nic.realtime.queue); without one
    this process holds every socket and drops them here. Their disconnect
    handler then announces that they left.
    """
    publish(MEMBER_REMOVED, {"group_id": group_id, "user_id": user_id}, user_room(user_id))
    if not isinstance(socketio.server.manager, LiveRedisManager):
        drop_member_sockets(current_app._get_current_object(), socketio.server, user_id, group_id)
