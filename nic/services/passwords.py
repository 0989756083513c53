"""Forgotten passwords: a signed link by mail that sets a new one.

The link (nic.services.signed_links, kind `RESET`) carries the account id
and a fingerprint of its current password hash. It expires after
`RESET_MAX_AGE`, and works once: setting a password (by this link or in
settings) changes the hash, so every earlier link stops matching.

Asking never reveals whether an address has an account: the request only
enqueues `mail_reset_link` with whatever address was typed, the same for
every address, and the job looks the account up and mails only an account.
"""

from __future__ import annotations

import sqlalchemy as sa

from nic import mail
from nic.database import begin_write
from nic.extensions import db
from nic.jobs import job
from nic.models import User
from nic.services import logins, signed_links
from nic.services.accounts import check_password, hash_password

RESET_SALT = "nic.password-reset"
RESET_MAX_AGE = 3600  # seconds: the mail says "an hour"
EMAIL_MAX = 320

EXPIRED = (
    "This link has expired: a link to reset your password works for an hour. "
    "Ask for a new one below."
)
UNUSABLE = (
    "This link does not work: it was used already, your password was changed since, "
    "or the link was not copied whole. Ask for a new one below."
)


RESET = signed_links.LinkKind(
    salt=RESET_SALT,
    max_age=RESET_MAX_AGE,
    binds=lambda user: {"password": signed_links.fingerprint(user.password_hash)},
    expired=EXPIRED,
    unusable=UNUSABLE,
)
ResetLinkError = signed_links.LinkError


def reset_token(user: User) -> str:
    """A signed token for a reset link: good for an hour, and until the password changes."""
    return signed_links.make(RESET, user)


def request_reset(email: object) -> None:
    """Queue a reset link for the account using `email`, if there is one (tell no one which)."""
    address = email.strip().lower()[:EMAIL_MAX] if isinstance(email, str) else ""
    mail_reset_link(address)


@job()
def mail_reset_link(email: str) -> None:
    """Mail the active account using `email` a reset link; for any other address, nothing."""
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None or not user.is_active:
        return
    mail.send(
        user.email,
        "password_reset",
        "Reset your nic password",
        name=user.name,
        link=mail.absolute_url("auth.reset_password", token=reset_token(user)),
        minutes=RESET_MAX_AGE // 60,
    )


def user_for_token(token: object) -> User:
    """The account a reset link is for; raises ResetLinkError (expired, used, tampered)."""
    user, _data = signed_links.load(RESET, token)
    return user


def reset_password(token: object, new_password: object) -> User:
    """Set a new password through a reset link and end every sign-in of the account.

    Raises ResetLinkError for a bad link, ValidationError on `new_password`
    for a password that breaks the rules (the same as at registration).
    """
    begin_write()  # checked and changed in one write transaction: a link works once
    user = user_for_token(token)
    password = check_password(new_password, "new_password")
    user.password_hash = hash_password(password)
    db.session.commit()
    logins.end_all_logins(user)
    return user
