"""Invitations: people asked by email to join the network, or a group to land in.

Administrators invite to the network or to any group; a group's facilitators to their
group (nic.policy.can_invite_to_group). Each address gets one of three answers:

- No account, or an account nobody has signed in to yet (made by an administrator or
  an import): an `Invitation` and a mail with its link. Opening the link shows a form
  for a name and a password (the rules of registration); accepting makes the account
  (or completes the one waiting), counts the address as confirmed, signs in, and lands
  in the group. Registration's domain limit does not apply: the invitation is the
  permission.
- An account someone has signed in to: no invitation and no new account. The person
  joins the group at once, is told as anyone added to a group is (a notification,
  mailed as their preferences say) and by a mail now saying who added them. To the
  network with no group there is nothing to do: the address is reported as skipped.
- A deactivated account, or a member of the group already: skipped, with the reason.

An address with an open invitation to the same place is sent it again rather than
invited twice. The link is signed (nic.services.signed_links, kind `INVITE`) and names
the invitation and how many times it was sent: it stops working after
NIC_INVITATION_DAYS days, once accepted, once withdrawn, or when a newer mail of the
same invitation was sent, each with a message saying which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from nic import mail, policy
from nic.database import begin_write
from nic.errors import Conflict, NotFound, ValidationError
from nic.extensions import db
from nic.models import (
    Group,
    GroupRole,
    Invitation,
    InvitationStatus,
    Membership,
    User,
    utcnow,
)
from nic.policy import Actor
from nic.services import accounts, groups, notification_feed, signed_links
from nic.services.access import Access, refusal

INVITE_SALT = "nic.invitation"
BATCH_MAX = 200  # addresses in one request (everyone who never signed in: no limit)

UNUSABLE = (
    "This invitation link does not work: it was not copied whole, or it was not made by "
    "nic. Open the link in the mail again, or ask the person who invited you to send it again."
)
EXPIRED = (
    "This invitation has expired: an invitation works for {days} days. "
    "Ask the person who invited you to send it again."
)
USED = (
    "This invitation was used already. Sign in with the password chosen then, "
    "or reset it if you have forgotten it."
)
WITHDRAWN = (
    "This invitation was withdrawn. If you think that is a mistake, ask the person who invited you."
)
REPLACED = (
    "This invitation was sent to you again since this mail: open the link in the latest "
    "mail instead."
)
DEACTIVATED = (
    "The nic account with this address is deactivated, so it cannot accept invitations. "
    "Ask an administrator of your network to reactivate it."
)
JUST_MADE = "An account with this address was made a moment ago: sign in with it instead."

LinkError = signed_links.LinkError


def invitation_days() -> int:
    return int(current_app.config.get("NIC_INVITATION_DAYS", 7))


def _kind() -> signed_links.LinkKind:
    days = invitation_days()
    return signed_links.LinkKind(
        salt=INVITE_SALT,
        max_age=days * 86400,
        expired=EXPIRED.format(days=days),
        unusable=UNUSABLE,
    )


def invitation_token(invitation: Invitation) -> str:
    """The signed token of an invitation's latest mail."""
    return signed_links.sign(_kind(), invitation=invitation.id, sent=invitation.send_count)


# --- Addresses -------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[,;\n]+")
_BRACKETED = re.compile(r"<([^<>]*)>")


def split_addresses(text: str) -> list[str]:
    """Addresses as people paste them: one per line, or separated by commas, semicolons
    or spaces, bare or as a mail program writes them (`Maria Lopez <maria@a.org>`)."""
    found: list[str] = []
    for chunk in _SEPARATORS.split(text):
        bracketed = _BRACKETED.search(chunk)
        found += [bracketed.group(1).strip()] if bracketed else chunk.split()
    return [address for address in found if address]


