"""The wrapper every /live client event goes through: payload check, user re-load, ack.

`event(spec, limit=, write=)` turns `fn(user, payload) -> dict` into a
handler that always answers `{"ok": true, ...}` or `{"ok": false, "error":
{"code", "message"}}`: a malformed payload is `invalid`, a service error its
own code, never an exception. See docs/live-protocol.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request
from flask_socketio import Namespace

from nic.database import begin_write
from nic.errors import Conflict, ServiceError, Unauthenticated, ValidationError
from nic.models import User
from nic.realtime import ratelimit
from nic.realtime.presence import current_presence
from nic.services.live import access as live_access

ID_MAX = 2**31 - 1  # ids fit a 32-bit integer column on every backend
Ack = dict[str, Any]


def error_ack(code: str, message: str, fields: dict | None = None) -> Ack:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"ok": False, "error": error}


def _payload(args: tuple, spec: dict[str, tuple[type, bool]]) -> dict[str, Any]:
    """The one payload object, with each field of `spec` ({name: (type, required)}).

    An `int` field is an id (0 to 2**31 - 1; booleans are not numbers);
    `object` accepts anything (the service validates it). Raises ValidationError.
    """
    if len(args) != 1 or not isinstance(args[0], dict):
        raise ValidationError("payload", "Send one JSON object.")
    data = args[0]
    values: dict[str, Any] = {}
    for name, (kind, required) in spec.items():
        value = data.get(name)
        if value is None:
            if required:
                raise ValidationError(name, f"{name} is required.")
            values[name] = None
            continue
        if kind is int:
            ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= ID_MAX
        else:
            ok = kind is object or isinstance(value, kind)
        if not ok:
            raise ValidationError(name, f"{name} has the wrong type.")
        values[name] = value
    return values


def _event_user(session_id: int, lock: bool) -> User:
    """The socket's user, re-loaded for this event (`load_event_user`); raises Unauthenticated."""
    user_id = current_presence().user_of(request.sid)
    user = None
    if user_id is not None:
        user = live_access.load_event_user(user_id, session_id, lock=lock)
    if user is None or not user.is_active:
        raise Unauthenticated()
    return user


SESSION = {"session_id": (int, True)}


def event(
    spec: dict[str, tuple[type, bool]], limit: str | None = None, write: bool = False
) -> Callable[[Callable[..., Ack]], Callable[..., Ack]]:
    """Wrap `fn(user, payload) -> dict` as an event handler that always acks.

    `write`: the event (nearly) always writes, so the write transaction
    (`begin_write`) starts before the user is re-loaded and that read shares
    it, instead of a read transaction of its own that the service would
    commit right away: one BEGIN/COMMIT less on the chat's hot path (about
    0.5 ms of a ~3 ms send, measured in tests/bench/live_fanout.py). The
    service then finds the access loaded with the user, locked for writing.
    """

    def wrap(fn: Callable[..., Ack]) -> Callable[..., Ack]:
        def handler(self: Namespace, *args: Any) -> Ack:
            try:
                payload = _payload(args, {**SESSION, **spec})
                if write:
                    begin_write()
                user = _event_user(payload["session_id"], lock=write)
                if limit is not None:
                    ratelimit.check(limit, user.id)
                return {"ok": True, **fn(user, payload)}
            except Conflict as exc:  # e.g. starting a session twice
                return error_ack("invalid", exc.message)
            except ServiceError as exc:
                return error_ack(exc.code, exc.message, getattr(exc, "fields", None))

        handler.__name__ = handler.__qualname__ = fn.__name__
        handler.__doc__ = fn.__doc__
        return handler

    return wrap
