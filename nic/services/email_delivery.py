"""Notifications by email: right away (batched), and the daily and weekly digests.

What goes out is what the notifications page would show and is news: unread,
still visible to its owner (`notification_feed.visible`), and not mailed
since it last changed (`emailed_at` before `updated_at`). Each entry's kind
goes at its owner's chosen frequency (nic.services.email_preferences).

- Right away: a periodic job every minute sends one mail per person and
  thread, at most one per thread every 10 minutes: replies that arrive in
  between fold into the entry and go in the next mail.
- Digests: an hourly job sends each person with news their daily digest
  once their local day has reached 7:00, or the weekly one from Monday
  7:00; a digest is recorded (`DigestSent`, one per person and period), so
  running the job again sends nothing new. People who were on nic after
  something happened saw it there: the digest leaves it out.

Work is claimed in the database before a mail is queued (entries' `emailed_at`
set with UPDATE ... RETURNING, a digest's record inserted), so two consumers
running the same job at once send each mail once. Sending itself is
`mail.send`'s job, retried with backoff; a post never waits for it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from nic import mail
from nic.database import begin_write
from nic.extensions import db
from nic.jobs import periodic
from nic.models import (
    DigestSent,
    EmailFrequency,
    EmailPreference,
    LoginSession,
    Notification,
    as_utc,
    utcnow,
)
from nic.services import upsert
from nic.services.email_preferences import DEFAULT, EVERY_KIND, unsubscribe_token, what_stops
from nic.services.notification_feed import Entry, Owner, entries_query, entry_of, visible

BATCH_GAP = timedelta(minutes=10)
DIGEST_HOUR = 7
Frequency = EmailFrequency


@dataclass(frozen=True)
class Recipient:
    id: int
    email: str
    name: str
    time_zone: str


@dataclass(frozen=True)
class News:
    recipient: Recipient
    entries: list[Entry]


def _news(frequency: Frequency, *where: sa.ColumnElement[bool]) -> dict[int, News]:
    """Each person's entries to mail at `frequency`, newest first. One query."""
    last_seen = (
        sa.select(sa.func.max(LoginSession.last_seen_at))
        .where(LoginSession.user_id == Notification.user_id)
        .scalar_subquery()
    )
    query = (
        entries_query(
            Owner.email.label("owner_email"), Owner.name.label("owner_name"),
            Owner.time_zone.label("owner_tz"), last_seen.label("last_seen"),
        )
        .outerjoin(
            EmailPreference,
            sa.and_(
                EmailPreference.user_id == Notification.user_id,
                EmailPreference.kind == Notification.kind,
            ),
        )
        .where(
            visible(),
            Owner.is_active_account.is_(True),
            Owner.email_confirmed_at.is_not(None),  # never mail an address nobody confirmed
            Notification.read_at.is_(None),
            sa.or_(
                Notification.emailed_at.is_(None),
                Notification.updated_at > Notification.emailed_at,
            ),
            sa.func.coalesce(EmailPreference.frequency, DEFAULT) == frequency.value,
            *where,
        )
        .order_by(Notification.user_id, Notification.updated_at.desc(), Notification.id.desc())
    )  # fmt: skip
    digest = frequency != Frequency.IMMEDIATELY
    found: dict[int, News] = {}
    for row in db.session.execute(query):
        entry = entry_of(row)
        if (
            digest
            and row.last_seen is not None
            and (as_utc(entry.updated_at) <= as_utc(row.last_seen))
        ):
            continue  # they were on nic after it happened: they saw it there
        owner = row.Notification.user_id
        if owner not in found:
            found[owner] = News(Recipient(owner, row.owner_email, row.owner_name, row.owner_tz), [])
        found[owner].entries.append(entry)
    return found


def _claim(entry_ids: Iterable[int], now: datetime, *, gap: bool) -> set[int]:
    """Mark entries mailed (at the real time, whatever `now` the job was given: it is
    compared with `updated_at`); returns those this caller claimed, not another consumer."""
    ids = sorted(entry_ids)
    if not ids:
        return set()
    fresh = sa.or_(
        Notification.emailed_at.is_(None),
        Notification.updated_at > Notification.emailed_at,
    )
    if gap:
        fresh = sa.and_(
            fresh,
            sa.or_(Notification.emailed_at.is_(None), Notification.emailed_at <= now - BATCH_GAP),
        )
    return set(
        db.session.scalars(
            sa.update(Notification)
            .where(Notification.id.in_(ids), fresh)
            .values(emailed_at=utcnow())
            .returning(Notification.id)
            .execution_options(synchronize_session=False)
        )
    )