def clean_addresses(emails: object) -> list[str]:
    """Normalised addresses, each once, in the order given.

    `emails` is text (a form's box: errors on `emails`, naming every bad address) or a
    list (the API: errors on `emails.N`). Raises ValidationError; nothing is invited
    while any address is wrong.
    """
    if isinstance(emails, str):
        values: list[object] = list(split_addresses(emails))
    elif isinstance(emails, list | tuple):
        values = list(emails)
    else:
        raise ValidationError("emails", "Enter the email addresses to invite.")
    if not values:
        raise ValidationError("emails", "Enter at least one email address.")
    if len(values) > BATCH_MAX:
        raise ValidationError("emails", f"Invite at most {BATCH_MAX} people at a time.")
    clean: list[str] = []
    bad: dict[int, str] = {}
    for index, value in enumerate(values):
        try:
            clean.append(accounts.normalize_email(value))
        except ValidationError as exc:
            bad[index] = exc.message
    if bad and isinstance(emails, str):
        wrong = ", ".join(str(values[index])[:80] for index in bad)
        if len(bad) == 1:
            message = f"This is not an email address: {wrong}. Correct or remove it."
        else:
            message = f"These are not email addresses: {wrong}. Correct or remove them."
        raise ValidationError("emails", message)
    if bad:
        raise ValidationError({f"emails.{index}": message for index, message in bad.items()})
    return list(dict.fromkeys(clean))


# --- Who may invite, and to what -------------------------------------------------------


def _target(actor: Actor, group: int | groups.GroupAccess | None) -> Group | None:
    """The group invitations go to (its id, or its access already loaded; None: the
    network), once the actor may invite there.

    Raises NotFound for a group the actor may not see, PermissionDenied (or
    EmailUnconfirmed) for one they may not invite to.
    """
    if group is None:
        if not policy.can_invite_to_network(actor):
            raise refusal(actor, "Only administrators invite people to the network.")
        return None
    access = group if isinstance(group, Access) else groups.get_group_for(actor, group)
    if not policy.can_invite_to_group(actor, access.group, access.membership):
        raise refusal(actor, "Only the group's facilitators can invite people to it.")
    return access.group


def may_invite_to_network(actor: Actor) -> None:
    """Raises PermissionDenied unless the actor may invite to the network (admins)."""
    _target(actor, None)


def may_invite_to(actor: Actor, access: groups.GroupAccess) -> None:
    """Raises PermissionDenied (or EmailUnconfirmed) unless the actor may invite to the
    group of `access` (a page checks before it reads the form)."""
    _target(actor, access)


def get_invitation_to_manage(actor: Actor, invitation_id: int) -> Invitation:
    """An invitation the actor may resend or withdraw, its group loaded: one query.

    Raises NotFound when there is none, or it is a network invitation and the actor is
    not an administrator, or its group is one the actor may not see; PermissionDenied
    for a group the actor sees but does not facilitate.
    """
    actor_id = actor.id if policy.is_signed_in(actor) else None
    mine = sa.and_(Membership.group_id == Invitation.group_id, Membership.user_id == actor_id)
    row = db.session.execute(
        sa.select(Invitation, Membership)
        .outerjoin(Invitation.group)
        .options(contains_eager(Invitation.group), joinedload(Invitation.invited_by))
        .outerjoin(Membership, mine)
        .where(Invitation.id == invitation_id)
    ).first()
    missing = NotFound("No such invitation.")
    if row is None:
        raise missing
    invitation, membership = row
    if invitation.group is None:
        if not policy.can_invite_to_network(actor):
            raise missing
        return invitation
    if not policy.can_view_group(actor, invitation.group, membership):
        raise missing
    if not policy.can_invite_to_group(actor, invitation.group, membership):
        raise refusal(actor, "Only the group's facilitators can manage its invitations.")
    return invitation


# --- Inviting ------------------------------------------------------------------------


@dataclass(frozen=True)
class Skipped:
    email: str
    reason: str


@dataclass
class InviteOutcome:
    """What inviting did, address by address."""

    invited: list[Invitation] = field(default_factory=list)  # mailed a link
    joined: list[User] = field(default_factory=list)  # had accounts: added to the group
    skipped: list[Skipped] = field(default_factory=list)

    def summary(self) -> str:
        """In words, for the page's message: "2 people invited by email; 1 person added ..." """
        parts = []
        if self.invited:
            parts.append(f"{_people(len(self.invited))} invited by email")
        if self.joined:
            parts.append(f"{_people(len(self.joined))} added to the group (they have accounts)")
        parts += [f"{skip.email} {skip.reason}" for skip in self.skipped]
        return "; ".join(parts) + "." if parts else "Nobody to invite."


def _people(n: int) -> str:
    return "1 person" if n == 1 else f"{n} people"


