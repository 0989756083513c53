"""Inbound Socket.IO handlers (namespace /live)."""

from __future__ import annotations

from flask_socketio import SocketIO


def register_handlers(socketio: SocketIO) -> None:
    """Attach the handlers; safe to call for every app the factory builds."""
