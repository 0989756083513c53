"""Signed links by mail: one seam for every "click this to prove it is you" link.

A link carries a small JSON payload signed with SECRET_KEY (itsdangerous),
under a salt of its own kind, so a token made for one purpose never works
for another. Each `LinkKind` says how long its links work and what state of
the account they are bound to (`binds`: a few fingerprints, say of the
password hash or of the email address); once that state changes, every
earlier link of the kind stops matching, which makes links single use
without storing them. Links that name a row instead of an account (an
invitation, nic.services.invitations) use `sign` and `unsign`, and check the
row themselves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from nic.errors import ValidationError
from nic.extensions import db
from nic.models import User


@dataclass(frozen=True)
class LinkKind:
    """One purpose of link: its salt, lifetime, what it is bound to, and what a bad one says."""

    salt: str
    max_age: int  # seconds
    expired: str
    unusable: str
    binds: Callable[[User], dict[str, str]] = lambda user: {}


class LinkError(ValidationError):
    """The link is expired, used, stale, or not one nic made (field `token`)."""

    def __init__(self, message: str) -> None:
        super().__init__("token", message)


def fingerprint(value: str) -> str:
    """A short digest of account state to bind a link to, without putting it in the link."""
    return hashlib.sha256(value.encode()).hexdigest()[:20]


def _serializer(kind: LinkKind) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=kind.salt)


def sign(kind: LinkKind, **payload: Any) -> str:
    """A token of `kind` carrying `payload` (JSON values), timestamped now."""
    return _serializer(kind).dumps(payload)


def unsign(kind: LinkKind, token: object) -> dict[str, Any]:
    """The payload of a token of `kind`; raises LinkError with `kind.expired` after
    `kind.max_age`, with `kind.unusable` for a bad signature or a payload nic never makes."""
    try:
        data = _serializer(kind).loads(str(token), max_age=kind.max_age)
    except SignatureExpired:
        raise LinkError(kind.expired) from None
    except BadData:
        raise LinkError(kind.unusable) from None
    if not isinstance(data, dict):
        raise LinkError(kind.unusable)
    return data


def make(kind: LinkKind, user: User, **extra: Any) -> str:
    """A token of `kind` for `user`, bound to the account's state of now, carrying `extra`."""
    return sign(kind, **{**extra, "user": user.id, **kind.binds(user)})


def load(kind: LinkKind, token: object) -> tuple[User, dict[str, Any]]:
    """The active account a token is for, and its payload.

    Raises LinkError with `kind.expired` after `kind.max_age`, else with
    `kind.unusable` when the signature, the account or its bound state
    does not match.
    """
    data = unsign(kind, token)
    user_id = data.get("user")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active:
        raise LinkError(kind.unusable)
    if any(data.get(key) != value for key, value in kind.binds(user).items()):
        raise LinkError(kind.unusable)
    return user, data
