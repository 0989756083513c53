"""Accounts: sign-up, sign-in, profiles and the CLI's create-user."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from nic.database import begin_write
from nic.errors import Conflict, NotFound, ValidationError
from nic.extensions import db
from nic.models import JobRole, School, User, utcnow
from nic.services import handles, logins, search_documents
from nic.services.org import require_admin
from nic.services.validation import (
    check_characters,
    clean_choice,
    clean_text,
    clean_time_zone,
    too_long,
)
from nic.timezones import DEFAULT_ZONE

PASSWORD_MIN = 10
PASSWORD_MAX = 200
NAME_MAX = 120
USERNAME_MIN, USERNAME_MAX = 3, 40
BIO_MAX = 500
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,38}[a-z0-9]$")
JOB_ROLES = [role.value for role in JobRole]


def normalize_email(value: object) -> str:
    """Lower-cased, syntax-checked email (no DNS look-up)."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("email", "Enter your email address.")
    if check_characters(value):
        raise ValidationError("email", "Enter a valid email address.")
    try:
        result = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError("email", "Enter a valid email address.") from exc
    return result.normalized.lower()


def check_password(value: object, field: str = "password") -> str:
    """A new password that meets the rules; raises ValidationError on `field`."""
    if not isinstance(value, str) or len(value) < PASSWORD_MIN:
        raise ValidationError(field, f"Use at least {PASSWORD_MIN} characters.")
    if len(value) > PASSWORD_MAX:
        raise ValidationError(field, too_long(len(value), PASSWORD_MAX))
    problem = check_characters(value)
    if problem:
        raise ValidationError(field, problem)
    return value


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def username_base(name: str) -> str:
    return handles.handle_base(name, ".", 30) or "member"


def unique_username(name: str) -> str:
    """A free handle derived from the name: maria.lopez, maria.lopez2, ...

    Free of the group slugs too: both are mentioned as @handle (nic.services.handles).
    """
    base = username_stem(name)
    return handles.first_free(base, handles.taken(base))


def username_stem(name: str) -> str:
    """What a person's handle starts from: the name's handle, at least 3 characters."""
    base = username_base(name)
    return base if len(base) >= 3 else f"{base}.member"


def _check_school(school_id: int | None) -> int | None:
    if school_id is None:
        return None
    if db.session.get(School, school_id) is None:
        raise ValidationError("school_id", "Choose a school from the list.")
    return school_id


def email_taken(email: str, except_user_id: int | None = None) -> bool:
    query = sa.select(User.id).where(User.email == email)
    if except_user_id is not None:
        query = query.where(User.id != except_user_id)
    return db.session.scalar(query) is not None


@dataclass(frozen=True)
class NewAccount:
    email: str
    name: str
    password: str
    job_role: str = JobRole.OTHER.value
    school_id: int | None = None
    is_admin: bool = False
    time_zone: str = DEFAULT_ZONE
    # Made by an administrator, the CLI or the demo: the address counts as confirmed.
    # Registration leaves it False and mails a link (nic.services.addresses).
    confirmed: bool = False


def create_user(data: NewAccount) -> User:
    """Create an account; raises ValidationError, Conflict for a taken email.

    The Conflict's message names the address as taken: fine for administrators and the
    CLI, never shown to someone registering (nic.services.addresses.register).
    """
    begin_write()
    user = add_user(data)
    db.session.commit()
    return user


def add_user(data: NewAccount) -> User:
    """`create_user` without the commit, for a caller that writes more in the same
    transaction (accepting an invitation). Raises ValidationError, Conflict."""
    email = normalize_email(data.email)
    clean = _clean_account(data)
    if email_taken(email):
        raise Conflict("An account with that email already exists.")
    user = User(
        email=email,
        username=unique_username(clean.name),
        is_admin=data.is_admin,
        email_confirmed_at=utcnow() if data.confirmed else None,
    )
    _apply(user, clean)
    db.session.add(user)
    return user


@dataclass(frozen=True)
class _AccountFields:
    name: str
    password: str
    job_role: str
    school_id: int | None
    time_zone: str


def _clean_account(data: NewAccount) -> _AccountFields:
    """The fields of `data` but the address, checked; raises ValidationError on the first
    bad one."""
    return _AccountFields(
        name=clean_text("name", data.name, max_length=NAME_MAX),
        password=check_password(data.password),
        time_zone=clean_time_zone(data.time_zone),
        job_role=clean_choice("job_role", data.job_role, JOB_ROLES),
        school_id=_check_school(data.school_id),
    )


