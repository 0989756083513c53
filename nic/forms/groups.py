"""Group forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import DataRequired

from nic.forms.common import (
    JOB_ROLE_CHOICES,
    NOT_LISTED,
    Limit,
    MultiCheckboxField,
    TextAreaField,
    choices,
)
from nic.models import GroupRole
from nic.services.groups import DESCRIPTION_MAX, GROUP_NAME_MAX


class GroupForm(FlaskForm):
    name = StringField(
        "Name", validators=[DataRequired("Give the group a name."), Limit(GROUP_NAME_MAX)]
    )
    description = TextAreaField("What the group is for", validators=[Limit(DESCRIPTION_MAX)])
    job_roles = MultiCheckboxField(
        "Meant for", choices=JOB_ROLE_CHOICES, invalid_choice_message=NOT_LISTED
    )
    visibility = RadioField(
        "Who can see it",
        choices=choices(
            [
                ("network", "The whole network: anyone can find and join it"),
                ("private", "Members only: facilitators add people"),
            ]
        ),
        default="network",
        invalid_choice_message="Choose who can see the group: the whole network or members only.",
    )


class AddMemberForm(FlaskForm):
    # No one is chosen until the facilitator chooses: the first option is empty (issue 17).
    user_id = SelectField(
        "Person",
        choices=[],
        validate_choice=False,
        validators=[DataRequired("Choose the person to add.")],
    )
    role = SelectField(
        "Group role",
        choices=choices(
            [(GroupRole.MEMBER.value, "Member"), (GroupRole.FACILITATOR.value, "Facilitator")]
        ),
        invalid_choice_message="Choose member or facilitator.",
    )
