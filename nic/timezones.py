"""Time zones as people name them: "Eastern Time (US & Canada)", not "America/New_York".

The stored value stays an IANA id (what `zoneinfo` reads); this module only gives
each id a label for the page. Networks are mostly in the United States, so the
zones school leaders live in come first with the names they know (the ones US
calendars use); every other zone is listed by its city, grouped by region.
"""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

DEFAULT_ZONE = "America/New_York"

COMMON_ZONES: dict[str, str] = {
    "America/New_York": "Eastern Time (US & Canada)",
    "America/Chicago": "Central Time (US & Canada)",
    "America/Denver": "Mountain Time (US & Canada)",
    "America/Phoenix": "Arizona (Mountain Time, no daylight saving)",
    "America/Los_Angeles": "Pacific Time (US & Canada)",
    "America/Anchorage": "Alaska Time",
    "Pacific/Honolulu": "Hawaii Time",
    "America/Halifax": "Atlantic Time (Canada)",
    "America/Puerto_Rico": "Atlantic Time (Puerto Rico, US Virgin Islands)",
    "America/St_Johns": "Newfoundland Time",
    "Pacific/Guam": "Chamorro Time (Guam, Northern Mariana Islands)",
    "Pacific/Pago_Pago": "Samoa Time (American Samoa)",
    "UTC": "Coordinated Universal Time (UTC)",
}

_REGIONS = {
    "Africa": "Africa",
    "America": "The Americas",
    "Antarctica": "Antarctica",
    "Arctic": "Arctic",
    "Asia": "Asia",
    "Atlantic": "Atlantic Ocean",
    "Australia": "Australia",
    "Europe": "Europe",
    "Indian": "Indian Ocean",
    "Pacific": "Pacific Ocean",
}
COMMON_GROUP = "United States, Canada and UTC"
OTHER_GROUP = "Other"


def zone_label(zone_id: str | None) -> str:
    """A time zone's name for people: the familiar name, else "City (Region / Country)"."""
    if not zone_id:
        return COMMON_ZONES[DEFAULT_ZONE]
    if zone_id in COMMON_ZONES:
        return COMMON_ZONES[zone_id]
    parts = [p.replace("_", " ") for p in zone_id.split("/")]
    if len(parts) == 1:
        return parts[0]
    return f"{parts[-1]} ({' / '.join(parts[:-1])})"


@cache
def zone_groups() -> dict[str, list[tuple[str, str]]]:
    """Every zone as (id, label), in groups for a select's <optgroup>s: common zones first."""
    groups: dict[str, list[tuple[str, str]]] = {COMMON_GROUP: list(COMMON_ZONES.items())}
    rest: dict[str, list[tuple[str, str]]] = {}
    for zone_id in available_timezones() - set(COMMON_ZONES):
        region = _REGIONS.get(zone_id.split("/")[0], OTHER_GROUP) if "/" in zone_id else OTHER_GROUP
        rest.setdefault(region, []).append((zone_id, zone_label(zone_id)))
    for region in sorted(rest, key=lambda r: (r == OTHER_GROUP, r)):
        groups[region] = sorted(rest[region], key=lambda pair: pair[1])
    return groups
