"""Personal access tokens: create (shown once), authenticate, list, revoke.

A token is `nic_` + 40 random URL-safe characters. Only its SHA-256 is
stored, so a leaked database does not leak working tokens.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from nic import events
from nic.database import begin_write
from nic.errors import NotFound
from nic.extensions import db
from nic.models import ApiToken, User, as_utc, utcnow
from nic.services.validation import clean_text

TOKEN_PREFIX = "nic_"  # noqa: S105 - a public prefix, not a secret
# Writing last_used_at on every call would turn every read into a write.
LAST_USED_RESOLUTION_S = 60
TOKEN_NAME_MAX = 100


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown to the user once, never stored


def create_token(user: User, name: object = "API token") -> NewToken:
    """A new token for this user; raises ValidationError for a bad name."""
    begin_write()
    clean_name = clean_text("name", name, max_length=TOKEN_NAME_MAX)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(30)
    token = ApiToken(user_id=user.id, name=clean_name, token_hash=_hash(secret), prefix=secret[:10])
    db.session.add(token)
    db.session.commit()
    return NewToken(token, secret)


def authenticate_token(raw: object) -> tuple[User, ApiToken] | None:
    """The active user and live token this secret belongs to, else None."""
    if not isinstance(raw, str) or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    row = db.session.execute(
        sa.select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == _hash(raw), ApiToken.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    token, user = row
    if not user.is_active:
        return None
    now = utcnow()
    last = as_utc(token.last_used_at)
    if last is None or (now - last).total_seconds() > LAST_USED_RESOLUTION_S:
        begin_write()
        token.last_used_at = now
        db.session.commit()
    return user, token


def list_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())
        )
    )


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens; raises NotFound for anyone else's.

    Calls with it are refused from the commit on, and /live sockets opened
    with it are disconnected, in every server process.
    """
    begin_write()
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("No such token.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
        events.signed_out(user.id, [events.token_credential(token.id)])
    return token
