"""Invitation forms: addresses to invite, and accepting an invitation."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import DataRequired

from nic.forms.accounts import RegisterForm, password_again
from nic.forms.common import Limit, TextAreaField

# Up to 200 addresses of 254 characters, with their separators.
ADDRESSES_MAX = 60_000


class InviteForm(FlaskForm):
    """A facilitator's (or an administrator's) addresses to invite to a group."""

    emails = TextAreaField(
        "Email addresses",
        validators=[DataRequired("Enter at least one email address."), Limit(ADDRESSES_MAX)],
        description="One or several: one a line, or separated by commas. "
        "People who have an account join the group at once.",
    )


class AdminInviteForm(InviteForm):
    """The admin page's invitations: to the network, or to a group to land in."""

    group_id = SelectField(
        "Land in the group", choices=[], invalid_choice_message="Choose a group from the list."
    )


class InviteNeverSignedInForm(FlaskForm):
    """Everyone who has never signed in, invited at once (administrators)."""

    group_id = SelectField(
        "Land in the group", choices=[], invalid_choice_message="Choose a group from the list."
    )


class AcceptForm(RegisterForm):
    """Accepting an invitation: the registration form but the address (it is the
    invitation's), with the password typed twice."""

    email = None
    confirm_password = password_again("password", "password")


class JoinForm(FlaskForm):
    """Accepting an invitation with an account someone has signed in to: only the button."""