def _links(recipient: Recipient, kinds: set[str]) -> dict[str, str]:
    kind = next(iter(kinds)) if len(kinds) == 1 else EVERY_KIND
    token = unsubscribe_token(recipient.id, kind)
    return {
        "unsubscribe": mail.absolute_url("notifications.unsubscribe", token=token),
        "settings": mail.absolute_url("notifications.email_settings"),
        "what": what_stops(kind),
    }


def _headers(links: dict[str, str]) -> dict[str, str]:
    """RFC 2369 and RFC 8058: mail programs show an Unsubscribe button that POSTs the link."""
    return {
        "List-Unsubscribe": f"<{links['unsubscribe']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _open_link(entry: Entry) -> str:
    return mail.absolute_url("notifications.open_entry", notification_id=entry.id)


def _mail(recipient: Recipient, template: str, subject: str, entries: list[Entry],
          **context: object) -> None:  # fmt: skip
    links = _links(recipient, {entry.kind for entry in entries})
    mail.send(
        recipient.email, template, subject, headers=_headers(links), name=recipient.name,
        entries=entries, open_links={entry.id: _open_link(entry) for entry in entries},
        links=links, **context,
    )  # fmt: skip


def _topic(entry: Entry) -> int:
    return entry.thread_id if entry.thread_id is not None else -entry.id


def send_immediate(now: datetime | None = None) -> int:
    """Mail what is due right away: per person and thread, one mail in 10 minutes at most.
    Returns how many mails were queued."""
    now = now or utcnow()
    news = _news(Frequency.IMMEDIATELY)
    recently = {
        (user_id, thread_id)
        for user_id, thread_id in db.session.execute(
            sa.select(Notification.user_id, Notification.thread_id).where(
                Notification.user_id.in_(list(news)),
                Notification.thread_id.is_not(None),
                Notification.emailed_at > now - BATCH_GAP,
            )
        )
    } if news else set()  # fmt: skip
    db.session.rollback()
    sent = 0
    for owner, found in news.items():
        topics: dict[int, list[Entry]] = defaultdict(list)
        for entry in found.entries:
            if (owner, entry.thread_id) not in recently:
                topics[_topic(entry)].append(entry)
        for entries in topics.values():
            begin_write()
            claimed = _claim((e.id for e in entries), now, gap=True)
            db.session.commit()
            entries = [e for e in entries if e.id in claimed]
            if entries:
                first = entries[0]
                where = first.thread_title or first.practice_title or first.session_title
                subject = f"{first.summary}" + (f" in “{where}”" if first.thread_title else "")
                _mail(found.recipient, "notification", subject, entries, where=where)
                sent += 1
    return sent


def digest_period(frequency: Frequency, time_zone: str, now: datetime) -> str | None:
    """The digest period due for someone in `time_zone` at `now`, None before 7:00 of it:
    "2026-12-02" (daily), "2026-W49" (weekly, due from Monday 7:00)."""
    try:
        local = as_utc(now).astimezone(ZoneInfo(time_zone))
    except (KeyError, ValueError):
        local = as_utc(now)
    if frequency == Frequency.DAILY:
        return local.date().isoformat() if local.hour >= DIGEST_HOUR else None
    year, week, weekday = local.isocalendar()
    if weekday == 1 and local.hour < DIGEST_HOUR:
        return None
    return f"{year}-W{week:02d}"


def send_digests(frequency: Frequency, now: datetime | None = None) -> int:
    """Send each person with news their digest for the period due, once. Returns how many."""
    now = now or utcnow()
    news = _news(frequency)
    db.session.rollback()
    sent = 0
    for owner, found in news.items():
        period = digest_period(frequency, found.recipient.time_zone, now)
        if period is None or not found.entries:
            continue
        begin_write()
        first_time = upsert.insert_missing(
            DigestSent,
            {"user_id": owner, "frequency": frequency.value, "period": period,
             "entries": len(found.entries), "sent_at": now},
            ["user_id", "frequency", "period"],
        )  # fmt: skip
        claimed = _claim((e.id for e in found.entries), now, gap=False) if first_time else set()
        db.session.commit()
        entries = [e for e in found.entries if e.id in claimed]
        if not entries:
            continue
        by_group: dict[str, list[Entry]] = defaultdict(list)
        for entry in entries:
            by_group[entry.group_name or "Your account"].append(entry)
        label = "daily" if frequency == Frequency.DAILY else "weekly"
        noun = "thing" if len(entries) == 1 else "things"
        subject = f"Your {label} nic digest: {len(entries)} new {noun}"
        _mail(found.recipient, "digest", subject, entries, groups=dict(by_group), label=label)
        sent += 1
    return sent


@periodic(minute="*")
def mail_immediately() -> None:
    send_immediate()


@periodic(minute="5")
def mail_digests() -> None:
    send_digests(Frequency.DAILY)
    send_digests(Frequency.WEEKLY)
