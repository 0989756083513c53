"""Sign-in, sign-up and profile forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from nic.forms.common import JOB_ROLE_CHOICES
from nic.services.accounts import PASSWORD_MIN


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Enter your email address.")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])


class RegisterForm(FlaskForm):
    name = StringField("Your name", validators=[DataRequired("Enter your name."), Length(max=120)])
    email = EmailField(
        "Email",
        validators=[
            DataRequired("Enter your email address."),
            Email("Enter a valid email address."),
        ],
    )
    password = PasswordField(
        "Password",
        validators=[
            DataRequired("Choose a password."),
            Length(min=PASSWORD_MIN, max=200, message=f"Use at least {PASSWORD_MIN} characters."),
        ],
    )
    job_role = SelectField("Job role", choices=JOB_ROLE_CHOICES)
    school_id = SelectField("School", choices=[], validate_choice=True)


class ProfileForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Enter your name."), Length(max=120)])
    username = StringField(
        "Username", validators=[DataRequired("Choose a username."), Length(min=3, max=40)]
    )
    job_role = SelectField("Job role", choices=JOB_ROLE_CHOICES)
    school_id = SelectField("School", choices=[])
    bio = TextAreaField("Short bio", validators=[Length(max=500)])
    time_zone = SelectField("Time zone", choices=[])


def _strip(value: object) -> object:
    """Phone keyboards add a space after an address picked from suggestions."""
    return value.strip() if isinstance(value, str) else value


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Email",
        filters=[_strip],
        validators=[
            DataRequired("Enter your email address."),
            Email("Enter a valid email address."),
        ],
        description="The address you sign in with.",
    )


class NewPasswordForm(FlaskForm):
    """A new password, typed twice: the reset page (and, with the current one, settings)."""

    new_password = PasswordField(
        "New password",
        validators=[
            DataRequired("Choose a new password."),
            Length(min=PASSWORD_MIN, max=200, message=f"Use at least {PASSWORD_MIN} characters."),
        ],
        description=f"At least {PASSWORD_MIN} characters.",
    )
    confirm_password = PasswordField(
        "New password again",
        validators=[
            DataRequired("Type the new password again."),
            EqualTo("new_password", "The two new passwords differ. Type the same one twice."),
        ],
    )


class PasswordForm(NewPasswordForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password.")]
    )
