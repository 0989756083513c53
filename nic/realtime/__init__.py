"""Socket.IO: inbound handlers (handlers.py) and outbound publishing (events.py)."""
