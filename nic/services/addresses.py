"""Email addresses: confirmed by a mailed link at registration and whenever they change.

Registering makes an account that may read but not write (policy.may_write)
until its owner opens the link mailed to the address (`CONFIRM`, bound to
the account and the address it confirms, so it stops working if the
address changes). Registering with an address that already has an account
answers exactly as any registration does, creates nothing, and mails that
address's owner instead: the page never tells who is a member. With
NIC_REGISTRATION_DOMAINS set, only addresses at those domains may register
(an invitation is the way in for anyone else: nic.services.invitations).

Changing the address stores nothing: the link mailed to the new address
(`CHANGE`) carries the new address and is bound to the current one. The
address changes only when it is opened, if the new address is still free;
then the old address is told, with a way to reset the password.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash

from nic import mail
from nic.database import begin_write
from nic.errors import Conflict, ValidationError
from nic.extensions import db
from nic.models import User, utcnow
from nic.services import accounts, signed_links

CONFIRM_MAX_AGE = 7 * 24 * 3600  # seconds: the mail says "7 days"
CHANGE_MAX_AGE = 2 * 24 * 3600  # seconds: the mail says "2 days"


def _bound_to_address(user: User) -> dict[str, str]:
    return {"email": signed_links.fingerprint(user.email)}


CONFIRM = signed_links.LinkKind(
    salt="nic.email-confirm",
    max_age=CONFIRM_MAX_AGE,
    binds=_bound_to_address,
    expired=(
        "This link has expired: a link to confirm your address works for 7 days. "
        "Sign in and ask for a new one from the banner at the top of the page."
    ),
    unusable=(
        "This link does not work: your address was changed since, or the link was not "
        "copied whole. Sign in and ask for a new one from the banner at the top of the page."
    ),
)
CHANGE = signed_links.LinkKind(
    salt="nic.email-change",
    max_age=CHANGE_MAX_AGE,
    binds=_bound_to_address,
    expired=(
        "This link has expired: a link to change your address works for 2 days. "
        "Ask for a new one in your settings."
    ),
    unusable=(
        "This link does not work: it was used already, your address was changed since, "
        "or the link was not copied whole. Ask for a new one in your settings."
    ),
)
NEW_ADDRESS_TAKEN = (
    "{new} now belongs to another nic account, so your address stays {old}. "
    "Choose another address in your settings."
)


def send_confirmation(user: User) -> None:
    """Mail `user` a link that confirms their address (queued: nic.mail)."""
    mail.send(
        user.email,
        "confirm_email",
        "Confirm your email address for nic",
        name=user.name,
        link=mail.absolute_url("addresses.confirm", token=signed_links.make(CONFIRM, user)),
        days=CONFIRM_MAX_AGE // 86400,
    )


def registration_domains() -> list[str]:
    """The domains whose addresses may register (NIC_REGISTRATION_DOMAINS); empty: any."""
    return list(current_app.config.get("NIC_REGISTRATION_DOMAINS") or [])


def domain_refusal(domains: list[str]) -> str:
    """ "Use your district email address: @a.org or @b.org." """
    named = [f"@{domain}" for domain in domains]
    listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} or {named[-1]}"
    return f"Use your district email address: {listed}."


def check_registration_domain(email: object) -> str:
    """The normalised address, if its domain may register; raises ValidationError on
    `email` (a bad address, or one at another domain). The part after the last @ must be
    one of the domains exactly: a subdomain is another domain."""
    address = accounts.normalize_email(email)
    domains = registration_domains()
    if domains and address.rpartition("@")[2] not in domains:
        raise ValidationError("email", domain_refusal(domains))
    return address


def register(data: accounts.NewAccount) -> User | None:
    """Sign someone up: the new, unconfirmed account (mailed its link), or None.

    None when the address already has an account: nothing is made, and the
    owner gets a mail saying someone tried ("sign in, or reset your
    password"). Callers must answer both alike. Raises ValidationError for
    bad fields, the same either way (every field is checked before the address),
    and for an address outside NIC_REGISTRATION_DOMAINS (whether or not it has an
    account: the domain is the rule, not the person).
    """
    check_registration_domain(data.email)
    try:
        user = accounts.create_user(data)
    except Conflict:
        db.session.rollback()
        accounts.hash_password(str(data.password))  # as long as making an account takes
        _mail_taken(accounts.normalize_email(data.email))
        return None
    send_confirmation(user)
    return user


def _mail_taken(email: str) -> None:
    owner = db.session.scalar(sa.select(User).where(User.email == email))
    if owner is None or not owner.is_active:  # nobody to tell
        return
    mail.send(
        owner.email,
        "registration_attempt",
        "Someone tried to register on nic with your address",
        name=owner.name,
        login_link=mail.absolute_url("auth.login"),
        reset_link=mail.absolute_url("auth.forgot_password"),
    )


def resend_confirmation(user: User) -> bool:
    """Mail the link again; False (and no mail) if the address is confirmed already."""
    if user.email_confirmed_at is not None:
        return False
    send_confirmation(user)
    return True


def confirm(token: object) -> tuple[User, bool]:
    """Confirm the address a CONFIRM link was made for: the account, and whether this
    confirmed it (False: it was confirmed already). Raises signed_links.LinkError.

    Opening it again later changes nothing: the address stays confirmed.
    """
    begin_write()
    user, _data = signed_links.load(CONFIRM, token)
    newly = user.email_confirmed_at is None
    if newly:
        user.email_confirmed_at = utcnow()
    db.session.commit()
    return user, newly


def request_change(user: User, new_email: object, password: object) -> str:
    """Mail a link to `new_email` that makes it the account's address; returns it normalized.

    Nothing changes until the link is opened. Raises ValidationError for a
    wrong `password`, a bad address, or the address the account has already.
    Whether the new address has an account is not told here (it would tell
    who is a member): the link says so when it is opened.
    """
    if not isinstance(password, str) or not check_password_hash(user.password_hash, password):
        raise ValidationError("current_password", "That is not your current password.")
    new = accounts.normalize_email(new_email)
    if new == user.email:
        raise ValidationError("email", "That is your address already.")
    mail.send(
        new,
        "confirm_new_email",
        "Confirm your new email address for nic",
        name=user.name,
        old=user.email,
        new=new,
        link=mail.absolute_url(
            "addresses.confirm_change", token=signed_links.make(CHANGE, user, new=new)
        ),
        days=CHANGE_MAX_AGE // 86400,
    )
    return new


def confirm_change(token: object) -> tuple[User, str]:
    """Make the address a CHANGE link carries the account's, and tell the old address;
    returns the account and its old address.

    Raises signed_links.LinkError (expired, used, stale: the address changed
    since), Conflict when the new address has an account by now.
    """
    begin_write()
    user, data = signed_links.load(CHANGE, token)
    new, old = data.get("new"), user.email
    if not isinstance(new, str) or not new:
        raise signed_links.LinkError(CHANGE.unusable)
    if accounts.email_taken(new, except_user_id=user.id):
        db.session.rollback()
        raise Conflict(NEW_ADDRESS_TAKEN.format(new=new, old=old))
    user.email = new
    user.email_confirmed_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError:  # taken a moment ago, by a registration that got there first
        db.session.rollback()
        raise Conflict(NEW_ADDRESS_TAKEN.format(new=new, old=old)) from None
    mail.send(
        old,
        "email_changed",
        "Your nic email address was changed",
        name=user.name,
        old=old,
        new=new,
        reset_link=mail.absolute_url("auth.forgot_password"),
    )
    return user, old