def invite(
    actor: Actor, emails: object, group: int | groups.GroupAccess | None = None
) -> InviteOutcome:
    """Invite addresses (text or a list, see `clean_addresses`) to a group (its id or its
    access, loaded by the caller) or the network (None).

    See the module's docstring for what each address gets. Raises ValidationError,
    NotFound, PermissionDenied.
    """
    begin_write()
    target = _target(actor, group)
    addresses = clean_addresses(emails)
    return _invite(actor, target, addresses, renew_open=True)


def never_signed_in_query() -> sa.Select:
    """Active accounts nobody has signed in to (on a page: tokens do not count), by email."""
    return (
        sa.select(User.email)
        .where(User.signed_in_at.is_(None), User.is_active_account.is_(True))
        .order_by(User.email)
    )


def count_never_signed_in() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(never_signed_in_query().subquery())
    ) or 0  # fmt: skip


def invite_never_signed_in(actor: Actor, group_id: int | None = None) -> InviteOutcome:
    """Invite every active account nobody has signed in to yet (administrators), to land
    in `group_id` if given. Those with an open invitation there that has not expired are
    left out (send theirs again one by one). Raises NotFound, PermissionDenied."""
    begin_write()
    may_invite_to_network(actor)
    group = _target(actor, group_id) if group_id is not None else None
    mine = actor.email if policy.is_signed_in(actor) else None
    addresses = [a for a in db.session.scalars(never_signed_in_query()) if a != mine]
    return _invite(actor, group, addresses, renew_open=False)


def _invite(
    actor: Actor, group: Group | None, addresses: list[str], *, renew_open: bool
) -> InviteOutcome:
    """Invite each address (see the module's docstring), commit, then mail and publish."""
    now = utcnow()
    outcome = InviteOutcome()
    people = {
        u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_(addresses)))
    }
    members = _members(group, [u.id for u in people.values()])
    pending = _open_invitations(group, addresses)
    told: set[int] = set()
    for address in addresses:
        person = people.get(address)
        invitation = pending.get(address)
        if person is not None and not person.is_active_account:
            outcome.skipped.append(Skipped(address, "has a deactivated account"))
        elif person is not None and person.signed_in_at is not None:
            if group is None:
                outcome.skipped.append(Skipped(address, "has an account already"))
            elif person.id in members:
                outcome.skipped.append(Skipped(address, "is a member of the group already"))
            else:
                told |= _land(actor, group.id, person)
                outcome.joined.append(person)
        elif invitation is not None and not renew_open and _waiting(invitation, now):
            outcome.skipped.append(Skipped(address, "has an invitation waiting"))
        elif invitation is not None:
            _renew(invitation, now)
            outcome.invited.append(invitation)
        else:
            invitation = Invitation(
                email=address, group_id=group.id if group else None,
                invited_by_id=actor.id if policy.is_signed_in(actor) else None,
                created_at=now, sent_at=now, send_count=1, expires_at=_expiry(now),
            )  # fmt: skip
            db.session.add(invitation)
            outcome.invited.append(invitation)
    db.session.commit()
    notification_feed.publish_counts(told)
    inviter = actor.name if policy.is_signed_in(actor) else None
    for invitation in outcome.invited:
        _mail_invitation(invitation, group, inviter, people.get(invitation.email))
    for person in outcome.joined:
        _mail_added(person, group, inviter)
    outcome.invited = _with_people([invitation.id for invitation in outcome.invited])
    return outcome


def _with_people(ids: list[int]) -> list[Invitation]:
    """These invitations again, in this order, with their group and inviter: one query."""
    if not ids:
        return []
    rows = db.session.scalars(
        _loaded().where(Invitation.id.in_(ids)).execution_options(populate_existing=True)
    )
    by_id = {row.id: row for row in rows}
    return [by_id[i] for i in ids]


def _land(actor: Actor, group_id: int, person: User) -> set[int]:
    """Add the person to the group as a member (one already in it keeps their role);
    the people told, to publish after the commit."""
    if db.session.get(Membership, (group_id, person.id)) is not None:
        return set()
    return groups.place_member(actor, group_id, person, GroupRole.MEMBER.value)[1]


def _members(group: Group | None, user_ids: list[int]) -> set[int]:
    if group is None or not user_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Membership.user_id).where(
                Membership.group_id == group.id, Membership.user_id.in_(user_ids)
            )
        )
    )


