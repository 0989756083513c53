"""Names a person recognises for a browser: "Safari on iPhone", "Chrome on Windows"."""

from __future__ import annotations

from functools import lru_cache

from ua_parser import parse

UNKNOWN = "Unknown browser"
# Devices named better by their model than by their system.
_DEVICE_NAMES = {"iPhone", "iPad", "iPod"}
_SYSTEM_NAMES = {"Mac OS X": "macOS"}


@lru_cache(maxsize=512)
def device_label(user_agent: str) -> str:
    """The browser and system (or device) a User-Agent string names."""
    if not user_agent:
        return UNKNOWN
    result = parse(user_agent)
    browser = result.user_agent.family if result.user_agent else None
    system = result.os.family if result.os else None
    device = result.device.family if result.device else None
    if device in _DEVICE_NAMES:
        system = device
    system = _SYSTEM_NAMES.get(system, system) if system else None
    if browser in (None, "Other"):
        browser = None
    if system in (None, "Other"):
        system = None
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or UNKNOWN
