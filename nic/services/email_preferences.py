"""How each kind of notification reaches a person by email, and one-click unsubscribing.

Every kind can go immediately (batched), in a daily or weekly digest, or
never; the default is the daily digest (no row). An unsubscribe link is
signed (itsdangerous, salt `UNSUBSCRIBE_SALT`) and needs no sign-in: it names
the account and a kind, or every kind. It never expires: a mail read a year
later must still be able to stop the mails.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

from nic.database import begin_write
from nic.errors import NotFound, ValidationError
from nic.extensions import db
from nic.models import EmailFrequency, EmailPreference, NotificationKind, User
from nic.policy import Person
from nic.services import upsert

UNSUBSCRIBE_SALT = "nic.unsubscribe"
EVERY_KIND = "all"
DEFAULT = EmailFrequency.DAILY.value
FREQUENCIES = [f.value for f in EmailFrequency]
FREQUENCY_LABELS = {
    EmailFrequency.IMMEDIATELY.value: "Right away",
    EmailFrequency.DAILY.value: "Daily digest",
    EmailFrequency.WEEKLY.value: "Weekly digest",
    EmailFrequency.NEVER.value: "Never",
}
KIND_LABELS = {
    NotificationKind.MENTIONED.value: "Someone mentions you",
    NotificationKind.REPLIED.value: "Someone replies to your post",
    NotificationKind.WATCHED_POST.value: "New posts in threads you watch",
    NotificationKind.NEW_THREAD.value: "New threads in groups you watch",
    NotificationKind.PRACTICE_TRIED.value: "A school tries your practice",
    NotificationKind.PRACTICE_COMMENTED.value: "Someone comments on your practice",
    NotificationKind.PRACTICE_HELPFUL.value: "Someone finds your practice helpful",
    NotificationKind.SESSION_SOON.value: "A session of your group starts in 15 minutes",
    NotificationKind.SESSION_LIVE.value: "A session of your group goes live",
    NotificationKind.GROUP_ADDED.value: "You are added to a group",
    NotificationKind.MADE_FACILITATOR.value: "You are made a group's facilitator",
}
KINDS = list(KIND_LABELS)


def preferences(user_id: int) -> dict[str, str]:
    """Each kind's email frequency for this person (the default where none is set)."""
    chosen = dict(
        (kind, frequency)
        for kind, frequency in db.session.execute(
            sa.select(EmailPreference.kind, EmailPreference.frequency).where(
                EmailPreference.user_id == user_id
            )
        )
    )
    return {kind: chosen.get(kind, DEFAULT) for kind in KINDS}


def clean_changes(changes: object) -> dict[str, str]:
    """{kind: frequency}, every kind known and every frequency one of the four."""
    if not isinstance(changes, dict) or not changes:
        raise ValidationError("email", "Give at least one kind and how often to email it.")
    errors = {}
    for kind, frequency in changes.items():
        if kind not in KIND_LABELS:
            errors[str(kind)] = "No such kind of notification."
        elif frequency not in FREQUENCIES:
            errors[kind] = "Choose immediately, daily, weekly or never."
    if errors:
        raise ValidationError(errors)
    return dict(changes)


def _store(user_id: int, changes: dict[str, str]) -> None:
    for kind, frequency in changes.items():
        if frequency == DEFAULT:
            db.session.execute(
                sa.delete(EmailPreference).where(
                    EmailPreference.user_id == user_id, EmailPreference.kind == kind
                )
            )
        else:
            upsert.upsert(
                EmailPreference,
                {"user_id": user_id, "kind": kind, "frequency": frequency},
                ["user_id", "kind"],
                {"frequency": frequency},
            )


def set_preferences(user: Person, changes: object) -> dict[str, str]:
    """Change some kinds' frequencies; returns them all. Raises ValidationError."""
    clean = clean_changes(changes)
    begin_write()
    _store(user.id, clean)
    db.session.commit()
    return preferences(user.id)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user_id: int, kind: str = EVERY_KIND) -> str:
    return _serializer().dumps({"user": user_id, "kind": kind})


@dataclass(frozen=True)
class Unsubscribe:
    user: User
    kind: str  # a kind, or EVERY_KIND

    @property
    def what(self) -> str:
        return what_stops(self.kind)


def what_stops(kind: str) -> str:
    """What an unsubscribe link for `kind` stops, in words: "emails when someone mentions you"."""
    if kind == EVERY_KIND:
        return "notification emails"
    return f"emails when {KIND_LABELS[kind][0].lower()}{KIND_LABELS[kind][1:]}"


def read_unsubscribe(token: object) -> Unsubscribe:
    """What an unsubscribe link stops; raises NotFound for a link nic did not make."""
    try:
        data = _serializer().loads(str(token))
    except BadData:
        raise NotFound("This unsubscribe link does not work: it was not copied whole.") from None
    user = db.session.get(User, data.get("user")) if isinstance(data, dict) else None
    kind = data.get("kind") if isinstance(data, dict) else None
    if user is None or (kind != EVERY_KIND and kind not in KIND_LABELS):
        raise NotFound("This unsubscribe link does not work: it was not copied whole.")
    return Unsubscribe(user, kind)


def unsubscribe(token: object) -> Unsubscribe:
    """Stop the mails a link names (no sign-in: the signed link is the proof)."""
    found = read_unsubscribe(token)
    kinds = KINDS if found.kind == EVERY_KIND else [found.kind]
    begin_write()
    _store(found.user.id, dict.fromkeys(kinds, EmailFrequency.NEVER.value))
    db.session.commit()
    return found
