"""Sign-in, sign-up and profile forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo

from nic.forms.common import JOB_ROLE_CHOICES, Limit, TextAreaField
from nic.services.accounts import (
    BIO_MAX,
    NAME_MAX,
    PASSWORD_MAX,
    PASSWORD_MIN,
    USERNAME_MAX,
    USERNAME_MIN,
)
from nic.timezones import DEFAULT_ZONE


def _password(missing: str) -> list:
    return [
        DataRequired(missing),
        Limit(PASSWORD_MAX, min=PASSWORD_MIN, too_short=f"Use at least {PASSWORD_MIN} characters."),
    ]


def password_again(of: str, called: str) -> PasswordField:
    """The same password typed a second time, to catch a slip of the finger."""
    return PasswordField(
        f"{called.capitalize()} again",
        validators=[
            DataRequired(f"Type the {called} again."),
            EqualTo(of, f"The two {called}s differ. Type the same one twice."),
        ],
    )


def _name() -> StringField:
    return StringField("Your name", validators=[DataRequired("Enter your name."), Limit(NAME_MAX)])


def _job_role() -> SelectField:
    return SelectField(
        "Job role", choices=JOB_ROLE_CHOICES,
        invalid_choice_message="Choose your job role from the list.",
    )  # fmt: skip


def _school() -> SelectField:
    return SelectField(
        "School", choices=[], invalid_choice_message="Choose a school from the list."
    )


def _time_zone() -> SelectField:
    return SelectField(
        "Time zone", choices=[], default=DEFAULT_ZONE,
        invalid_choice_message="Choose a time zone from the list.",
    )  # fmt: skip


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Enter your email address.")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])


class RegisterForm(FlaskForm):
    name = _name()
    email = EmailField(
        "Email",
        validators=[
            DataRequired("Enter your email address."),
            Email("Enter a valid email address."),
        ],
    )
    password = PasswordField("Password", validators=_password("Choose a password."))
    job_role = _job_role()
    school_id = _school()
    time_zone = _time_zone()


class ProfileForm(FlaskForm):
    name = _name()
    username = StringField(
        "Username",
        validators=[
            DataRequired("Choose a username."),
            Limit(
                USERNAME_MAX, min=USERNAME_MIN,
                too_short=f"Choose a username of {USERNAME_MIN} to {USERNAME_MAX} characters.",
            ),
        ],
    )  # fmt: skip
    job_role = _job_role()
    school_id = _school()
    bio = TextAreaField("Short bio", validators=[Limit(BIO_MAX)])
    time_zone = _time_zone()


def _strip(value: object) -> object:
    """Phone keyboards add a space after an address picked from suggestions."""
    return value.strip() if isinstance(value, str) else value


def _address(label: str, missing: str, description: str) -> EmailField:
    return EmailField(
        label, filters=[_strip], description=description,
        validators=[DataRequired(missing), Email("Enter a valid email address.")],
    )  # fmt: skip


class ForgotPasswordForm(FlaskForm):
    email = _address("Email", "Enter your email address.", "The address you sign in with.")


class NewPasswordForm(FlaskForm):
    """A new password, typed twice: the reset page (and, with the current one, settings)."""

    new_password = PasswordField(
        "New password",
        validators=_password("Choose a new password."),
        description=f"At least {PASSWORD_MIN} characters.",
    )
    confirm_password = password_again("new_password", "new password")


class PasswordForm(NewPasswordForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password.")]
    )


class EmailChangeForm(FlaskForm):
    """A new address for the account; the current password proves it is the owner asking."""

    email = _address(
        "New email address", "Enter the new email address.",
        "We mail a link there: your address changes when you open it.",
    )  # fmt: skip
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password.")]
    )
