"""Outbound real-time events: the only code that calls `socketio.emit`.

Services call these after they commit, so a client never hears of something
the database does not hold. Events are plain dicts; the audience is a room:
`session:<id>` for a live session, `user:<id>` for one person's sockets.
"""

from __future__ import annotations

from typing import Any

from nic.extensions import socketio

LIVE_NAMESPACE = "/live"


def session_room(session_id: int) -> str:
    return f"session:{session_id}"


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def publish(event: str, data: dict[str, Any], room: str) -> None:
    """Emit one event to one room of the live namespace."""
    socketio.emit(event, data, to=room, namespace=LIVE_NAMESPACE)


def member_removed(group_id: int, user_id: int) -> None:
    """Tell the removed member's sockets (in any process) to drop that group's sessions."""
    publish("_member_removed", {"group_id": group_id, "user_id": user_id}, user_room(user_id))
