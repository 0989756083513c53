"""The wrapper every /live client event goes through: payload check, access load, ack.

`event(spec, limit=, lock=)` turns `fn(access, payload) -> dict` into a
handler that always answers `{"ok": true, ...}` or `{"ok": false, "error":
{"code", "message"}}`: a malformed payload is `invalid`, a service error its
own code, never an exception. See docs/live-protocol.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request
from flask_socketio import Namespace

from nic.errors import Conflict, ServiceError
from nic.realtime import payloads, ratelimit
from nic.realtime.presence import current_presence
from nic.services.live import access as live_access

Ack = dict[str, Any]


def error_ack(code: str, message: str, fields: dict | None = None) -> Ack:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"ok": False, "error": error}


def event(
    spec: dict[str, Callable[[], Any]],
    limit: str | None = None,
    lock: bool = False,
    access: bool = True,
) -> Callable[[Callable[..., Ack]], Callable[..., Ack]]:
    """Wrap `fn(access, payload) -> dict` as an event handler that always acks.

    `spec` names the payload's fields besides `session_id`, each with its
    maker from nic.realtime.payloads (`required_id`, `optional_flag`, ...).

    The wrapper re-loads the socket's user with their access to the payload's
    session (`live_access.event_access`, one query in the write transaction)
    and hands that access to `fn`, which passes it to the one service it
    calls: nothing is loaded or authorized twice. `lock` takes the session's
    row lock too (chat messages: ids committed in order). `access=False`
    hands `fn` only the re-loaded user, for events about the socket itself
    (leaving a room) that need no standing in the session.
    """

    def wrap(fn: Callable[..., Ack]) -> Callable[..., Ack]:
        schema = payloads.schema_for(fn.__name__, spec)

        def handler(self: Namespace, *args: Any) -> Ack:
            try:
                payload = payloads.load(schema, args)
                user_id = current_presence().user_of(request.sid)
                if access:
                    loaded: Any = live_access.event_access(
                        user_id, payload["session_id"], lock=lock
                    )
                    user = loaded.user
                else:
                    loaded = user = live_access.event_user(user_id)
                if limit is not None:
                    ratelimit.check(limit, user.id)
                return {"ok": True, **fn(loaded, payload)}
            except Conflict as exc:  # e.g. starting a session twice
                return error_ack("invalid", exc.message)
            except ServiceError as exc:
                return error_ack(exc.code, exc.message, getattr(exc, "fields", None))

        handler.__name__ = handler.__qualname__ = fn.__name__
        handler.__doc__ = fn.__doc__
        return handler

    return wrap
