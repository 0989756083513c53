"""Per-user rate limits for socket events, shared by every server process.

Flask-Limiter guards HTTP routes but never sees Socket.IO events, so the live
namespace asks the `limits` library directly. The storage comes from
NIC_RATELIMIT_STORAGE_URI (memory:// for one process; redis://... so several
processes count together). A moving window keeps a burst from straddling
two fixed windows.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from limits import RateLimitItem, parse, storage, strategies

from nic.errors import RateLimited
from nic.realtime.installation import installation_scope

EXTENSION_KEY = "nic_live_ratelimit"
# Writing (messages, questions) and the lighter clicks (react, vote, hands).
DEFAULT_LIMITS = {"write": "10 per 10 seconds", "action": "30 per 10 seconds"}


@dataclass(frozen=True)
class SocketLimits:
    limiter: strategies.MovingWindowRateLimiter
    items: dict[str, RateLimitItem]
    # User ids are per database: installations sharing one Redis must not share counts.
    scope: str


def _limits() -> SocketLimits:
    """This app's limiter, built from its configuration on first use."""
    existing = current_app.extensions.get(EXTENSION_KEY)
    if existing is not None:
        return existing
    config = current_app.config
    uri = config.get("NIC_RATELIMIT_STORAGE_URI", "memory://")
    configured = config.get("NIC_LIVE_RATE_LIMITS", {})
    items = {kind: parse(configured.get(kind, text)) for kind, text in DEFAULT_LIMITS.items()}
    limiter = strategies.MovingWindowRateLimiter(storage.storage_from_string(uri))
    built = SocketLimits(limiter, items, installation_scope(config))
    return current_app.extensions.setdefault(EXTENSION_KEY, built)


def check(kind: str, user_id: int) -> None:
    """Count one event of this kind ("write" or "action"); raises RateLimited past the limit."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    limits = _limits()
    if not limits.limiter.hit(limits.items[kind], "nic-live", limits.scope, kind, str(user_id)):
        raise RateLimited()
