"""Session reminders: a group's members are told 15 minutes before a session starts.

A periodic job looks every minute. Each session is claimed in the database
before anyone is told (`reminded_at` set where it was empty), so two
consumers running the job at once remind each member once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from nic.database import begin_write
from nic.extensions import db
from nic.jobs import periodic
from nic.models import LiveSession, NotificationKind, SessionStatus, utcnow
from nic.services import notification_feed, notifications

REMIND_BEFORE = timedelta(minutes=15)


def remind_soon(now: datetime | None = None) -> list[int]:
    """Tell the members of every scheduled session starting within 15 minutes (once).
    Returns the ids of the sessions reminded."""
    now = now or utcnow()
    due = list(
        db.session.scalars(
            sa.select(LiveSession).where(
                LiveSession.status == SessionStatus.SCHEDULED.value,
                LiveSession.reminded_at.is_(None),
                LiveSession.starts_at <= now + REMIND_BEFORE,
                LiveSession.starts_at > now - REMIND_BEFORE,  # long past: too late to say "soon"
            )
        )
    )
    db.session.rollback()
    reminded = []
    for session in due:
        begin_write()
        claimed = db.session.execute(
            sa.update(LiveSession)
            .where(LiveSession.id == session.id, LiveSession.reminded_at.is_(None))
            .values(reminded_at=now)
        ).rowcount
        told = (
            notifications.session_news(session, NotificationKind.SESSION_SOON, None)
            if claimed
            else set()
        )
        db.session.commit()
        notification_feed.publish_counts(told)
        if claimed:
            reminded.append(session.id)
    return reminded


@periodic(minute="*")
def remind_sessions() -> None:
    remind_soon()
