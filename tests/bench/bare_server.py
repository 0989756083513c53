"""Bare Flask-SocketIO chat server: the framework's own fan-out ceiling.

It speaks the subset of nic's live protocol that the fan-out benchmark uses
(namespace ``/live``): ``join`` puts the client in the room ``session:<id>``,
``send`` builds a message and broadcasts it as ``message`` to that room. There is
no database, no auth, no rate limit: only join a room and broadcast.

Usage::

    python tests/bench/bare_server.py [PORT]

The port comes from argv, else ``$BARE_PORT``, else 5055. The async mode comes
from ``$BARE_ASYNC_MODE``: ``gevent`` (default; monkey-patches first and is served
by gevent's WSGIServer with gevent-websocket's ``WebSocketHandler``) or
``threading`` (Werkzeug's threaded server, WebSocket via simple-websocket).

``GET /stats`` returns the async mode and the engine.io transport of every
connection seen so far, so a harness can check that WebSocket really was used.
"""

from __future__ import annotations

import os
from pathlib import Path

ASYNC_MODE = os.environ.get("BARE_ASYNC_MODE", "gevent")

if ASYNC_MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()

import itertools  # noqa: E402
import sys  # noqa: E402
from collections import Counter  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from typing import Any  # noqa: E402

from flask import Flask, jsonify, request  # noqa: E402
from flask_socketio import SocketIO, emit, join_room  # noqa: E402

NAMESPACE = "/live"

app = Flask(__name__)
socketio = SocketIO(app, async_mode=ASYNC_MODE, cors_allowed_origins=[])

_ids = itertools.count(1)
_transports: Counter[str] = Counter()
_connected = 0
_broadcasts = 0


def _room(session_id: int) -> str:
    return f"session:{session_id}"


def _session_id(data: Any) -> int | None:
    if not isinstance(data, dict):
        return None
    value = data.get("session_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _error(code: str, message: str) -> dict[str, Any]:
    return {"ok": False, "error": {"code": code, "message": message}}


@socketio.on("connect", namespace=NAMESPACE)
def on_connect(auth: Any = None) -> None:
    global _connected
    sid: str = request.sid  # type: ignore[attr-defined]
    eio_sid = socketio.server.manager.eio_sid_from_sid(sid, NAMESPACE)
    _transports[socketio.server.eio.transport(eio_sid)] += 1
    _connected += 1


@socketio.on("disconnect", namespace=NAMESPACE)
def on_disconnect(reason: Any = None) -> None:
    global _connected
    _connected -= 1


@socketio.on("join", namespace=NAMESPACE)
def on_join(data: Any) -> dict[str, Any]:
    session_id = _session_id(data)
    if session_id is None:
        return _error("bad_request", "session_id must be an integer")
    join_room(_room(session_id))
    return {"ok": True, "session_id": session_id}


@socketio.on("send", namespace=NAMESPACE)
def on_send(data: Any) -> dict[str, Any]:
    global _broadcasts
    session_id = _session_id(data)
    if session_id is None:
        return _error("bad_request", "session_id must be an integer")
    sid: str = request.sid  # type: ignore[attr-defined]
    msg = {
        "id": next(_ids),
        "session_id": session_id,
        "body": str(data.get("body", "")),
        "client_msg_id": data.get("client_msg_id"),
        "author": {"id": 0, "name": f"bench-{sid[:6]}"},
        "created_at": datetime.now(UTC).isoformat(),
    }
    emit("message", msg, to=_room(session_id))
    _broadcasts += 1
    return {"ok": True, "message": msg}


@app.get("/stats")
def stats() -> Any:
    return jsonify(
        async_mode=socketio.async_mode,
        connected=_connected,
        transports=dict(_transports),
        messages=_broadcasts,
    )


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get("BARE_PORT", "5055"))
    if os.environ.get("BARE_TUNE_GC"):
        # The same process tuning nic's server applies (nic/runtime.py).
        sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
        from nic.runtime import tune_gc

        tune_gc()
    print(f"bare_server: async_mode={socketio.async_mode} port={port}", flush=True)
    if ASYNC_MODE == "threading":
        socketio.run(app, host="127.0.0.1", port=port, allow_unsafe_werkzeug=True, log_output=False)
    else:
        socketio.run(app, host="127.0.0.1", port=port)


if __name__ == "__main__":
    main()