def _open_invitations(group: Group | None, addresses: list[str]) -> dict[str, Invitation]:
    """The open invitations of these addresses to the same place (the group, or the network)."""
    place = Invitation.group_id == group.id if group else Invitation.group_id.is_(None)
    rows = db.session.scalars(
        sa.select(Invitation)
        .where(Invitation.email.in_(addresses), place, _is_open())
        .order_by(Invitation.id)
    )
    return {row.email: row for row in rows}


def _is_open() -> sa.ColumnElement[bool]:
    return sa.and_(Invitation.accepted_at.is_(None), Invitation.withdrawn_at.is_(None))


def _expiry(now: datetime) -> datetime:
    return now + timedelta(days=invitation_days())


def _waiting(invitation: Invitation, now: datetime) -> bool:
    return invitation.status(now) == InvitationStatus.PENDING


def _renew(invitation: Invitation, now: datetime) -> None:
    """Sent again: a new link (the earlier ones stop working) good for the full days."""
    invitation.sent_at = now
    invitation.send_count += 1
    invitation.expires_at = _expiry(now)


def _mail_invitation(
    invitation: Invitation, group: Group | None, inviter: str | None, account: User | None
) -> None:
    where = group.name if group else "nic"
    subject = f"{inviter} invited you to {where}" if inviter else f"You are invited to {where}"
    mail.send(
        invitation.email,
        "invitation",
        subject + (" on nic" if group else ""),
        inviter=inviter,
        group=group.name if group else None,
        has_account=account is not None,
        link=mail.absolute_url("invitations.accept", token=invitation_token(invitation)),
        days=invitation_days(),
    )


def _mail_added(person: User, group: Group | None, inviter: str | None) -> None:
    assert group is not None  # only a group invitation adds people with accounts
    mail.send(
        person.email,
        "group_added",
        f"{inviter or 'A facilitator'} added you to {group.name} on nic",
        name=person.name,
        inviter=inviter,
        group=group.name,
        link=mail.absolute_url("groups.show", group_id=group.id),
    )


# --- Resending and withdrawing ---------------------------------------------------------


def _refuse(message: str) -> Conflict:
    """A Conflict to raise, the write transaction ended first (nothing was written)."""
    db.session.rollback()
    return Conflict(message)


def _still_open(invitation: Invitation) -> None:
    if invitation.accepted_at is not None:
        raise _refuse(f"{invitation.email} accepted this invitation already.")
    if invitation.withdrawn_at is not None:
        raise _refuse(f"This invitation was withdrawn: invite {invitation.email} again instead.")


def resend(actor: Actor, invitation_id: int) -> Invitation:
    """Mail an open invitation again, with a new link good for the full days (earlier
    links stop working). Raises NotFound, PermissionDenied, Conflict (accepted, withdrawn)."""
    begin_write()
    invitation = get_invitation_to_manage(actor, invitation_id)
    _still_open(invitation)
    _renew(invitation, utcnow())
    db.session.commit()
    account = db.session.scalar(sa.select(User).where(User.email == invitation.email))
    inviter = actor.name if policy.is_signed_in(actor) else None
    _mail_invitation(invitation, invitation.group, inviter, account)
    return invitation


def withdraw(actor: Actor, invitation_id: int) -> Invitation:
    """Withdraw an invitation: its link stops working. Withdrawing one withdrawn already
    changes nothing. Raises NotFound, PermissionDenied, Conflict (accepted already)."""
    begin_write()
    invitation = get_invitation_to_manage(actor, invitation_id)
    if invitation.accepted_at is not None:
        raise _refuse(
            f"{invitation.email} accepted this invitation already: "
            "remove them from the group instead."
        )
    if invitation.withdrawn_at is None:
        invitation.withdrawn_at = utcnow()
    db.session.commit()
    return invitation


# --- Lists -----------------------------------------------------------------------------


def _loaded() -> sa.Select:
    """Invitations with their group and who invited (what every list shows)."""
    return sa.select(Invitation).options(
        joinedload(Invitation.group), joinedload(Invitation.invited_by)
    )


def _listed() -> sa.Select:
    return _loaded().where(_is_open()).order_by(Invitation.created_at.desc(), Invitation.id.desc())


def pending_for_group(group_id: int) -> sa.Select:
    """A group's open invitations (expired ones too: they can be sent again), newest
    first, with who invited: for its members page, after the caller's own check."""
    return _listed().where(Invitation.group_id == group_id)


