"""Serving HTTP and Socket.IO from `python wsgi.py`, with no Nagle stall.

gevent's pywsgi (and Werkzeug's server) write a response's headers and its
body in two `send` calls. On a kept-alive connection Nagle's algorithm holds
the second write back until the client acknowledges the first, and the
client delays that ACK (40 ms on Linux, 200 ms on Windows): every response
after a connection's first arrived about 40 ms late (docs/BENCHMARKS.md,
"HTTP pages"). The listening socket is therefore opened here with
`TCP_NODELAY`, which every accepted connection inherits, as gunicorn does
for its own sockets. Nothing in gevent is patched.
"""

from __future__ import annotations

import socket
from typing import Any

from flask import Flask

LISTEN_BACKLOG = 1024


def nodelay_listener(host: str, port: int) -> socket.socket:
    """A bound, listening TCP socket whose connections send small writes at once."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    listener.bind((host, port))
    listener.listen(LISTEN_BACKLOG)
    return listener


def make_server(app: Flask, host: str, port: int, async_mode: str) -> Any:
    """The server `serve` runs: gevent's WSGIServer (with WebSocket) or Werkzeug's.

    Socket.IO rides on the app's WSGI callable (Flask-SocketIO wraps
    `app.wsgi_app`), so either server carries HTTP and Socket.IO alike.
    """
    if async_mode == "gevent":
        from gevent import pywsgi
        from geventwebsocket.handler import WebSocketHandler

        listener = nodelay_listener(host, port)
        return pywsgi.WSGIServer(listener, app, handler_class=WebSocketHandler, log=None)
    from werkzeug.serving import make_server as werkzeug_server

    server = werkzeug_server(host, port, app, threaded=True)
    server.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return server


def serve(app: Flask, host: str, port: int, async_mode: str) -> None:
    """Serve `app` on host:port until the process is stopped (the server stack alone: the
    benchmarks' bare app runs on it too; wsgi.py starts nic's job consumer beside it)."""
    make_server(app, host, port, async_mode).serve_forever()
