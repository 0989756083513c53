"""The client managers `register_realtime` installs: nic's hooks on every emit.

One process without a queue, or several sharing Redis: either way the
manager sees each event nic publishes (nic.events) and acts on the notices
that name sockets to drop.

With several processes, a socket lives in exactly one of them, and only that
process can take it out of a room or disconnect it. python-socketio relays
emits through Redis to every process (the sender's own included), so nic
hangs server-side work on the notices it relays: when a member is removed
from a group, each process drops its own sockets of theirs from that group's
sessions, and the removed person stops receiving the session's broadcasts at
once, wherever they are connected; when a sign-in ends or a token is
revoked, each process drops its own sockets that were opened with it.
"""

from __future__ import annotations

from typing import Any

import socketio
from flask import Flask

from nic.events import LIVE_NAMESPACE, MEMBER_REMOVED, SIGNED_OUT
from nic.realtime.installation import queue_channel
from nic.realtime.presence import Presence, current_presence


def _member_removed(presence: Presence, data: dict[str, Any]) -> list[str]:
    user_id, group_id = data.get("user_id"), data.get("group_id")
    if not isinstance(user_id, int) or not isinstance(group_id, int):
        return []
    return presence.sockets_in_group(user_id, group_id)


def _signed_out(presence: Presence, data: dict[str, Any]) -> list[str]:
    user_id, credentials = data.get("user_id"), data.get("credentials")
    if not isinstance(user_id, int) or not (credentials is None or isinstance(credentials, list)):
        return []
    return presence.sockets_signed_in_with(user_id, credentials)


# Notice -> the sockets (of this process) it says to disconnect.
DROPS = {MEMBER_REMOVED: _member_removed, SIGNED_OUT: _signed_out}


def drop_sockets(app: Flask, server: Any, event: str, data: dict[str, Any]) -> None:
    """Disconnect this process's sockets that the notice `event` with `data` names."""
    with app.app_context():
        sids = DROPS[event](current_presence(), data)
    for sid in sids:
        server.disconnect(sid, namespace=LIVE_NAMESPACE)


def _as_notice(event: Any, data: Any) -> dict[str, Any] | None:
    """The payload of a drop notice (None for any other event)."""
    if event not in DROPS:
        return None
    if isinstance(data, list):  # python-socketio wraps the payload in a list
        data = data[0] if data else {}
    return data if isinstance(data, dict) else None


class LiveLocalManager(socketio.Manager):
    """The manager of a single process: it holds every socket, so it drops them itself."""

    def __init__(self, app: Flask) -> None:
        super().__init__()
        self.app = app

    def emit(self, event: str, data: Any, namespace: str, **kwargs: Any) -> Any:
        result = super().emit(event, data, namespace, **kwargs)
        notice = _as_notice(event, data) if namespace == LIVE_NAMESPACE else None
        if notice is not None:
            drop_sockets(self.app, self.server, event, notice)
        return result


class LiveRedisManager(socketio.RedisManager):
    """A RedisManager that also acts on nic's drop notices in every process."""

    def __init__(self, url: str, app: Flask, **kwargs: Any) -> None:
        super().__init__(url, **kwargs)
        self.app = app

    def _handle_emit(self, message: dict[str, Any]) -> None:
        super()._handle_emit(message)
        event = message.get("event")
        notice = None
        if message.get("namespace") == LIVE_NAMESPACE:
            notice = _as_notice(event, message.get("data"))
        if notice is not None:
            drop_sockets(self.app, self.server, event, notice)


def client_manager(app: Flask, url: str | None) -> socketio.Manager:
    """The manager for NIC_MESSAGE_QUEUE: Redis, or the local one for a single process.

    Raises ValueError for any other kind of queue: nic's cross-process hooks
    are built on the Redis manager.
    """
    if not url:
        return LiveLocalManager(app)
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(f"NIC_MESSAGE_QUEUE must be a redis:// URL, not {url!r}.")
    return LiveRedisManager(url, app=app, channel=queue_channel(app.config))
