"""The message queue between server processes (Redis), with nic's own hooks.

With several processes, a socket lives in exactly one of them, and only that
process can take it out of a room or disconnect it. python-socketio relays
emits through Redis to every process (the sender's own included), so nic
hangs server-side work on the notices it relays: when a member is removed
from a group, each process drops its own sockets of theirs from that group's
sessions, and the removed person stops receiving the session's broadcasts at
once, wherever they are connected.
"""

from __future__ import annotations

from typing import Any

import socketio
from flask import Flask

from nic.realtime.installation import queue_channel
from nic.realtime.presence import current_presence

LIVE_NAMESPACE = "/live"
MEMBER_REMOVED = "member_removed"


def drop_member_sockets(app: Flask, server: Any, user_id: int, group_id: int) -> None:
    """Disconnect this process's sockets of the user that joined the group's sessions."""
    with app.app_context():
        sids = current_presence().sockets_in_group(user_id, group_id)
    for sid in sids:
        server.disconnect(sid, namespace=LIVE_NAMESPACE)


class LiveRedisManager(socketio.RedisManager):
    """A RedisManager that also acts on `member_removed` in every process."""

    def __init__(self, url: str, app: Flask, **kwargs: Any) -> None:
        super().__init__(url, **kwargs)
        self.app = app

    def _handle_emit(self, message: dict[str, Any]) -> None:
        super()._handle_emit(message)
        if message.get("namespace") == LIVE_NAMESPACE and message.get("event") == MEMBER_REMOVED:
            data = message.get("data") or {}
            if isinstance(data, list):  # python-socketio wraps the payload in a list
                data = data[0] if data else {}
            user_id, group_id = data.get("user_id"), data.get("group_id")
            if isinstance(user_id, int) and isinstance(group_id, int):
                drop_member_sockets(self.app, self.server, user_id, group_id)


def client_manager(app: Flask, url: str | None) -> LiveRedisManager | None:
    """The manager for NIC_MESSAGE_QUEUE: Redis, or None for a single process.

    Raises ValueError for any other kind of queue: nic's cross-process hooks
    are built on the Redis manager.
    """
    if not url:
        return None
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(f"NIC_MESSAGE_QUEUE must be a redis:// URL, not {url!r}.")
    return LiveRedisManager(url, app=app, channel=queue_channel(app.config))