def pending_for_admin() -> sa.Select:
    """Every open invitation, to the network and to groups: the admin page."""
    return _listed()


def manageable_query(actor: Actor, group_id: int | None = None) -> sa.Select:
    """The open invitations the actor may resend or withdraw, newest first (the API):
    administrators every one, facilitators those of their groups, anyone else none.
    `group_id`: that group's only; raises NotFound, PermissionDenied for it."""
    if group_id is not None:
        _target(actor, group_id)
        return pending_for_group(group_id)
    if policy.can_invite_to_network(actor):
        return pending_for_admin()
    if not policy.may_write(actor):
        return _listed().where(sa.false())
    facilitated = sa.select(Membership.group_id).where(
        Membership.user_id == actor.id, Membership.role == GroupRole.FACILITATOR.value
    )
    return _listed().where(Invitation.group_id.in_(facilitated))


# --- Accepting -------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenedInvitation:
    """An invitation whose link works, and the account its address has (None: none yet)."""

    invitation: Invitation
    account: User | None

    @property
    def needs_password(self) -> bool:
        """A new account, or one nobody has signed in to: the person chooses a password."""
        return self.account is None or self.account.signed_in_at is None


def open_invitation(token: object, *, to_accept: bool = False) -> OpenedInvitation:
    """The invitation a link is for, if it still works; raises LinkError saying why not:
    forged or cut, expired, used, withdrawn, sent again since, or for a deactivated
    account. `to_accept`: loaded in the write transaction `accept` then completes, so
    two tabs cannot both use one link."""
    if to_accept:
        begin_write()
    data = signed_links.unsign(_kind(), token)
    invitation_id, sent = data.get("invitation"), data.get("sent")
    if not isinstance(invitation_id, int) or not isinstance(sent, int):
        raise LinkError(UNUSABLE)
    query = _loaded().where(Invitation.id == invitation_id)
    if to_accept:  # PostgreSQL: a second tab waits here, then finds it used
        query = query.with_for_update(of=Invitation)
    invitation = db.session.scalar(query)
    if invitation is None:  # its group was deleted, or the token names no row
        raise LinkError(UNUSABLE)
    if invitation.accepted_at is not None:
        raise LinkError(USED)
    if invitation.withdrawn_at is not None:
        raise LinkError(WITHDRAWN)
    if sent != invitation.send_count:
        raise LinkError(REPLACED)
    if invitation.status(utcnow()) == InvitationStatus.EXPIRED:
        raise LinkError(EXPIRED.format(days=invitation_days()))
    account = db.session.scalar(sa.select(User).where(User.email == invitation.email))
    if account is not None and not account.is_active_account:
        raise LinkError(DEACTIVATED)
    return OpenedInvitation(invitation, account)


@dataclass(frozen=True)
class Acceptance:
    """Who accepted, where they landed, and whether they chose a password (then the page
    signs them in; otherwise they had signed in before and sign in as usual)."""

    user: User
    group: Group | None
    chose_password: bool


def accept(opened: OpenedInvitation, details: accounts.NewAccount | None) -> Acceptance:
    """Accept an invitation opened `to_accept`: make the account (or complete the one
    waiting) from `details` (its email is ignored: the invitation's address is used), or,
    for an account someone has signed in to, only join the group; then land in the group.

    One transaction with the opening, so a link works once. Raises ValidationError for
    `details` (required when `needs_password`), Conflict when an account with the address
    appeared a moment ago.
    """
    invitation, user = opened.invitation, opened.account
    if opened.needs_password:
        if details is None:
            raise ValidationError("password", "Choose a password.")
        fields = accounts.NewAccount(
            email=invitation.email, name=details.name, password=details.password,
            job_role=details.job_role, school_id=details.school_id,
            time_zone=details.time_zone, confirmed=True,
        )  # fmt: skip
        user = accounts.add_user(fields) if user is None else accounts.claim_account(user, fields)
        db.session.flush()
    assert user is not None
    if invitation.group_id is not None:
        _land(None, invitation.group_id, user)  # they said yes themselves: nobody to tell
    invitation.accepted_at = utcnow()
    invitation.accepted_user_id = user.id
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(JUST_MADE) from None
    return Acceptance(user, invitation.group, opened.needs_password)