def _apply(user: User, clean: _AccountFields) -> None:
    user.name = clean.name
    user.password_hash = hash_password(clean.password)
    user.job_role, user.school_id, user.time_zone = clean.job_role, clean.school_id, clean.time_zone
    user.search_text = search_documents.person_text(clean.name, clean.job_role, clean.school_id)


def claim_account(user: User, data: NewAccount) -> User:
    """Give an account nobody has signed in to yet (made by an administrator or an
    import) the name, password, job role, school and time zone its owner chose, and count
    its address as confirmed; no commit (accepting an invitation). Its address and
    username stay. Raises ValidationError."""
    _apply(user, _clean_account(data))
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    return user


def authenticate(email: object, password: object) -> User | None:
    """The active user with this email and password, else None."""
    if not isinstance(email, str) or not isinstance(password, str):
        return None
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        # Hash anyway so a wrong email takes as long as a wrong password.
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
    return user


_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def change_password(user: User, current: object, new: object, keep_login_id: int | None) -> None:
    """Set a new password after checking the current one; raises ValidationError.

    Every other sign-in of the user ends (and their sockets close); the one
    they are using (`keep_login_id`) stays signed in. API tokens stay: they
    are revoked one by one in settings.
    """
    if not isinstance(current, str) or not check_password_hash(user.password_hash, current):
        raise ValidationError("current_password", "That is not your current password.")
    password = check_password(new, "new_password")
    begin_write()
    user.password_hash = hash_password(password)
    db.session.commit()
    logins.end_other_logins(user, keep_login_id)


def set_account_active(actor: User | None, user_id: int, active: bool) -> User:
    """An administrator (or the CLI: `actor` None) deactivates or reactivates an account.

    Deactivating ends every sign-in of the account and closes its open
    sockets; its tokens stop working (they check the account on each call).
    Raises PermissionDenied, NotFound, or ValidationError for one's own account.
    """
    begin_write()
    require_admin(actor)
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such member.")
    if actor is not None and user.id == actor.id:
        raise ValidationError("account", "You cannot deactivate your own account.")
    user.is_active_account = active
    db.session.commit()
    if not active:
        logins.end_all_logins(user, every_socket=True)
    return user


@dataclass(frozen=True)
class ProfileChange:
    name: str
    username: str
    job_role: str
    school_id: int | None
    bio: str
    time_zone: str


def update_profile(user: User, change: ProfileChange) -> User:
    """Save a user's own profile; raises ValidationError."""
    begin_write()
    name = clean_text("name", change.name, max_length=NAME_MAX)
    username = clean_text("username", change.username, max_length=USERNAME_MAX).lower()
    if not USERNAME_RE.match(username):
        raise ValidationError(
            "username",
            f"Use {USERNAME_MIN} to {USERNAME_MAX} lower-case letters, digits, dots, dashes"
            " or underscores, starting and ending with a letter or digit.",
        )
    taken = db.session.scalar(
        sa.select(User.id).where(User.username == username, User.id != user.id)
    )
    if taken is not None or handles.is_group_slug(username):
        raise ValidationError("username", "That username is taken.")
    user.name = name
    user.username = username
    user.job_role = clean_choice("job_role", change.job_role, JOB_ROLES)
    user.school_id = _check_school(change.school_id)
    user.bio = clean_text("bio", change.bio, max_length=BIO_MAX, required=False)
    user.time_zone = clean_time_zone(change.time_zone)
    user.search_text = search_documents.person_text(user.name, user.job_role, user.school_id)
    db.session.commit()
    return user


def get_user_by_username(username: str) -> User:
    user = db.session.scalar(
        sa.select(User)
        .options(joinedload(User.school))
        .where(User.username == username.lower(), User.is_active_account.is_(True))
    )
    if user is None:
        raise NotFound("No member has that username.")
    return user


def get_user(user_id: int, *, active_only: bool = False) -> User:
    """A member by id, school loaded; raises NotFound.

    `active_only`: deactivated accounts are NotFound too, as in the directory.
    """
    query = sa.select(User).options(joinedload(User.school)).where(User.id == user_id)
    if active_only:
        query = query.where(User.is_active_account.is_(True))
    user = db.session.scalar(query)
    if user is None:
        raise NotFound("No such member.")
    return user
