"""Calendar files: a live session as an iCalendar (RFC 5545) event, for calendar apps.

Built with the `icalendar` package, which escapes text values and folds
long lines (at 75 octets, never inside a UTF-8 character) as the RFC asks.
"""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event

from nic.models import LiveSession, as_utc, utcnow

PRODUCT_ID = "-//nic//Live network sessions//EN"


def session_ics(session: LiveSession, url: str, now: datetime | None = None) -> str:
    """One VEVENT for a session, times in UTC; the agenda and the page's address as its text."""
    description = session.agenda.strip()
    if url:
        description = f"{description}\n\n{url}" if description else url
    if session.video_url:
        description = f"{description}\n\nVideo call: {session.video_url}".strip()
    event = Event()
    event.add("uid", f"session-{session.id}@nic")
    event.add("dtstamp", as_utc(now or utcnow()))
    event.add("dtstart", as_utc(session.starts_at))
    event.add("dtend", as_utc(session.ends_at))
    event.add("summary", session.title)
    event.add("description", description)
    if url:
        event.add("url", url)
    if session.video_url:  # where calendar apps show "Join"
        event.add("location", session.video_url)
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    return calendar.to_ical(sorted=False).decode()
